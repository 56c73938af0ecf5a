"""Case studies: publishing on the web, as PDF and in the newsletter."""
