"""Procurement's models, one module per part of the domain."""

from .sme import SME, Sector, SMEMembership

__all__ = ["SME", "SMEMembership", "Sector"]
