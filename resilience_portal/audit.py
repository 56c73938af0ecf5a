"""The audit trail: every state change records who did it, when, and why."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def record(target, action, *, actor=None, message="", **details):
    """Write one audit entry for ``target``; call it inside the state change's transaction."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        message=message,
        details=details,
    )


def trail(target):
    """The entries about ``target``, newest first, with their actors fetched at once."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
