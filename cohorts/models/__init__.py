"""The cohorts app's models, one module per part of the domain."""

from .application import LETTER_MAX_BYTES, CityApplication
from .city import City, CityMembership, awaits_verification
from .cohort import Cohort, SelectionCriterion
from .invitation import CityInvitation
from .review import MAX_SCORE, CriterionScore, Review

__all__ = [
    "LETTER_MAX_BYTES",
    "MAX_SCORE",
    "City",
    "CityApplication",
    "CityInvitation",
    "CityMembership",
    "Cohort",
    "CriterionScore",
    "Review",
    "SelectionCriterion",
    "awaits_verification",
]
