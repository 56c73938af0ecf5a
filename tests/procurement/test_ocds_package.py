"""Journey 7: one challenge's OCDS release package, a release per stage it has reached,
valid against the official 1.1.5 schema, and nothing of a challenge before publication."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import pilot_services
from procurement.models import Challenge, Milestone, Payment
from tests.factories import (
    ChallengeFactory,
    ClosedChallengeFactory,
    KPIFactory,
    MilestoneFactory,
    PilotFactory,
    SubmittedProposalFactory,
    award_for,
    member_of,
)

from .ocds_validation import schema_errors

pytestmark = pytest.mark.django_db


def package(client, challenge):
    response = client.get(reverse("procurement:challenge_ocds", args=[challenge.slug]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def running_pilot(django_capture_on_commit_callbacks):
    pilot = PilotFactory()
    today = pilot.today()
    MilestoneFactory(pilot=pilot, title="Stalls built", due_on=today - datetime.timedelta(days=3))
    MilestoneFactory(
        pilot=pilot,
        title="Drains dug",
        due_on=today - datetime.timedelta(days=5),
        status=Milestone.Status.DONE,
        done_on=today - datetime.timedelta(days=6),
    )
    MilestoneFactory(pilot=pilot, title="Monsoon measured")
    kpi = KPIFactory(pilot=pilot)
    Payment.objects.create(pilot=pilot, paid_on=today, amount=Decimal("60000"))
    pilot_services.post_progress_update(
        pilot,
        by=member_of(pilot.sme),
        reported_on=today,
        text="Twelve traders moved in.",
        readings={kpi.pk: Decimal("7")},
    )
    return pilot


def test_an_open_challenge_is_one_valid_tender_release(client, settings):
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    challenge = ChallengeFactory()
    body = package(client, challenge)
    assert schema_errors(body) == []
    [release] = body["releases"]
    assert release["ocid"] == f"ocds-abc123-{challenge.pk}"
    assert release["tag"] == ["tender"]
    assert release["tender"]["status"] == "active"
    assert release["buyer"]["id"] == release["tender"]["procuringEntity"]["id"]
    [city] = release["parties"]
    assert city["roles"] == ["buyer", "procuringEntity"]
    assert city["name"] == challenge.city.name


def test_bidders_are_not_named_before_the_deadline_and_are_tenderers_after_it(client):
    open_challenge = ChallengeFactory()
    SubmittedProposalFactory(challenge=open_challenge)
    closed = ClosedChallengeFactory()
    bid = SubmittedProposalFactory(challenge=closed)
    [before] = package(client, open_challenge)["releases"]
    assert "tenderers" not in before["tender"]
    assert len(before["parties"]) == 1
    body = package(client, closed)
    assert schema_errors(body) == []
    [after] = body["releases"]
    assert after["tender"]["numberOfTenderers"] == 1
    [sme] = [p for p in after["parties"] if p["roles"] == ["tenderer"]]
    assert sme["identifier"]["id"] == bid.sme.registration_number
    assert sme["name"] == bid.sme.legal_name


def test_an_award_in_standstill_is_pending_and_active_once_final(client):
    pending = award_for(final=False)
    final = award_for()
    pending_body = package(client, pending.challenge)
    final_body = package(client, final.challenge)
    assert schema_errors(pending_body) == []
    assert schema_errors(final_body) == []
    assert [r["tag"] for r in pending_body["releases"]] == [["tender"], ["award"]]
    assert pending_body["releases"][1]["awards"][0]["status"] == "pending"
    assert final_body["releases"][1]["awards"][0]["status"] == "active"
    award = final_body["releases"][1]["awards"][0]
    assert award["value"] == {"amount": 240000.0, "currency": final.currency}
    [supplier] = [p for p in final_body["releases"][1]["parties"] if "supplier" in p["roles"]]
    assert award["suppliers"] == [{"id": supplier["id"], "name": supplier["name"]}]
    assert final_body["releases"][0]["tender"]["status"] == "complete"


def test_a_running_pilot_adds_contract_and_implementation_releases(client, running_pilot):
    body = package(client, running_pilot.challenge)
    assert schema_errors(body) == []
    tags = [r["tag"] for r in body["releases"]]
    assert tags == [["tender"], ["awardUpdate"], ["contract"], ["implementation"]]
    contract = body["releases"][2]["contracts"][0]
    assert contract["status"] == "active"
    assert contract["awardID"] == body["releases"][1]["awards"][0]["id"]
    implementation = body["releases"][3]["contracts"][0]["implementation"]
    statuses = {m["title"]: m["status"] for m in implementation["milestones"]}
    assert statuses == {
        "Stalls built": "notMet",
        "Drains dug": "met",
        "Monsoon measured": "scheduled",
    }
    [payment] = implementation["transactions"]
    assert payment["value"]["amount"] == 60000.0
    city = body["releases"][3]["parties"][0]
    assert payment["payer"]["id"] == city["id"]
    assert "payer" in city["roles"]
    ids = [r["id"] for r in body["releases"]]
    assert len(set(ids)) == 4
    assert {r["ocid"] for r in body["releases"]} == {body["releases"][0]["ocid"]}


def test_the_ocid_and_release_ids_are_stable_between_downloads(client, running_pilot):
    first = package(client, running_pilot.challenge)
    second = package(client, running_pilot.challenge)
    assert [r["id"] for r in first["releases"]] == [r["id"] for r in second["releases"]]


@pytest.mark.parametrize("status", [Challenge.Status.DRAFT, Challenge.Status.PENDING_APPROVAL])
def test_a_challenge_before_publication_is_a_404_even_for_its_officials(client, status):
    challenge = ChallengeFactory(status=status, published_at=None)
    from tests.factories import official_of

    client.force_login(official_of(challenge.city))
    url = reverse("procurement:challenge_ocds", args=[challenge.slug])
    assert client.get(url).status_code == 404


def test_a_draft_cancelled_before_publication_is_a_404_and_a_published_one_cancelled_is_not(
    client,
):
    never_published = ChallengeFactory(status=Challenge.Status.CANCELLED, published_at=None)
    cancelled = ChallengeFactory(status=Challenge.Status.CANCELLED)
    assert (
        client.get(reverse("procurement:challenge_ocds", args=[never_published.slug])).status_code
        == 404
    )
    body = package(client, cancelled)
    assert schema_errors(body) == []
    assert body["releases"][0]["tag"] == ["tenderCancellation"]


def test_the_schema_check_is_not_vacuous(client):
    body = package(client, ChallengeFactory())
    del body["releases"][0]["ocid"]
    body["releases"][0]["tender"]["status"] = "open for business"
    errors = schema_errors(body)
    assert any("'ocid' is a required property" in error for error in errors)
    assert any("open for business" in error for error in errors)


def test_the_challenge_page_links_its_export_once_published_and_not_as_a_draft(client):
    from tests.factories import official_of

    published = ChallengeFactory()
    draft = ChallengeFactory(status=Challenge.Status.DRAFT, published_at=None)
    client.force_login(official_of(draft.city))
    link = reverse("procurement:challenge_ocds", args=[published.slug])
    assert link in client.get(published.get_absolute_url()).content.decode()
    draft_link = reverse("procurement:challenge_ocds", args=[draft.slug])
    assert draft_link not in client.get(draft.get_absolute_url()).content.decode()
