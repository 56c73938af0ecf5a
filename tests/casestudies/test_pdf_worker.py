"""A real Celery worker, fed from Redis, renders a published case study's PDF while the page
shows the render's progress, and stores it through the storage API."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.storage import default_storage
from django.urls import reverse

from casestudies.models import CaseStudyPDF
from casestudies.tasks import render_case_study_pdf
from resilience_portal.celery import app
from tests.factories import PublishedCaseStudyFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue():
    name = f"test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[name]):
            yield name
    finally:
        app.conf.task_always_eager = True


def test_a_real_worker_renders_the_pdf_and_the_page_follows_its_progress(queue, client):
    case_study = PublishedCaseStudyFactory()
    CaseStudyPDF.objects.create(case_study=case_study, language="en")  # queued, as on publish
    assert "being prepared" in client.get(case_study.get_absolute_url()).text
    render_case_study_pdf.apply_async((case_study.pk, "en"), queue=queue)
    deadline = time.monotonic() + 60
    record = CaseStudyPDF.objects.get(case_study=case_study)
    while time.monotonic() < deadline and record.state != CaseStudyPDF.State.READY:
        time.sleep(0.2)
        record.refresh_from_db()
    assert record.state == CaseStudyPDF.State.READY
    assert default_storage.exists(record.file.name)
    status = client.get(reverse("casestudies:pdf_status", args=[case_study.slug])).text
    assert "Download the PDF" in status
