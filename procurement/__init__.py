"""Procurement: SMEs, challenges, proposals, evaluation, awards and pilots."""
