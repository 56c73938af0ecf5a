"""Models of the mentorship app."""
