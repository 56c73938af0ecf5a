"""Journey 4: staff record decisions under the cap, confirm, and every applicant hears by e-mail."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import CityApplication, Cohort
from cohorts.notices import send_selection_results
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import (
    CityMembershipFactory,
    OpenCohortFactory,
    UnderReviewApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return OpenCohortFactory(status=Cohort.Status.REVIEWING, max_cities=2)


def applicant(cohort, name):
    application = UnderReviewApplicationFactory(cohort=cohort, city__name=name)
    CityMembershipFactory(city=application.city, user__email=f"lead@{application.city.slug}.gov")
    return application


def test_staff_record_decisions_and_confirm_the_selection(
    client, staff, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    semarang, pune, surat = (applicant(cohort, n) for n in ["Semarang", "Pune", "Surat"])
    client.force_login(staff)
    for application, decision in [
        (semarang, "selected"),
        (pune, "waitlisted"),
        (surat, "declined"),
    ]:
        client.post(
            reverse("cohorts:application_decide", args=[application.pk]), {"decision": decision}
        )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:confirm", args=[cohort.slug]))

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.SELECTED
    assert list(cohort.cities.all()) == [semarang.city]
    assert {a.city.name: a.status for a in cohort.applications.all()} == {
        "Semarang": "selected",
        "Pune": "waitlisted",
        "Surat": "declined",
    }
    assert {message.to[0] for message in mailoutbox} == {
        f"lead@{a.city.slug}.gov" for a in (semarang, pune, surat)
    }
    assert any("Congratulations" in m.body for m in mailoutbox)
    assert any("waiting list" in m.body for m in mailoutbox)
    assert any("could not offer" in m.body for m in mailoutbox)
    public = client.get(reverse("cohorts:list")).content.decode()
    assert "Semarang" in public


def test_the_ranking_shows_a_recorded_decision_as_its_outcome(client, staff, cohort):
    services.record_decision(applicant(cohort, "Semarang"), "waitlisted", by=staff)
    client.force_login(staff)

    page = client.get(reverse("cohorts:manage", args=[cohort.slug])).content.decode()

    assert "<strong>Waitlisted</strong>" in page


def test_decisions_are_not_announced_before_the_confirmation(client, cohort):
    application = applicant(cohort, "Semarang")
    services.record_decision(application, "selected", by=UserFactory())
    client.force_login(application.city.memberships.first().user)

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Under review" in page
    assert "Selected" not in page


def test_the_cap_refuses_one_selection_too_many(staff, cohort):
    first, second, third = (applicant(cohort, n) for n in ["A", "B", "C"])
    services.record_decision(first, "selected", by=staff)
    services.record_decision(second, "selected", by=staff)

    with pytest.raises(Refused, match="maximum"):
        services.record_decision(third, "selected", by=staff)

    assert cohort.applications.filter(decision="selected").count() == 2


def test_changing_a_selected_city_frees_its_place(staff, cohort):
    first, second, third = (applicant(cohort, n) for n in ["A", "B", "C"])
    services.record_decision(first, "selected", by=staff)
    services.record_decision(second, "selected", by=staff)
    services.record_decision(second, "waitlisted", by=staff)

    services.record_decision(third, "selected", by=staff)

    assert cohort.applications.filter(decision="selected").count() == 2


def test_the_selection_cannot_be_confirmed_with_undecided_applications(staff, cohort):
    services.record_decision(applicant(cohort, "A"), "selected", by=staff)
    applicant(cohort, "B")

    with pytest.raises(Refused, match="every application"):
        services.confirm_selection(cohort, by=staff)


def test_the_selection_is_confirmed_once(staff, cohort):
    services.record_decision(applicant(cohort, "A"), "selected", by=staff)
    services.confirm_selection(cohort, by=staff)

    with pytest.raises(Refused, match="already confirmed"):
        services.confirm_selection(cohort, by=staff)


def test_result_emails_are_sent_once_even_if_the_task_runs_twice(staff, cohort, mailoutbox):
    services.record_decision(applicant(cohort, "A"), "selected", by=staff)
    services.confirm_selection(cohort, by=staff)

    assert send_selection_results(cohort.pk) == 1
    assert send_selection_results(cohort.pk) == 0


def test_only_programme_staff_decide(client, cohort):
    application = applicant(cohort, "A")
    client.force_login(application.city.memberships.first().user)

    response = client.post(
        reverse("cohorts:application_decide", args=[application.pk]), {"decision": "selected"}
    )

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.decision == ""


def test_only_programme_staff_confirm(client, cohort, user):
    client.force_login(user)

    assert client.post(reverse("cohorts:confirm", args=[cohort.slug])).status_code == 403


def test_staff_read_every_state_change_on_the_application(client, staff, cohort):
    application = applicant(cohort, "Semarang")
    services.record_decision(application, "selected", by=staff)
    services.confirm_selection(cohort, by=staff)
    client.force_login(staff)

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Audit trail" in page
    # Read as sentences, never as the codes they are stored under.
    assert "application.decision_recorded" not in page and "application.result" not in page
    assert "recorded a decision (Selected)" in page
    assert "confirmed the result (Selected)" in page
    assert [entry.action for entry in trail(application)][:2] == [
        "application.result",
        "application.decision_recorded",
    ]


def test_officials_do_not_see_the_audit_trail(client, cohort):
    application = applicant(cohort, "Semarang")
    client.force_login(application.city.memberships.first().user)

    assert "Audit trail" not in client.get(application.get_absolute_url()).content.decode()


def test_decisions_wait_for_the_review_stage(staff):
    application = UnderReviewApplicationFactory(cohort=OpenCohortFactory())

    with pytest.raises(Refused, match="in review"):
        services.record_decision(application, "selected", by=staff)
    assert application.status == CityApplication.Status.UNDER_REVIEW


def test_the_plain_text_result_mail_keeps_apostrophes_and_ampersands_as_written(
    staff, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    cohort.name = "Rivers & Coasts 2027"
    cohort.save()
    application = applicant(cohort, "Semarang")
    services.record_decision(application, "selected", by=staff, note="Don't forget the kick-off.")

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_selection(cohort, by=staff)

    (message,) = mailoutbox
    assert message.subject.endswith("Rivers & Coasts 2027: the result for Semarang")
    assert "Don't forget the kick-off." in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
