"""Template tags that show challenges on pages owned by other apps (the home page)."""

from django import template

from ..models import Challenge

register = template.Library()


@register.inclusion_tag("procurement/challenge/_open_list.html")
def open_challenges(limit=6):
    """The challenges taking proposals now, closing soonest first."""
    challenges = (
        Challenge.objects.open_for_submissions()
        .select_related("city")
        .order_by("submissions_close")[:limit]
    )
    return {"challenges": challenges}
