"""The one way a state changes: lock the row, re-read it, check, save, audit, then tell.

Every act that moves an object from one status to another goes through
:func:`transition`; acts that change a row without a status (a registration that takes
a seat, a capacity count) lock through :func:`locked`. Both re-read the row under
``SELECT … FOR UPDATE`` so two requests racing for the same change see each other.
"""

import contextlib

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .refusals import Refused


@contextlib.contextmanager
def locked(obj):
    """Yield ``obj`` re-read under a row lock, inside a transaction."""
    with transaction.atomic():
        yield type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def transition(
    obj,
    *,
    to,
    allowed_from,
    action,
    by,
    check=None,
    changes=None,
    message="",
    details=None,
    then=None,
    status_field="status",
    refusal=None,
):
    """Move ``obj`` to status ``to`` and return the saved row.

    - ``allowed_from``: the statuses the act may start from; any other is refused.
    - ``check(row)``: raises :class:`Refused` when the actor or the rules forbid the act;
      it sees the locked, fresh row.
    - ``changes``: other fields to set, a dict or ``changes(row) -> dict``.
    - ``action``, ``message``, ``details``: the audit entry.
    - ``then(row)``: runs inside the transaction after the save, to queue e-mail
      (``mail.send_templated`` sends after commit) or follow-on work.
    - ``refusal``: the words when the status is not one of ``allowed_from``, where the act
      can say it better than the generic sentence ("Only a draft can be submitted.").

    ``obj`` itself is updated with the saved values, so the caller's instance stays current.
    """
    with locked(obj) as row:
        current = getattr(row, status_field)
        if current not in allowed_from:
            if refusal is not None:
                raise Refused(refusal)
            status_display = getattr(row, f"get_{status_field}_display", lambda: current)()
            raise Refused(
                _("This cannot be done while the status is “%(status)s”.")
                % {"status": status_display}
            )
        if check is not None:
            check(row)
        values = changes(row) if callable(changes) else dict(changes or {})
        values[status_field] = to
        for field, value in values.items():
            setattr(row, field, value)
        row.save(update_fields=list(values))
        audit.record(row, action, actor=by, message=message, **(details or {}))
        if then is not None:
            then(row)
    for field, value in values.items():
        setattr(obj, field, value)
    return row
