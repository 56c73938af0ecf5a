"""The casestudies app's models, one module per part of the domain (the newsletter sits beside)."""

from .case_study import (
    LANGUAGE_CHOICES,
    CaseStudy,
    CaseStudyImage,
    CaseStudyPDF,
    CaseStudyTranslation,
    CaseStudyVersion,
)
from .newsletter import (
    TOPIC_CHOICES,
    Delivery,
    NewsletterIssue,
    NewsletterIssueTranslation,
    Subscriber,
)

__all__ = [
    "LANGUAGE_CHOICES",
    "TOPIC_CHOICES",
    "CaseStudy",
    "CaseStudyImage",
    "CaseStudyPDF",
    "CaseStudyTranslation",
    "CaseStudyVersion",
    "Delivery",
    "NewsletterIssue",
    "NewsletterIssueTranslation",
    "Subscriber",
]
