"""The casestudies app's models, one module per part of the domain (the newsletter sits beside)."""

from .case_study import (
    LANGUAGE_CHOICES,
    CaseStudy,
    CaseStudyImage,
    CaseStudyPDF,
    CaseStudyTranslation,
    CaseStudyVersion,
)

__all__ = [
    "LANGUAGE_CHOICES",
    "CaseStudy",
    "CaseStudyImage",
    "CaseStudyPDF",
    "CaseStudyTranslation",
    "CaseStudyVersion",
]
