"""Procurement's models, one module per part of the domain."""

from .challenge import (
    CANCELLABLE_STATUSES,
    Amendment,
    Challenge,
    ChallengeAttachment,
    Clarification,
    CoBenefit,
    Criterion,
)
from .proposal import (
    ANSWER_FIELDS,
    ChallengeNotice,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
)

__all__ = [
    "ANSWER_FIELDS",
    "CANCELLABLE_STATUSES",
    "SME",
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
    "RevenueChange",
    "SMEDocument",
    "SMEInvitation",
    "SMEMembership",
    "Sector",
    "SizeClass",
]
