"""Demo challenges in every state, with questions and proposals."""


def seed(out):
    return None
