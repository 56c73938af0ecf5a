"""Template tags that show pilots on pages owned by other views (challenge and city pages)."""

from django import template

from .. import pilot_services
from ..models import Award, Pilot

register = template.Library()


@register.inclusion_tag("procurement/pilot/_on_challenge_page.html", takes_context=True)
def pilot_on_challenge(context, challenge):
    """The pilot's link for everyone; "start the pilot" for the city's officials once final."""
    user = context["request"].user
    pilot = Pilot.objects.filter(challenge=challenge).first()
    award = None
    if pilot is None and challenge.status == challenge.Status.AWARDED:
        award = Award.objects.filter(challenge=challenge).select_related("challenge").first()
    return {
        "challenge": challenge,
        "pilot": pilot,
        "may_start": award is not None and pilot_services.may_start_pilot(award, user),
        "award": award,
    }


@register.inclusion_tag("procurement/pilot/_for_city.html")
def pilots_of_city(city):
    pilots = Pilot.objects.filter(challenge__city=city).select_related("challenge", "sme")
    return {"pilots": pilots}
