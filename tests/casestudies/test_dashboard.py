"""Programme staff see on their dashboard the case studies waiting for their review."""

import pytest

from casestudies import services
from casestudies.models import CaseStudyPDF
from tests.factories import PublishedCaseStudyFactory

pytestmark = pytest.mark.django_db


def test_a_colleague_sees_the_case_study_waiting_for_review_and_the_author_does_not(
    client, writer, reviewer, draft
):
    services.submit_for_review(draft, by=writer)
    client.force_login(reviewer)
    assert draft.title in client.get("/dashboard/").text
    client.force_login(writer)
    page = client.get("/dashboard/").text
    assert "Waiting for your review" not in page


def test_staff_see_pdfs_that_failed_to_render(client, staff):
    case_study = PublishedCaseStudyFactory(title="Broken render")
    CaseStudyPDF.objects.create(
        case_study=case_study, language="en", state="failed", error="boom", attempts=3
    )
    client.force_login(staff)
    assert "Broken render" in client.get("/dashboard/").text
