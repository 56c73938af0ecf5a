"""Template tags that show challenges on pages owned by other apps (the home page)."""

from django import template
from django.utils import timezone

from ..models import Challenge

register = template.Library()


@register.inclusion_tag("procurement/challenge/_open_list.html")
def open_challenges(limit=6):
    """The challenges taking proposals now, closing soonest first."""
    challenges = (
        Challenge.objects.filter(
            status=Challenge.Status.PUBLISHED, submissions_close__gt=timezone.now()
        )
        .select_related("city")
        .order_by("submissions_close")[:limit]
    )
    return {"challenges": challenges}
