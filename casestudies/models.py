"""Models of the casestudies app."""
