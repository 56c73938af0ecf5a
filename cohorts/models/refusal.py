"""The one error a refused act raises; views turn it into a message, never a lost form."""


class Refused(Exception):
    """An act the rules do not allow now (window closed, wrong state, cap reached, ...)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
