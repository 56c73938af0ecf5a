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
from .sme import (
    SME,
    RevenueChange,
    Sector,
    SizeClass,
    SMEDocument,
    SMEInvitation,
    SMEMembership,
)

__all__ = [
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
    "TransitionRefused",
]
