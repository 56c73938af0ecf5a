"""Procurement's models, one module per part of the domain."""

# Challenges and proposals
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
from .sme import SME, Sector, SMEMembership

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
    "SMEMembership",
    "Sector",
    "TransitionRefused",
]
