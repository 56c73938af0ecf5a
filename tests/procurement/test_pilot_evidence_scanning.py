"""A pilot's evidence files are scanned like every upload: an infected one is refused and
audited, one held while the scanner is down opens for its uploader only, a clean one for
every participant."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.models import Evidence
from resilience_portal.models import AuditEntry
from resilience_portal.scanning import ScanStatus
from tests.conftest import EICAR
from tests.factories import (
    PDF_BYTES,
    KPIFactory,
    PilotFactory,
    member_of,
    official_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

INFECTED_PDF = b"%PDF-1.4\n% " + EICAR + b"\n%%EOF\n"


@pytest.fixture
def pilot():
    pilot = PilotFactory()
    KPIFactory(pilot=pilot, baseline=Decimal("0"), target=Decimal("20"))
    return pilot


def report(client, pilot, content):
    return client.post(
        reverse("procurement:pilot_report", args=[pilot.challenge.slug]),
        {
            "reported_on": pilot.today().isoformat(),
            "text": "Twelve traders moved into raised stalls.",
            "evidence_1": pdf_upload("delivery note.pdf", content),
        },
        follow=True,
    )


def evidence_url(pilot, evidence):
    return reverse("procurement:pilot_evidence", args=[pilot.challenge.slug, evidence.pk])


def test_clean_evidence_is_stored_clean_and_opens_for_the_city(client, clamd, pilot):
    client.force_login(member_of(pilot.sme))
    report(client, pilot, PDF_BYTES)
    evidence = Evidence.objects.get()
    assert evidence.scan_status == ScanStatus.CLEAN

    client.force_login(official_of(pilot.challenge.city))
    assert client.get(evidence_url(pilot, evidence)).status_code == 200


def test_infected_evidence_is_refused_and_audited(client, clamd, pilot):
    client.force_login(member_of(pilot.sme))
    response = report(client, pilot, INFECTED_PDF)
    assert "contains a virus or other malware" in response.content.decode()
    assert not Evidence.objects.exists()
    assert AuditEntry.objects.get(action="upload.infected").target == pilot


def test_held_evidence_opens_for_its_uploader_only(client, clamd_down, pilot):
    uploader = member_of(pilot.sme)
    client.force_login(uploader)
    response = report(client, pilot, PDF_BYTES)
    assert "awaiting a virus scan" in response.content.decode()
    evidence = Evidence.objects.get()
    assert evidence.scan_status == ScanStatus.AWAITING
    assert client.get(evidence_url(pilot, evidence)).status_code == 200

    client.force_login(official_of(pilot.challenge.city))
    assert client.get(evidence_url(pilot, evidence)).status_code == 404
