"""The answer to an autosave: a quiet status line for the page, and the page's new markers.

An autosave is a Save made while the person types: the same draft, the same refusals. Its
answer is a short fragment htmx puts into the form's status line; a refusal keeps what was
typed in the browser, so the answer only says why nothing was saved.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

TEMPLATE = "includes/autosave_status.html"


def saved(request, *, seen=None, loaded=(), kept=()):
    """Saved: the time, and the markers the next autosave starts from.

    ``seen`` is the draft's new edit mark; ``loaded`` the (bound field, saved text) of each
    section saved, whose "as loaded" value moves on so the next save compares with it.
    ``kept`` names sections a colleague saved meanwhile, left as they are: the answer is then
    a conflict (409), so the browser keeps the person's own text.
    """
    markers = [(field.html_initial_id, field.html_initial_name, text) for field, text in loaded]
    context = {"seen": seen, "markers": markers}
    if markers or seen or not kept:
        context["saved_at"] = timezone.now()
    if kept:
        context["problem"] = _(
            "A colleague saved %(sections)s after you opened this page, so your text there is "
            "not saved; it is kept in this browser. Reload the page to see theirs."
        ) % {"sections": ", ".join(str(label) for label in kept)}
    return render(request, TEMPLATE, context, status=409 if kept else 200)


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
