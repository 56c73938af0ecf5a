"""Demo SMEs, challenges and proposals."""

from . import demo_challenges


def seed(out):
    demo_challenges.seed(out)
