"""Template tags that show case studies on pages owned by other apps (home, city page)."""

from django import template
from django.utils import translation

from ..models import CaseStudy

register = template.Library()


def _entries(case_studies, limit=None):
    language = translation.get_language()
    case_studies = case_studies.select_related("city", "cohort").with_translation(language)
    case_studies = case_studies[:limit] if limit else case_studies
    return [(case_study, case_study.for_reader(language)) for case_study in case_studies]


@register.inclusion_tag("casestudies/_latest.html")
def latest_case_studies(limit=3):
    return {"entries": _entries(CaseStudy.objects.listed().order_by("-published_at"), limit)}


@register.inclusion_tag("casestudies/_for_city.html")
def city_case_studies(city):
    return {"entries": _entries(CaseStudy.objects.listed().filter(city=city))}
