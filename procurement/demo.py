"""Demo SMEs, challenges and proposals."""

from . import demo_challenges, demo_evaluation, demo_pilot


def seed(out):
    demo_challenges.seed(out)
    demo_evaluation.seed(out)
    demo_pilot.seed(out)
