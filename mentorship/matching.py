"""How well a mentor fits a mentee, in a number and in words, and the cohort-wide matcher.

The matcher gives each mentor as many *slots* as mentees they can take and solves the
assignment of mentees to slots with the largest total fit (scipy's Hungarian-method
``linear_sum_assignment`` on the rectangular mentees-by-slots matrix). Later slots of the
same mentor cost a hair more, so equal fits spread mentees across mentors.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import linear_sum_assignment

from .taxonomy import Language, Topic, labels

EXPERTISE_WEIGHT = 50
LANGUAGE_WEIGHT = 25
ZONE_WEIGHT = 15
ROOM_WEIGHT = 10
WORKING_HOURS = 8
# Tie-breaker: a mentor's second slot is worth this much less than the first, and so on.
SLOT_PENALTY = 0.01
# A mentor who also signed up as a mentee is never paired with themselves.
FORBIDDEN = -1_000_000.0


@dataclass(frozen=True)
class Fit:
    score: float
    reasons: list[str] = field(default_factory=list)


def _offset_hours(zone, at):
    return at.astimezone(ZoneInfo(zone)).utcoffset().total_seconds() / 3600


def hours_apart(zone_a, zone_b, *, at=None):
    at = at or timezone.now()
    return abs(_offset_hours(zone_a, at) - _offset_hours(zone_b, at))


def _score(mentor, needs, languages, apart):
    """The number behind :func:`fit`, without the words: the matcher computes thousands."""
    expertise = sum(code in mentor.expertise for code in needs) / len(needs) if needs else 0
    language = any(code in mentor.languages for code in languages)
    overlap = max(0.0, WORKING_HOURS - apart) / WORKING_HOURS
    return EXPERTISE_WEIGHT * expertise + LANGUAGE_WEIGHT * language + ZONE_WEIGHT * overlap


def fit(mentor, *, needs, languages, time_zone, room=None, at=None):
    """The fit of ``mentor`` (a MentorProfile) for a mentee with ``needs`` (topic codes),
    preferred ``languages`` and ``time_zone``; ``room`` (free places) counts when given."""
    reasons = []
    shared_topics = [code for code in needs if code in mentor.expertise]
    if shared_topics:
        reasons.append(
            _("Knows about what you asked for: %(topics)s.")
            % {"topics": ", ".join(str(t) for t in labels(Topic, shared_topics))}
        )
    shared_languages = [code for code in languages if code in mentor.languages]
    if shared_languages:
        reasons.append(
            _("Speaks %(languages)s.")
            % {"languages": ", ".join(str(x) for x in labels(Language, shared_languages))}
        )
    elif languages:
        reasons.append(_("Shares none of your preferred languages."))
    apart = hours_apart(mentor.time_zone, time_zone, at=at)
    if apart == 0:
        reasons.append(_("Works in your time zone."))
    else:
        hours = round(max(0.0, WORKING_HOURS - apart))
        reasons.append(
            ngettext(
                "Working days overlap by %(hours)d hour.",
                "Working days overlap by %(hours)d hours.",
                hours,
            )
            % {"hours": hours}
        )
    score = _score(mentor, needs, languages, apart)
    if room is not None:
        score += ROOM_WEIGHT * min(room, mentor.capacity) / max(1, mentor.capacity)
        reasons.append(
            ngettext(
                "Has room for %(count)d more mentee.", "Has room for %(count)d more mentees.", room
            )
            % {"count": room}
        )
    return Fit(round(score, 2), reasons)


@dataclass(frozen=True)
class Candidate:
    """A mentee to place: ``key`` identifies them to the caller (a user, or any token)."""

    key: object
    needs: list
    languages: list
    time_zone: str


def assign(candidates, mentors, *, at: datetime | None = None):
    """Pairs ``(candidate, mentor, Fit)`` with the largest total fit; ``mentors`` is a list of
    ``(mentor_profile, capacity)``. Mentees beyond the total capacity stay unplaced."""
    at = at or timezone.now()
    slots = [(mentor, n) for mentor, capacity in mentors for n in range(capacity)]
    if not candidates or not slots:
        return []
    zones = {mentor.time_zone for mentor, _c in mentors} | {c.time_zone for c in candidates}
    offsets = {zone: _offset_hours(zone, at) for zone in zones}
    scores = numpy.empty((len(candidates), len(slots)))
    for row, candidate in enumerate(candidates):
        user_id = getattr(candidate.key, "pk", None)
        by_mentor = {
            mentor.pk: FORBIDDEN
            if user_id is not None and mentor.user_id == user_id
            else _score(
                mentor,
                candidate.needs,
                candidate.languages,
                abs(offsets[mentor.time_zone] - offsets[candidate.time_zone]),
            )
            for mentor, _capacity in mentors
        }
        scores[row] = [by_mentor[mentor.pk] - SLOT_PENALTY * n for mentor, n in slots]
    rows, columns = linear_sum_assignment(scores, maximize=True)
    # The reasons in words only for the pairs chosen.
    pairs = []
    for row, column in zip(rows, columns, strict=True):
        candidate, mentor = candidates[row], slots[column][0]
        if scores[row, column] <= FORBIDDEN / 2:
            continue
        result = fit(
            mentor,
            needs=candidate.needs,
            languages=candidate.languages,
            time_zone=candidate.time_zone,
            at=at,
        )
        pairs.append((candidate, mentor, result))
    return pairs
