"""Peer-learning sessions (sessions.py) and mentoring with its matching rounds (mentoring.py)."""

from .mentoring import (
    ActionItem,
    MatchingRound,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    ProposedPair,
    RoundMentee,
    RoundMentor,
)
from .sessions import (
    CalendarFeed,
    Feedback,
    LearningSession,
    Registration,
    SessionMaterial,
    SessionNotice,
)

__all__ = [
    "ActionItem",
    "CalendarFeed",
    "Feedback",
    "LearningSession",
    "MatchingRound",
    "Meeting",
    "MenteeProfile",
    "MentorProfile",
    "Mentorship",
    "ProposedPair",
    "Registration",
    "RoundMentee",
    "RoundMentor",
    "SessionMaterial",
    "SessionNotice",
]
