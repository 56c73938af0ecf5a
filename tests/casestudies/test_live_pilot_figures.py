"""A case study's related pilots show their KPIs (baseline, target, latest reading) live on the
page and in the PDF, read from the pilot when shown or rendered; a new reading renders the PDF
again; nothing of a pilot on a challenge the public may not see is shown."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from casestudies import pdf
from casestudies.models import CaseStudyPDF
from casestudies.tasks import refresh_live_pdfs, render_case_study_pdf
from procurement import pilot_services
from procurement.models import Challenge
from tests.factories import (
    KPIFactory,
    PilotFactory,
    PublishedCaseStudyFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def report(pilot, readings, *, days=1):
    pilot_services.post_progress_update(
        pilot,
        by=member_of(pilot.sme),
        reported_on=pilot.starts_on + datetime.timedelta(days=days),
        text="Pumps on line at the outfalls.",
        readings={kpi.pk: Decimal(value) for kpi, value in readings.items()},
    )


@pytest.fixture
def pilot():
    return PilotFactory()


@pytest.fixture
def households(pilot):
    return KPIFactory(
        pilot=pilot,
        indicator="households_protected",
        unit="households",
        baseline=Decimal(150),
        target=Decimal(3000),
    )


@pytest.fixture
def case_study(pilot):
    case_study = PublishedCaseStudyFactory(city=pilot.challenge.city)
    case_study.related_pilots.add(pilot)
    return case_study


def page(client, case_study):
    response = client.get(case_study.get_absolute_url())
    assert response.status_code == 200
    return response.text


def pdf_text(case_study, tmp_path):
    record = CaseStudyPDF.objects.get(case_study=case_study, language="en")
    path = tmp_path / f"{record.content_hash}.pdf"
    with record.file.open("rb") as stored:
        path.write_bytes(stored.read())
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_page_shows_each_kpi_baseline_target_and_latest_reading(
    client, case_study, households, pilot
):
    report(pilot, {households: 480}, days=1)
    report(pilot, {households: 1235}, days=8)

    text = page(client, case_study)

    assert 'data-testid="live-figures"' in text
    assert "Households protected from flooding" in text
    assert '<span class="fs-4" data-testid="kpi-latest">1,235</span>' in text
    assert "baseline 150 · target 3,000" in text
    assert '<svg class="kpi-chart' in text
    assert pilot.get_absolute_url() in text


def test_a_new_reading_shows_on_the_page_at_once(client, case_study, households, pilot):
    report(pilot, {households: 480})
    assert 'data-testid="kpi-latest">480<' in page(client, case_study)

    report(pilot, {households: 2710}, days=9)

    text = page(client, case_study)
    assert 'data-testid="kpi-latest">2,710<' in text
    assert 'data-testid="kpi-latest">480<' not in text


def test_a_kpi_without_a_reading_yet_shows_its_baseline_and_target(client, case_study, households):
    text = page(client, case_study)
    assert 'data-testid="kpi-latest">—<' in text
    assert "baseline 150 · target 3,000 · 0% of the way" in text


def test_a_case_study_without_pilots_shows_only_its_own_key_figures(client):
    case_study = PublishedCaseStudyFactory(key_figures=[{"value": "1,200", "label": "traders"}])
    text = page(client, case_study)
    assert "traders" in text
    assert 'data-testid="live-figures"' not in text
    assert "Pilot results" not in pdf.print_html(case_study, "en")


def test_the_pdf_prints_the_latest_reading_and_renders_again_after_a_new_one(
    case_study, households, pilot, tmp_path
):
    report(pilot, {households: 480})
    assert render_case_study_pdf.delay(case_study.pk, "en").get() == "rendered"
    first = CaseStudyPDF.objects.get(case_study=case_study)
    printed = pdf_text(case_study, tmp_path)
    assert "Pilot results" in printed
    assert "480" in printed and "baseline 150" in printed

    assert refresh_live_pdfs() == 0  # nothing new: the stored PDF stays
    report(pilot, {households: 2710}, days=9)
    assert refresh_live_pdfs() == 1  # the beat sees the print differ, and renders (eager)

    again = CaseStudyPDF.objects.get(case_study=case_study)
    assert again.state == CaseStudyPDF.State.READY
    assert again.content_hash != first.content_hash
    assert "2,710" in pdf_text(case_study, tmp_path)
    assert refresh_live_pdfs() == 0


def test_a_render_already_waiting_is_left_to_itself(case_study, households, pilot):
    render_case_study_pdf.delay(case_study.pk, "en").get()
    CaseStudyPDF.objects.filter(case_study=case_study).update(state=CaseStudyPDF.State.QUEUED)
    report(pilot, {households: 900})
    assert refresh_live_pdfs() == 0


def test_a_pilot_on_a_challenge_the_public_may_not_see_shows_nothing(
    client, case_study, households, pilot
):
    report(pilot, {households: 777})
    Challenge.objects.filter(pk=pilot.challenge_id).update(status=Challenge.Status.DRAFT)

    for viewer in (None, member_of(pilot.sme)):
        if viewer is not None:
            client.force_login(viewer)
        text = page(client, case_study)
        assert 'data-testid="live-figures"' not in text
        assert "777" not in text
        assert pilot.challenge.title not in text
    printed = pdf.print_html(case_study, "en")
    assert "777" not in printed and pilot.challenge.title not in printed
    assert case_study.live_figures() == []


def test_staff_relate_pilots_from_the_edit_form(client, writer, pilot, households):
    case_study = PublishedCaseStudyFactory(city=pilot.challenge.city, authors=[writer])
    client.force_login(writer)
    form_page = client.get(reverse("casestudies:edit", args=[case_study.slug]))
    assert pilot.challenge.title in form_page.text
    response = client.post(
        reverse("casestudies:edit", args=[case_study.slug]),
        {
            "title": case_study.title,
            "city": case_study.city.pk,
            "cohort": case_study.cohort.pk,
            "language": "en",
            "summary": case_study.summary,
            "body": case_study.body,
            "related_pilots": [pilot.pk],
        },
    )
    assert response.status_code == 302, response.text
    assert list(case_study.related_pilots.all()) == [pilot]


def _grow(case_study, *, pilots, kpis):
    for _ in range(pilots):
        pilot = PilotFactory()
        case_study.related_pilots.add(pilot)
        for _ in range(kpis):
            KPIFactory(pilot=pilot, target=Decimal(40))
        for days in (1, 2):
            report(pilot, dict.fromkeys(pilot.kpis.all(), days * 3), days=days)


def _count(client, case_study, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as captured:
        page(client, case_study)
    return len(captured)


def test_the_page_costs_the_same_whatever_the_number_of_pilots_and_kpis(
    client, django_assert_max_num_queries
):
    case_study = PublishedCaseStudyFactory()
    _grow(case_study, pilots=1, kpis=1)
    small = _count(client, case_study, django_assert_max_num_queries)
    _grow(case_study, pilots=3, kpis=3)
    large = _count(client, case_study, django_assert_max_num_queries)
    assert large == small


def test_the_print_costs_the_same_whatever_the_number_of_pilots_and_kpis(
    django_assert_max_num_queries,
):
    case_study = PublishedCaseStudyFactory()
    _grow(case_study, pilots=1, kpis=1)
    with django_assert_max_num_queries(20) as small:
        pdf.print_html(case_study, "en")
    _grow(case_study, pilots=3, kpis=3)
    with django_assert_max_num_queries(20) as large:
        pdf.print_html(case_study, "en")
    assert len(large) == len(small)
