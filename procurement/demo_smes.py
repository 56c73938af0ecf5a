"""Demo SMEs across the demo cities and sectors."""


def seed(out):
    return None
