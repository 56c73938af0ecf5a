"""Demo SMEs, challenges and proposals."""

from . import demo_challenges, demo_smes


def seed(out):
    demo_smes.seed(out)
    demo_challenges.seed(out)
