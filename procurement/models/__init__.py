"""Procurement's models, one module per part of the domain."""

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
    "RevenueChange",
    "SMEDocument",
    "SMEInvitation",
    "SMEMembership",
    "Sector",
    "SizeClass",
]
