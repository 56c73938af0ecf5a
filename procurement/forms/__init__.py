"""Procurement forms, one module per part of the domain."""
