"""Template tags that show pilots on pages owned by other views (challenge, city and case
study pages, and the case-study PDF), and a KPI's chart as inline SVG wherever it is shown."""

from django import template

from .. import ocds
from ..models import Pilot

register = template.Library()


@register.inclusion_tag("procurement/pilot/_on_challenge_page.html", takes_context=True)
def pilot_on_challenge(context, challenge):
    """The pilot's link for everyone; "start the pilot" for the city's officials once final.

    Reads the award and ``is_official`` the challenge page already holds; the page fetches
    the award with its pilot, so this adds no query. Only an award has a pilot.
    """
    award = context.get("award")
    pilot = None
    if award is not None:
        try:
            pilot = award.pilot
            pilot.challenge = challenge
        except Pilot.DoesNotExist:
            pilot = None
    return {
        "challenge": challenge,
        "pilot": pilot,
        "has_open_data": ocds.has_open_data(challenge),
        # The same rule start_pilot enforces: a city official, a final award, no pilot yet.
        "may_start": pilot is None
        and award is not None
        and award.is_final()
        and bool(context.get("is_official")),
    }


@register.inclusion_tag("procurement/pilot/_for_city.html")
def pilots_of_city(city):
    pilots = Pilot.objects.filter(challenge__city=city).select_related("challenge", "sme")
    return {"pilots": pilots}


@register.inclusion_tag("procurement/pilot/_kpi_chart.html")
def kpi_chart(chart):
    """A KPI's baseline, target and readings as inline SVG (see ``procurement.kpi_charts``):
    drawn alike by browsers and by the PDF renderer, with no script and no file to fetch."""
    return {"chart": chart}
