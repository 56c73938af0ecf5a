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
from .pilot import (
    KPI,
    Evidence,
    Indicator,
    KPIReading,
    Milestone,
    Payment,
    Pilot,
    ProgressUpdate,
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
    "KPI",
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
    "Evidence",
    "Indicator",
    "KPIReading",
    "Milestone",
    "PanelInvitation",
    "PanelSeat",
    "Payment",
    "Pilot",
    "ProgressUpdate",
    "Proposal",
    "ProposalAttachment",
    "ProposalVersion",
    "Score",
    "StandstillQuestion",
]
