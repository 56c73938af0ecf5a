"""The fixed lists peer learning and mentoring speak in: topics (also a mentor's expertise
and a mentee's needs) and the languages sessions and mentoring happen in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PROCUREMENT_DESIGN = "procurement_design", _("Procurement design")
    OUTCOME_SPECIFICATIONS = "outcome_specifications", _("Outcome-based specifications")
    SME_READINESS = "sme_readiness", _("SME readiness")
    CLIMATE_FINANCE = "climate_finance", _("Climate finance")
    PILOTS = "pilots", _("Running and scaling pilots")
    EVALUATION = "evaluation", _("Evaluating proposals fairly")
    INCLUSION = "inclusion", _("Inclusive procurement (women- and youth-led firms)")
    COMMUNITY = "community", _("Community engagement")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    INDONESIAN = "id", _("Bahasa Indonesia")
    THAI = "th", _("Thai")
    VIETNAMESE = "vi", _("Vietnamese")
    MALAY = "ms", _("Malay")
    FILIPINO = "fil", _("Filipino")
    HINDI = "hi", _("Hindi")
    BENGALI = "bn", _("Bengali")


def labels(choices, codes):
    """The translated labels of ``codes`` (unknown codes are skipped), in the given order."""
    names = dict(choices.choices)
    return [names[code] for code in codes if code in names]
