"""Acts of one-to-one mentoring: profiles, suggestions, requests, the meeting log.

Accepting a mentee locks the mentor's profile, so two accepts at once cannot pass capacity.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from .. import matching
from ..models import (
    ActionItem,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Mentorship,
)
from ..models.mentoring import can_be_mentee
from .telling import link, require_staff, tell


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
    require_staff(by)
    with transaction.atomic():
        profile, created = MentorProfile.objects.get_or_create(
            user=user, defaults={"invited_by": by, "time_zone": user.time_zone}
        )
        if not created:
            raise Refused(_("%(name)s is already a mentor.") % {"name": user})
        audit.record(profile, "mentor.invited", actor=by)
        tell(
            "mentorship_mentor_invited",
            user,
            {"name": user.get_short_name(), "link": link(reverse("mentorship:mentor_profile"))},
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
    tell(
        "mentorship_requested",
        mentor.user,
        {"mentorship": mentorship, "mentee": mentee, "link": link(mentorship.get_absolute_url())},
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
            then=lambda row: tell(
                "mentorship_accepted",
                row.mentee,
                {"mentorship": row, "mentor": mentor.user, "link": link(row.get_absolute_url())},
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
        then=lambda row: tell(
            "mentorship_declined",
            row.other_party(by),
            {"mentorship": row, "link": link(reverse("mentorship:mentoring"))},
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


def open_action_items(user):
    return (
        ActionItem.objects.open()
        .filter(
            Q(meeting__mentorship__mentee=user) | Q(meeting__mentorship__mentor__user=user),
            meeting__mentorship__status=Mentorship.Status.ACTIVE,
        )
        .select_related("meeting__mentorship")
    )
