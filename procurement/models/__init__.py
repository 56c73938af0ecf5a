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
from .evaluation import (
    Award,
    ConflictDeclaration,
    ConsensusScore,
    Disqualification,
    PanelInvitation,
    PanelSeat,
    Score,
    StandstillQuestion,
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
    "Award",
    "Challenge",
    "ChallengeAttachment",
    "ChallengeNotice",
    "Clarification",
    "CoBenefit",
    "ConflictDeclaration",
    "ConsensusScore",
    "Criterion",
    "Disqualification",
    "PanelInvitation",
    "PanelSeat",
    "Proposal",
    "ProposalAttachment",
    "ProposalVersion",
    "RevenueChange",
    "SMEDocument",
    "SMEInvitation",
    "SMEMembership",
    "Score",
    "Sector",
    "SizeClass",
    "StandstillQuestion",
    "TransitionRefused",
]
