"""A case study goes draft → in review → published → archived, by programme staff only,
and every step is in the audit trail."""

import pytest

from casestudies import services
from casestudies.models import CaseStudy
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def actions(case_study):
    return [entry.action for entry in trail(case_study)]


def in_review(draft, writer):
    services.submit_for_review(draft, by=writer)
    return draft


def test_author_sends_a_draft_for_review(draft, writer):
    services.submit_for_review(draft, by=writer)
    assert draft.status == CaseStudy.Status.IN_REVIEW
    assert draft.submitted_at is not None
    assert "case_study.submitted" in actions(draft)


def test_someone_who_is_not_staff_cannot_send_it_for_review(draft):
    with pytest.raises(Refused):
        services.submit_for_review(draft, by=UserFactory())
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.DRAFT


def test_reviewer_publishes_with_comments(
    draft, writer, reviewer, django_capture_on_commit_callbacks
):
    in_review(draft, writer)
    with django_capture_on_commit_callbacks():
        services.publish(draft, by=reviewer, comments="Clear and well sourced.")
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.PUBLISHED
    assert draft.reviewer == reviewer
    assert draft.review_comments == "Clear and well sourced."
    assert draft.published_at is not None
    assert "case_study.published" in actions(draft)


def test_an_author_cannot_review_their_own_case_study(draft, writer):
    in_review(draft, writer)
    with pytest.raises(Refused, match="own case study"):
        services.publish(draft, by=writer)
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.IN_REVIEW


def test_someone_who_is_not_staff_cannot_publish(draft, writer):
    in_review(draft, writer)
    with pytest.raises(Refused):
        services.publish(draft, by=UserFactory())
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.IN_REVIEW


def test_a_draft_cannot_be_published_before_review(draft, reviewer):
    with pytest.raises(Refused):
        services.publish(draft, by=reviewer)
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.DRAFT


def test_reviewer_sends_back_with_comments(draft, writer, reviewer):
    in_review(draft, writer)
    services.send_back(draft, by=reviewer, comments="Add the costs.")
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.DRAFT
    assert draft.review_comments == "Add the costs."
    assert "case_study.sent_back" in actions(draft)


def test_sending_back_needs_comments(draft, writer, reviewer):
    in_review(draft, writer)
    with pytest.raises(Refused, match="what should change"):
        services.send_back(draft, by=reviewer, comments=" ")
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.IN_REVIEW


def test_published_case_study_is_archived_and_restored(draft, writer, reviewer):
    in_review(draft, writer)
    services.publish(draft, by=reviewer)
    services.archive(draft, by=reviewer)
    assert draft.status == CaseStudy.Status.ARCHIVED
    services.restore(draft, by=reviewer)
    assert draft.status == CaseStudy.Status.PUBLISHED
    assert {"case_study.archived", "case_study.restored"} <= set(actions(draft))


def test_someone_who_is_not_staff_cannot_archive(draft, writer, reviewer):
    in_review(draft, writer)
    services.publish(draft, by=reviewer)
    with pytest.raises(Refused):
        services.archive(draft, by=UserFactory())
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.PUBLISHED


def test_a_draft_cannot_be_archived(draft, writer):
    with pytest.raises(Refused):
        services.archive(draft, by=writer)


def test_an_archived_case_study_is_restored_before_it_is_edited(draft, writer, reviewer):
    in_review(draft, writer)
    services.publish(draft, by=reviewer)
    services.archive(draft, by=reviewer)
    with pytest.raises(Refused, match="restored"):
        services.save_case_study(draft, by=writer, title="New title")
