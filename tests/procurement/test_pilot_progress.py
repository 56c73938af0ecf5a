"""Journey 6: the pilot's SME members and the city's officials post dated progress updates
with KPI readings and evidence; anyone reads them on the public page; others get a 404."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement import pilot_services as services
from procurement.models import Evidence, Milestone, ProgressUpdate
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
    PDF_BYTES,
    KPIFactory,
    MilestoneFactory,
    PilotFactory,
    SMEFactory,
    UserFactory,
    member_of,
    official_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return PilotFactory()


@pytest.fixture
def kpi(pilot):
    return KPIFactory(pilot=pilot, baseline=Decimal("0"), target=Decimal("20"))


def _report(client, pilot, kpi, **data):
    return client.post(
        reverse("procurement:pilot_report", args=[pilot.challenge.slug]),
        {
            "reported_on": pilot.today().isoformat(),
            "text": "Twelve traders moved into raised stalls.",
            f"kpi_{kpi.pk}": "12",
            **data,
        },
    )


def test_a_member_of_the_sme_posts_an_update_the_public_page_shows(client, pilot, kpi):
    member = member_of(pilot.sme)
    client.force_login(member)
    response = _report(client, pilot, kpi, evidence_1=pdf_upload("delivery note.pdf"))
    assert response.url == pilot.get_absolute_url()
    update = ProgressUpdate.objects.get()
    assert (update.author, update.by_city) == (member, False)
    assert update.readings.get().value == Decimal("12")
    evidence = Evidence.objects.get()
    assert (evidence.name, evidence.uploaded_by) == ("delivery-note.pdf", member)
    assert AuditEntry.objects.filter(action="pilot.progress_reported", actor=member).exists()
    client.logout()
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "Twelve traders moved into raised stalls." in page
    assert "60%" in page  # 12 of the way from 0 to 20
    assert "reported by the SME" in page
    assert member.full_name not in page


def test_an_official_of_the_city_posts_an_update_too(client, pilot, kpi):
    client.force_login(official_of(pilot.challenge.city))
    assert _report(client, pilot, kpi).status_code == 302
    assert ProgressUpdate.objects.get().by_city


@pytest.mark.parametrize("who", ["stranger", "other_sme", "other_city", "staff_of_nothing"])
def test_anyone_else_gets_a_404_on_the_report_form(client, pilot, kpi, who):
    user = {
        "stranger": lambda: UserFactory(),
        "other_sme": lambda: member_of(SMEFactory()),
        "other_city": lambda: official_of(PilotFactory().challenge.city),
        "staff_of_nothing": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(user)
    url = reverse("procurement:pilot_report", args=[pilot.challenge.slug])
    assert client.get(url).status_code == 404
    assert _report(client, pilot, kpi).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_the_service_refuses_an_outsider_as_it_accepts_a_member(pilot, kpi):
    with pytest.raises(Refused):
        services.post_progress_update(
            pilot, by=UserFactory(), reported_on=pilot.today(), text="Not mine."
        )
    services.post_progress_update(
        pilot, by=member_of(pilot.sme), reported_on=pilot.today(), text="Mine."
    )
    assert ProgressUpdate.objects.count() == 1


def test_a_future_date_is_a_form_error_and_today_is_accepted(client, pilot, kpi):
    client.force_login(member_of(pilot.sme))
    tomorrow = pilot.today() + datetime.timedelta(days=1)
    response = _report(client, pilot, kpi, reported_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert "as of today or earlier" in response.content.decode()
    assert _report(client, pilot, kpi).status_code == 302


def test_evidence_that_is_not_what_it_claims_is_a_form_error(client, pilot, kpi):
    client.force_login(member_of(pilot.sme))
    fake = SimpleUploadedFile("photo.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _report(client, pilot, kpi, evidence_1=fake)
    assert response.status_code == 200
    assert "Its name does not count" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_evidence_downloads_for_participants_and_is_a_404_for_the_public(client, pilot, kpi):
    client.force_login(member_of(pilot.sme))
    _report(client, pilot, kpi, evidence_1=pdf_upload())
    evidence = Evidence.objects.get()
    url = reverse("procurement:pilot_evidence", args=[pilot.challenge.slug, evidence.pk])
    client.force_login(official_of(pilot.challenge.city))
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_an_update_moves_milestones_through_the_transition_helper(client, pilot, kpi):
    started = MilestoneFactory(pilot=pilot)
    finished = MilestoneFactory(pilot=pilot)
    client.force_login(member_of(pilot.sme))
    _report(
        client,
        pilot,
        kpi,
        **{f"milestone_{started.pk}": "in_progress", f"milestone_{finished.pk}": "done"},
    )
    started.refresh_from_db()
    finished.refresh_from_db()
    assert started.status == Milestone.Status.IN_PROGRESS
    assert (finished.status, finished.done_on) == (Milestone.Status.DONE, pilot.today())
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"milestone.in_progress", "milestone.done"} <= actions


def test_a_completed_pilot_takes_no_more_updates(client, pilot, kpi):
    official = official_of(pilot.challenge.city)
    services.complete_pilot(pilot, by=official)
    with pytest.raises(Refused):
        services.post_progress_update(
            pilot, by=member_of(pilot.sme), reported_on=pilot.today(), text="After the end."
        )
    assert not ProgressUpdate.objects.exists()
    with pytest.raises(Refused):
        services.complete_pilot(pilot, by=official)
