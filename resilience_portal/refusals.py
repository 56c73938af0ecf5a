"""The one error a refused act raises, and the one way a view turns it into words.

A service refuses with ``Refused("…")`` (optionally naming the form field it is about);
a view catches it with :func:`refuse`, which puts it on the form when there is one and in
the page's messages otherwise, so the same refusal reads the same everywhere.
"""

from django.contrib import messages


class Refused(Exception):
    """An act the rules do not allow now (window closed, wrong state, cap reached, …)."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)


def refuse(request, refused, *, form=None):
    """Show ``refused`` to the person: on ``form`` (its field, or the top) or as a message."""
    if form is not None:
        field = refused.field if refused.field in getattr(form, "fields", {}) else None
        form.add_error(field, refused.message)
    else:
        messages.error(request, refused.message)
