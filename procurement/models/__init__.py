"""Procurement's models, one module per part of the domain."""

from .challenge import (
    Amendment,
    Challenge,
    ChallengeAttachment,
    Clarification,
    CoBenefit,
    Criterion,
    TransitionRefused,
)
from .proposal import (
    ChallengeNotice,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
)

__all__ = [
    "Amendment",
    "Challenge",
    "ChallengeAttachment",
    "ChallengeNotice",
    "Clarification",
    "CoBenefit",
    "Criterion",
    "Proposal",
    "ProposalAttachment",
    "ProposalVersion",
    "TransitionRefused",
]
