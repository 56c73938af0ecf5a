"""Cohort-wide matching rounds: sign-up, the matcher's proposal, adjustments, confirmation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from .. import matching
from ..models import (
    MatchingRound,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    ProposedPair,
    RoundMentee,
    RoundMentor,
)
from .telling import link, require_staff, tell


def open_matching_round(cohort, *, name, by):
    require_staff(by)
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
        check=lambda row: require_staff(by),
        then=propose,
    )


def adjust_pair(pair, *, mentor, by):
    """Staff move a mentee to another signed-up mentor who still has a place this round."""
    require_staff(by)
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
                tell(
                    "mentorship_round_pair",
                    person,
                    {
                        "mentorship": mentorship,
                        "round": row,
                        "link": link(mentorship.get_absolute_url()),
                    },
                )

    return transition(
        matching_round,
        to=MatchingRound.Status.CONFIRMED,
        allowed_from=[MatchingRound.Status.PROPOSED],
        action="round.confirmed",
        by=by,
        check=lambda row: require_staff(by),
        changes={"confirmed_at": timezone.now()},
        then=ask_pairs,
    )
