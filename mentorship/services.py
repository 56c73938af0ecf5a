"""The acts of peer learning and mentoring, each named after what a person does.

Every act locks what it changes (``transition`` for a status, ``locked`` otherwise), checks
who acts and when, writes the audit entry and queues the e-mail to go after commit.
Registrations lock their session's row, so seats, the waitlist and promotions are decided
one request at a time; accepting a mentee locks the mentor's profile for the same reason.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resilience_portal import audit
from resilience_portal.mail import send_templated
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from . import calendars, matching
from .models import (
    ActionItem,
    CalendarFeed,
    Feedback,
    LearningSession,
    MatchingRound,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    ProposedPair,
    Registration,
    RoundMentee,
    RoundMentor,
    SessionMaterial,
    SessionNotice,
)
from .models.mentoring import can_be_mentee
from .models.sessions import FEEDBACK_WINDOW
from .times import span

DAY = timedelta(hours=24)
HOUR = timedelta(hours=1)


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def _language(user):
    return user.language or settings.LANGUAGE_CODE


def _session_context(session, user):
    """The session's times in the recipient's zone and the host city's, in their language."""
    with translation.override(_language(user)):
        return {
            "session": session,
            "name": user.get_short_name(),
            "when": span(session.starts_at, session.ends_at, user.time_zone or "UTC"),
            "zone": user.time_zone or "UTC",
            "when_host": span(session.starts_at, session.ends_at, session.host_zone),
            "host_zone": str(session.host_zone),
            "link": _link(session.get_absolute_url()),
        }


def _tell(template, user, context, **options):
    send_templated(template, to=user.email, context=context, language=_language(user), **options)


# --- Sessions -------------------------------------------------------------------------------


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
        _tell(
            "mentorship_session_changed",
            registration.user,
            _session_context(session, registration.user),
            attachments=[("session.ics", ics, "text/calendar")],
        )


def cancel_session(session, *, by):
    def tell_everyone(row):
        for registration in row.registrations.active().select_related("user"):
            _tell(
                "mentorship_session_cancelled",
                registration.user,
                _session_context(row, registration.user),
            )

    return transition(
        session,
        to=LearningSession.Status.CANCELLED,
        allowed_from=[LearningSession.Status.SCHEDULED],
        action="session.cancelled",
        by=by,
        check=lambda row: _staff_only(by),
        then=tell_everyone,
    )


def _staff_only(user):
    if not is_programme_staff(user):
        raise Refused(_("Only programme staff can do this."))


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
            _tell("mentorship_waitlisted", user, _session_context(row, user))
        else:
            _send_confirmation(registration, row)
    return registration


def _send_confirmation(registration, session):
    user = registration.user
    ics = calendars.single(session, with_link=True).decode()
    _tell(
        "mentorship_registered",
        user,
        _session_context(session, user),
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
    _tell(
        "mentorship_promoted",
        user,
        _session_context(session, user),
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
        material = SessionMaterial(session=row, title=title, link=link, added_by=by)
        if upload is not None:
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


# --- Reminders and feedback requests --------------------------------------------------------


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
    context = _session_context(session, user)
    if notice.kind == SessionNotice.Kind.FEEDBACK:
        context["link"] = _link(reverse("mentorship:feedback", kwargs={"pk": session.pk}))
        _tell("mentorship_feedback_request", user, context)
        return
    context["online_link"] = session.online_link
    context["soon"] = notice.kind == SessionNotice.Kind.HOUR_BEFORE
    _tell("mentorship_reminder", user, context)


# --- Calendar addresses ---------------------------------------------------------------------


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


# --- Mentoring ------------------------------------------------------------------------------


def offer_to_mentor(user, *, by, **fields):
    """An official or SME member offers to mentor, or an invited mentor keeps their profile."""
    existing = MentorProfile.objects.filter(user=user).first()
    if existing is None and not can_be_mentee(user) and not is_programme_staff(by):
        raise Refused(_("Mentors are officials, SME members, or people staff invite."))
    with transaction.atomic():
        profile, created = MentorProfile.objects.update_or_create(user=user, defaults=fields)
        audit.record(profile, "mentor.offered" if created else "mentor.updated", actor=by)
    return profile


def invite_mentor(user, *, by):
    _staff_only(by)
    with transaction.atomic():
        profile, created = MentorProfile.objects.get_or_create(
            user=user, defaults={"invited_by": by, "time_zone": user.time_zone}
        )
        if not created:
            raise Refused(_("%(name)s is already a mentor.") % {"name": user})
        audit.record(profile, "mentor.invited", actor=by)
        _tell(
            "mentorship_mentor_invited",
            user,
            {"name": user.get_short_name(), "link": _link(reverse("mentorship:mentor_profile"))},
        )
    return profile


def state_needs(user, *, by, needs, languages, goals=""):
    if not can_be_mentee(user):
        raise Refused(_("Mentoring is for city officials and SME members."))
    with transaction.atomic():
        profile, _created = MenteeProfile.objects.update_or_create(
            user=user, defaults={"needs": needs, "languages": languages, "goals": goals}
        )
        audit.record(profile, "mentee.needs_stated", actor=by)
    return profile


def suggested_mentors(user, *, limit=10, at=None):
    """Mentors with room, best fit first, each with the reasons in words."""
    profile = MenteeProfile.objects.filter(user=user).first()
    needs = profile.needs if profile else []
    languages = profile.languages if profile else [user.language]
    taken = Mentorship.objects.live().filter(mentee=user).values("mentor_id")
    mentors = (
        MentorProfile.objects.accepting()
        .with_room()
        .exclude(user=user)
        .exclude(pk__in=taken)
        .select_related("user")
    )
    ranked = [
        (
            mentor,
            matching.fit(
                mentor,
                needs=needs,
                languages=languages,
                time_zone=user.time_zone,
                room=mentor.capacity - mentor.active_count,
                at=at,
            ),
        )
        for mentor in mentors
    ]
    ranked.sort(key=lambda pair: (-pair[1].score, str(pair[0])))
    return ranked[:limit]


def request_mentorship(mentor, *, mentee, goals="", by, reasons=()):
    if not can_be_mentee(mentee):
        raise Refused(_("Mentoring is for city officials and SME members."))
    if mentor.user_id == mentee.pk:
        raise Refused(_("You cannot mentor yourself."))
    if not mentor.accepting:
        raise Refused(_("This mentor is not taking new mentees now."))
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                mentor=mentor, mentee=mentee, goals=goals, requested_by=by, reasons=list(reasons)
            )
            audit.record(mentorship, "mentorship.requested", actor=by)
    except IntegrityError:
        raise Refused(_("You already have a request or a mentorship with this mentor.")) from None
    _tell(
        "mentorship_requested",
        mentor.user,
        {"mentorship": mentorship, "mentee": mentee, "link": _link(mentorship.get_absolute_url())},
    )
    return mentorship


def accept_mentorship(mentorship, *, by):
    """The mentor accepts; never beyond their capacity, even when two accepts race."""
    with locked(mentorship.mentor) as mentor:
        if mentor.user_id != by.pk:
            raise Refused(_("Only the mentor can accept this request."))
        active = mentor.mentorships.filter(status=Mentorship.Status.ACTIVE).count()
        if active >= mentor.capacity:
            raise Refused(
                _("You already mentor %(count)d people, your capacity. Raise it first.")
                % {"count": active}
            )
        return transition(
            mentorship,
            to=Mentorship.Status.ACTIVE,
            allowed_from=[Mentorship.Status.PROPOSED],
            action="mentorship.accepted",
            by=by,
            changes={"accepted_at": timezone.now()},
            then=lambda row: _tell(
                "mentorship_accepted",
                row.mentee,
                {"mentorship": row, "mentor": mentor.user, "link": _link(row.get_absolute_url())},
            ),
        )


def decline(mentorship, *, by, message=""):
    """The mentor declines a request, or the mentee withdraws it."""

    def check(row):
        if not row.in_pair(by):
            raise Refused(_("Only the mentor or the mentee can decline this request."))

    return transition(
        mentorship,
        to=Mentorship.Status.DECLINED,
        allowed_from=[Mentorship.Status.PROPOSED],
        action="mentorship.declined",
        by=by,
        check=check,
        message=message,
        then=lambda row: _tell(
            "mentorship_declined",
            row.other_party(by),
            {"mentorship": row, "link": _link(reverse("mentorship:mentoring"))},
        ),
    )


def complete_mentorship(mentorship, *, reflection, by):
    def check(row):
        if not row.in_pair(by):
            raise Refused(_("Only the mentor or the mentee can complete this mentorship."))

    return transition(
        mentorship,
        to=Mentorship.Status.COMPLETED,
        allowed_from=[Mentorship.Status.ACTIVE],
        action="mentorship.completed",
        by=by,
        check=check,
        changes={"reflection": reflection, "completed_at": timezone.now()},
    )


def log_meeting(mentorship, *, held_on, notes, action_items=(), by):
    with locked(mentorship) as row:
        if not row.can_log(by):
            raise Refused(_("Meetings are logged by the pair of an active mentorship."))
        meeting = Meeting.objects.create(mentorship=row, held_on=held_on, notes=notes, logged_by=by)
        ActionItem.objects.bulk_create(
            ActionItem(meeting=meeting, text=text) for text in action_items if text.strip()
        )
        audit.record(row, "mentorship.meeting_logged", actor=by, meeting=meeting.pk)
    return meeting


def tick_action_item(item, *, by, done=True):
    with locked(item) as row:
        mentorship = Mentorship.objects.select_related("mentor").get(pk=row.meeting.mentorship_id)
        if not mentorship.in_pair(by):
            raise Refused(_("Only the pair ticks off their action items."))
        row.done_at = timezone.now() if done else None
        row.done_by = by if done else None
        row.save(update_fields=["done_at", "done_by"])
        audit.record(
            row, "mentorship.action_ticked" if done else "mentorship.action_reopened", actor=by
        )
    return row


# --- Cohort-wide matching -------------------------------------------------------------------


def open_matching_round(cohort, *, name, by):
    _staff_only(by)
    with transaction.atomic():
        matching_round = MatchingRound.objects.create(cohort=cohort, name=name, opened_by=by)
        audit.record(matching_round, "round.opened", actor=by)
    return matching_round


def join_round(matching_round, user, *, as_mentor, capacity=1):
    with locked(matching_round) as row:
        if not row.accepts_sign_up:
            raise Refused(_("Sign-up for this round has closed."))
        if as_mentor:
            mentor = MentorProfile.objects.filter(user=user).first()
            if mentor is None:
                raise Refused(_("Keep a mentor profile first."))
            RoundMentor.objects.update_or_create(
                matching_round=row, mentor=mentor, defaults={"capacity": max(1, capacity)}
            )
        else:
            if not MenteeProfile.objects.filter(user=user).exists():
                raise Refused(_("State your needs first."))
            RoundMentee.objects.get_or_create(matching_round=row, user=user)
        audit.record(row, "round.joined", actor=user, as_mentor=as_mentor)


def _round_capacities(matching_round):
    """Each signed-up mentor's places this round: what they offered, within their room."""
    rows = RoundMentor.objects.filter(matching_round=matching_round)
    load = {m.pk: m for m in MentorProfile.objects.with_load().filter(pk__in=rows.values("mentor"))}
    capacities = []
    for row in rows.order_by("mentor_id"):
        mentor = load[row.mentor_id]
        room = min(row.capacity, mentor.capacity - mentor.active_count)
        if room > 0:
            capacities.append((mentor, room))
    return capacities


def run_matcher(matching_round, *, by, at=None):
    """Propose pairs for the best total fit; running it again replaces the proposal."""
    mentees = list(
        MenteeProfile.objects.filter(
            user__in=RoundMentee.objects.filter(matching_round=matching_round).values("user")
        )
        .select_related("user")
        .order_by("user_id")
    )
    candidates = [
        matching.Candidate(m.user, m.needs, m.languages, m.user.time_zone or "UTC") for m in mentees
    ]

    def propose(row):
        pairs = matching.assign(candidates, _round_capacities(row), at=at)
        row.pairs.all().delete()
        ProposedPair.objects.bulk_create(
            ProposedPair(
                matching_round=row,
                mentee=candidate.key,
                mentor=mentor,
                fit=result.score,
                reasons=[str(reason) for reason in result.reasons],
            )
            for candidate, mentor, result in pairs
        )
        row.total_fit = round(sum(result.score for _c, _m, result in pairs), 2)
        row.save(update_fields=["total_fit"])

    return transition(
        matching_round,
        to=MatchingRound.Status.PROPOSED,
        allowed_from=[MatchingRound.Status.OPEN, MatchingRound.Status.PROPOSED],
        action="round.matched",
        by=by,
        check=lambda row: _staff_only(by),
        then=propose,
    )


def adjust_pair(pair, *, mentor, by):
    """Staff move a mentee to another signed-up mentor who still has a place this round."""
    _staff_only(by)
    with locked(pair.matching_round) as row:
        if not row.can_adjust:
            raise Refused(_("Pairs can be changed only while they are proposed."))
        capacities = dict(
            RoundMentor.objects.filter(matching_round=row).values_list("mentor_id", "capacity")
        )
        if mentor.pk not in capacities:
            raise Refused(_("Choose a mentor who signed up for this round."), field="mentor")
        taken = row.pairs.filter(mentor=mentor).exclude(pk=pair.pk).count()
        if taken >= capacities[mentor.pk]:
            raise Refused(_("This mentor has no place left in this round."), field="mentor")
        profile = MenteeProfile.objects.filter(user_id=pair.mentee_id).first()
        result = matching.fit(
            mentor,
            needs=profile.needs if profile else [],
            languages=profile.languages if profile else [],
            time_zone=pair.mentee.time_zone or "UTC",
        )
        pair.mentor, pair.fit, pair.adjusted_by = mentor, result.score, by
        pair.reasons = [str(reason) for reason in result.reasons]
        pair.save(update_fields=["mentor", "fit", "reasons", "adjusted_by"])
        row.total_fit = round(sum(row.pairs.values_list("fit", flat=True)), 2)
        row.save(update_fields=["total_fit"])
        audit.record(row, "round.pair_adjusted", actor=by, mentee=pair.mentee_id, mentor=mentor.pk)
    return pair


def confirm_round(matching_round, *, by):
    """Each proposed pair becomes a request the mentor is asked to accept, as one by one."""

    def ask_pairs(row):
        for pair in row.pairs.select_related("mentee", "mentor__user"):
            exists = Mentorship.objects.live().filter(mentor=pair.mentor, mentee=pair.mentee)
            if exists.exists():
                continue
            mentorship = Mentorship.objects.create(
                mentor=pair.mentor,
                mentee=pair.mentee,
                matching_round=row,
                requested_by=by,
                reasons=pair.reasons,
            )
            audit.record(mentorship, "mentorship.requested", actor=by, round=row.pk)
            for person in (pair.mentor.user, pair.mentee):
                _tell(
                    "mentorship_round_pair",
                    person,
                    {
                        "mentorship": mentorship,
                        "round": row,
                        "link": _link(mentorship.get_absolute_url()),
                    },
                )

    return transition(
        matching_round,
        to=MatchingRound.Status.CONFIRMED,
        allowed_from=[MatchingRound.Status.PROPOSED],
        action="round.confirmed",
        by=by,
        check=lambda row: _staff_only(by),
        changes={"confirmed_at": timezone.now()},
        then=ask_pairs,
    )


def open_action_items(user):
    return (
        ActionItem.objects.open()
        .filter(
            Q(meeting__mentorship__mentee=user) | Q(meeting__mentorship__mentor__user=user),
            meeting__mentorship__status=Mentorship.Status.ACTIVE,
        )
        .select_related("meeting__mentorship")
    )
