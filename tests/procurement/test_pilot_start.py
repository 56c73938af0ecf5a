"""Journey 6: a city official starts the pilot from a final award; it is linked from the
challenge page and the city page."""

import pytest
from django.urls import reverse

from procurement import pilot_services as services
from procurement.models import Pilot
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import PilotFactory, award_for, member_of, official_of

pytestmark = pytest.mark.django_db

DATES = {"starts_on": "2026-12-01", "ends_on": "2027-05-31"}


def _start(client, award, **data):
    return client.post(
        reverse("procurement:pilot_start", args=[award.challenge.slug]),
        {"summary": "Raised stalls in one market.", **DATES, **data},
    )


def test_an_official_starts_the_pilot_once_the_award_is_final(client):
    award = award_for()
    official = official_of(award.challenge.city)
    client.force_login(official)
    response = _start(client, award)
    pilot = Pilot.objects.get(award=award)
    assert response.url == reverse("procurement:pilot_manage", args=[award.challenge.slug])
    assert (pilot.sme, pilot.challenge, pilot.status) == (award.sme, award.challenge, "running")
    assert AuditEntry.objects.filter(action="pilot.started", actor=official).count() == 2


def test_no_pilot_starts_during_the_standstill(client):
    award = award_for(final=False)
    client.force_login(official_of(award.challenge.city))
    response = _start(client, award)
    assert response.status_code == 200
    assert "becomes final" in response.content.decode()
    assert not Pilot.objects.exists()


def test_the_smes_member_and_another_citys_official_get_a_404(client):
    award = award_for()
    other_award = award_for()
    for user in (member_of(award.sme), official_of(other_award.challenge.city)):
        client.force_login(user)
        assert _start(client, award).status_code == 404
    assert not Pilot.objects.exists()


def test_a_second_start_is_refused_and_the_page_leads_to_the_pilot(client):
    pilot = PilotFactory()
    official = official_of(pilot.challenge.city)
    with pytest.raises(Refused):
        services.start_pilot(
            pilot.award, by=official, summary="Again", starts_on=pilot.starts_on,
            ends_on=pilot.ends_on,
        )  # fmt: skip
    client.force_login(official)
    response = client.get(reverse("procurement:pilot_start", args=[pilot.challenge.slug]))
    assert response.url == pilot.get_absolute_url()


def test_a_pilot_ending_before_it_starts_is_a_form_error(client):
    award = award_for()
    client.force_login(official_of(award.challenge.city))
    response = _start(client, award, starts_on="2027-01-01", ends_on="2026-12-01")
    assert response.status_code == 200
    assert "ends after it starts" in response.content.decode()


def test_the_challenge_page_offers_the_start_to_officials_only_once_final(client):
    final, pending = award_for(), award_for(final=False)
    start = "Start the pilot"
    client.force_login(official_of(final.challenge.city))
    assert start in client.get(final.challenge.get_absolute_url()).content.decode()
    client.force_login(official_of(pending.challenge.city))
    assert start not in client.get(pending.challenge.get_absolute_url()).content.decode()
    client.force_login(member_of(final.sme))
    assert start not in client.get(final.challenge.get_absolute_url()).content.decode()


def test_the_pilot_is_linked_from_the_challenge_page_and_the_city_page(client):
    pilot = PilotFactory()
    url = pilot.get_absolute_url()
    assert url in client.get(pilot.challenge.get_absolute_url()).content.decode()
    assert url in client.get(pilot.challenge.city.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200
