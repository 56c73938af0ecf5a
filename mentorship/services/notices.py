"""Reminders 24 h and 1 h before a session and the feedback request after it, each sent once."""

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ..models import (
    LearningSession,
    Registration,
    SessionNotice,
)
from ..models.sessions import FEEDBACK_WINDOW
from .telling import link, session_context, tell

DAY = timedelta(hours=24)
HOUR = timedelta(hours=1)


def _due(kind, now):
    confirmed = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        session__status=LearningSession.Status.SCHEDULED,
    )
    if kind == SessionNotice.Kind.DAY_BEFORE:
        # Someone who registers within the last day has the confirmation fresh in mind.
        return confirmed.filter(
            session__starts_at__gt=now + HOUR,
            session__starts_at__lte=now + DAY,
            created_at__lt=F("session__starts_at") - (DAY - HOUR),
        )
    if kind == SessionNotice.Kind.HOUR_BEFORE:
        return confirmed.filter(session__starts_at__gt=now, session__starts_at__lte=now + HOUR)
    return confirmed.filter(
        attended=True,
        session__ends_at__lte=now,
        session__ends_at__gt=now - FEEDBACK_WINDOW,
        feedback__isnull=True,
    )


def send_session_notices(*, now=None):
    """Make the reminder and feedback-request rows that are due, then send each one that this
    run claims. Returns how many were sent. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    for kind in SessionNotice.Kind:
        SessionNotice.objects.bulk_create(
            [
                SessionNotice(registration_id=pk, kind=kind)
                for pk in _due(kind, now).values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
    sent = 0
    waiting = SessionNotice.objects.filter(claimed_at__isnull=True).select_related(
        "registration__user", "registration__session__host_city"
    )
    for notice in waiting:
        # The conditional UPDATE is the claim: of two runs, exactly one sees a row changed.
        if not SessionNotice.objects.filter(pk=notice.pk, claimed_at__isnull=True).update(
            claimed_at=timezone.now()
        ):
            continue
        if _still_due(notice, now):
            _send_notice(notice)
            SessionNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


def _still_due(notice, now):
    registration, session = notice.registration, notice.registration.session
    if not registration.is_confirmed or session.is_cancelled:
        return False
    if notice.kind == SessionNotice.Kind.FEEDBACK:
        return session.feedback_open(now=now)
    return not session.has_started(now=now)


def _send_notice(notice):
    registration = notice.registration
    user, session = registration.user, registration.session
    context = session_context(session, user)
    if notice.kind == SessionNotice.Kind.FEEDBACK:
        context["link"] = link(reverse("mentorship:feedback", kwargs={"pk": session.pk}))
        tell("mentorship_feedback_request", user, context)
        return
    context["online_link"] = session.online_link
    context["soon"] = notice.kind == SessionNotice.Kind.HOUR_BEFORE
    tell("mentorship_reminder", user, context)
