"""The answer to an autosave: a quiet status line for the page, and the page's new markers.

An autosave is a Save made while the person types: the same draft, the same refusals. Its
answer is a short fragment htmx puts into the form's status line; a refusal keeps what was
typed in the browser, so the answer only says why nothing was saved.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

TEMPLATE = "includes/autosave_status.html"


def saved(request, *, seen=None, loaded=()):
    """Saved: the time, and the markers the next autosave starts from.

    ``seen`` is the draft's new edit mark; ``loaded`` the (bound field, saved text) of each
    section saved, whose "as loaded" value moves on so the next save compares with it.
    """
    markers = [(field.html_initial_id, field.html_initial_name, text) for field, text in loaded]
    context = {"saved_at": timezone.now(), "seen": seen, "markers": markers}
    return render(request, TEMPLATE, context)


def refused(request, refusal):
    return render(request, TEMPLATE, {"problem": refusal.message}, status=409)


def invalid(request, form):
    """Not saved: what to correct, in the words the Save button's errors use."""
    labels = [str(form[name].label) for name in form.errors if name in form.fields]
    problem = (
        _("Not saved yet: check %(fields)s. What you typed is kept in this browser.")
        % {"fields": ", ".join(labels)}
        if labels
        else _("Not saved yet. What you typed is kept in this browser.")
    )
    return render(request, TEMPLATE, {"problem": problem}, status=400)
