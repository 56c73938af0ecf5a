"""Acts on sessions: scheduling, registering, the waitlist, attendance, feedback, materials,
and each person's private calendar address.

Registrations lock their session's row, so seats, the waitlist and promotions are decided
one request at a time.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.scanning import ScanStatus
from resilience_portal.transitions import locked, transition

from .. import calendars
from ..models import (
    CalendarFeed,
    Feedback,
    LearningSession,
    Registration,
    SessionMaterial,
    SessionNotice,
)
from .telling import require_staff, session_context, tell

DAY = timedelta(hours=24)
HOUR = timedelta(hours=1)


def schedule_session(*, by, facilitators=(), **fields):
    if not is_programme_staff(by):
        raise Refused(_("Only programme staff schedule sessions."))
    with transaction.atomic():
        session = LearningSession.objects.create(created_by=by, **fields)
        session.facilitators.set(facilitators)
        audit.record(
            session, "session.scheduled", actor=by, starts_at=session.starts_at.isoformat()
        )
    return session


# Changes registered people must hear about; a new time also re-arms the reminders.
TOLD_FIELDS = ("starts_at", "ends_at", "online_link", "venue")


def update_session(session, *, by, facilitators=None, **fields):
    if not is_programme_staff(by):
        raise Refused(_("Only programme staff change sessions."))
    with locked(session) as row:
        if row.is_cancelled:
            raise Refused(_("A cancelled session cannot be changed."))
        grew = "capacity" in fields and fields["capacity"] > row.capacity
        changed = [
            name for name in TOLD_FIELDS if name in fields and fields[name] != getattr(row, name)
        ]
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        if facilitators is not None:
            row.facilitators.set(facilitators)
        audit.record(row, "session.updated", actor=by, fields=sorted(fields), changed=changed)
        if "starts_at" in changed:
            SessionNotice.objects.filter(
                registration__session=row,
                kind__in=[SessionNotice.Kind.DAY_BEFORE, SessionNotice.Kind.HOUR_BEFORE],
            ).delete()
        if changed:
            _tell_changed(row)
        if grew:
            promote_from_waitlist(row, by=by)
    return row


def _tell_changed(session):
    ics = calendars.single(session, with_link=True).decode()
    for registration in session.registrations.confirmed().select_related("user"):
        tell(
            "mentorship_session_changed",
            registration.user,
            session_context(session, registration.user),
            attachments=[("session.ics", ics, "text/calendar")],
        )


def cancel_session(session, *, by):
    def tell_everyone(row):
        for registration in row.registrations.active().select_related("user"):
            tell(
                "mentorship_session_cancelled",
                registration.user,
                session_context(row, registration.user),
            )

    return transition(
        session,
        to=LearningSession.Status.CANCELLED,
        allowed_from=[LearningSession.Status.SCHEDULED],
        action="session.cancelled",
        by=by,
        check=lambda row: require_staff(by),
        then=tell_everyone,
    )


def register_for_session(session, user, *, now=None):
    """A seat if one is free, the waitlist otherwise; refused for a past, cancelled or
    other audience's session."""
    now = now or timezone.now()
    with locked(session) as row:
        if row.is_cancelled:
            raise Refused(_("This session has been cancelled."))
        if row.has_started(now=now):
            raise Refused(_("Registration has closed: the session has already started."))
        if not row.admits(user):
            raise Refused(
                _("This session is meant for %(audience)s.")
                % {"audience": row.get_audience_display().lower()}
            )
        if row.registrations.active().filter(user=user).exists():
            raise Refused(_("You are already registered for this session."))
        full = row.registrations.confirmed().count() >= row.capacity
        registration = Registration.objects.create(
            session=row,
            user=user,
            status=Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED,
        )
        audit.record(
            registration, "session.waitlisted" if full else "session.registered", actor=user
        )
        if full:
            tell("mentorship_waitlisted", user, session_context(row, user))
        else:
            _send_confirmation(registration, row)
    return registration


def _send_confirmation(registration, session):
    user = registration.user
    ics = calendars.single(session, with_link=True).decode()
    tell(
        "mentorship_registered",
        user,
        session_context(session, user),
        attachments=[("session.ics", ics, "text/calendar")],
    )


def cancel_registration(registration, *, by, now=None):
    """Free the place; a freed seat goes to the first person on the waitlist."""
    now = now or timezone.now()
    before = {}

    def check(row):
        if row.user_id != by.pk and not is_programme_staff(by):
            raise Refused(_("Only the person registered can cancel this registration."))
        before["status"] = row.status

    with locked(registration.session) as session:
        transition(
            registration,
            to=Registration.Status.CANCELLED,
            allowed_from=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            action="session.registration_cancelled",
            by=by,
            check=check,
            changes={"cancelled_at": now},
        )
        if before["status"] == Registration.Status.CONFIRMED and not session.has_started(now=now):
            promote_from_waitlist(session, by=by)
    return registration


def promote_from_waitlist(session, *, by=None):
    """Give free seats to the waitlist in order; each promoted person is told. Returns them."""
    promoted = []
    with locked(session) as row:
        if row.is_cancelled or row.has_started():
            return promoted
        free = row.capacity - row.registrations.confirmed().count()
        for waiting in list(row.registrations.waitlisted()[: max(0, free)]):
            promoted.append(
                transition(
                    waiting,
                    to=Registration.Status.CONFIRMED,
                    allowed_from=[Registration.Status.WAITLISTED],
                    action="session.promoted",
                    by=by,
                    changes={"promoted_at": timezone.now()},
                    then=lambda reg, row=row: _tell_promoted(reg, row),
                )
            )
    return promoted


def _tell_promoted(registration, session):
    user = registration.user
    ics = calendars.single(session, with_link=True).decode()
    tell(
        "mentorship_promoted",
        user,
        session_context(session, user),
        attachments=[("session.ics", ics, "text/calendar")],
    )


def mark_attendance(registration, *, attended, by, now=None):
    session = registration.session
    if not session.runs(by):
        raise Refused(_("Only staff and the session's facilitators take attendance."))
    if not session.attendance_open(now=now):
        raise Refused(_("Attendance can be taken from shortly before the session starts."))
    with locked(registration) as row:
        if row.status != Registration.Status.CONFIRMED:
            raise Refused(_("Only registered people can be marked as present."))
        row.attended = attended
        row.save(update_fields=["attended"])
        audit.record(row, "session.attendance", actor=by, attended=attended)
    registration.attended = attended
    return row


def give_feedback(registration, *, rating, comment, by, now=None):
    with locked(registration) as row:
        if row.user_id != by.pk:
            raise Refused(_("Only the person who attended gives this feedback."))
        if row.attended is not True or row.status != Registration.Status.CONFIRMED:
            raise Refused(_("Feedback comes from the people who attended."))
        if not registration.session.feedback_open(now=now):
            raise Refused(_("Feedback opens when the session ends and closes 30 days later."))
        if Feedback.objects.filter(registration=row).exists():
            raise Refused(_("You have already given feedback on this session."))
        feedback = Feedback.objects.create(registration=row, rating=rating, comment=comment)
        audit.record(row, "session.feedback", actor=by, rating=rating)
    return feedback


def add_material(session, *, title, by, link="", upload=None):
    if not session.runs(by):
        raise Refused(_("Only staff and the session's facilitators add materials."))
    with locked(session) as row:
        material = SessionMaterial(
            session=row, title=title, link=link, added_by=by, scan_status=ScanStatus.CLEAN
        )
        if upload is not None:
            material.scan_status = upload.checked.scan_status
            material.original_name = upload.checked.safe_name
            material.content_type = upload.checked.kind.content_type
            material.file.save(upload.checked.safe_name, upload, save=False)
        material.save()
        audit.record(row, "session.material_added", actor=by, title=title)
    return material


def set_recording(session, *, link, by):
    if not session.runs(by):
        raise Refused(_("Only staff and the session's facilitators add the recording."))
    with locked(session) as row:
        row.recording_link = link
        row.save(update_fields=["recording_link", "updated_at"])
        audit.record(row, "session.recording_added", actor=by)
    return row


def create_calendar_feed(user):
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def revoke_calendar_feed(feed, *, by):
    """The old address answers 404 from now on; a new secret address replaces it."""
    with locked(feed) as row:
        if row.user_id != by.pk:
            raise Refused(_("Only the owner can change this address."))
        row.token = CalendarFeed._meta.get_field("token").default()
        row.created_at = timezone.now()
        row.save(update_fields=["token", "created_at"])
        audit.record(row, "calendar.revoked", actor=by)
    return row
