"""Nothing is submitted outside the window; a refused submission keeps the draft."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import CityApplication
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.helpers import close_window, moments_ahead, move_clock

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_an_official_submits_inside_the_window_and_gets_a_receipt(
    client, draft, official, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(official)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:application_edit", args=[draft.pk]),
            {"motivation": "Final words", "submit": "", **_others(draft)},
        )

    draft.refresh_from_db()
    assert response.url == reverse("cohorts:application", args=[draft.pk])
    assert draft.status == CityApplication.Status.SUBMITTED
    assert draft.motivation == "Final words"
    assert mailoutbox[-1].to == [official.email]
    assert "submitted" in mailoutbox[-1].subject
    assert trail(draft).first().action == "application.submitted"
    assert trail(draft).first().actor == official


def _others(application):
    return {
        field: getattr(application, field)
        for field, _label in CityApplication.SECTIONS
        if field != "motivation"
    }


def test_the_last_moment_before_the_close_is_inside_the_window(draft, official):
    # 23:59 on 31 March in Semarang is 16:59 UTC.
    close = datetime(2027, 3, 31, 23, 59, tzinfo=JAKARTA)
    close_window(draft.cohort, at=close)

    services.submit_application(draft, by=official, now=close - timedelta(microseconds=1))

    assert draft.status == CityApplication.Status.SUBMITTED
    assert draft.submitted_at == datetime(2027, 3, 31, 16, 58, 59, 999999, tzinfo=ZoneInfo("UTC"))


def test_the_close_itself_is_outside_the_window(draft, official):
    close = datetime(2027, 3, 31, 23, 59, tzinfo=JAKARTA)
    close_window(draft.cohort, at=close)

    with pytest.raises(Refused, match="window is closed"):
        services.submit_application(draft, by=official, now=close.astimezone(ZoneInfo("UTC")))

    draft.refresh_from_db()
    assert draft.status == CityApplication.Status.DRAFT


def test_the_close_is_compared_in_utc_whatever_the_local_date_says(draft, official):
    # Still 31 March in UTC terms? No: 00:30 on 1 April in Jakarta is 17:30 UTC, after 17:00.
    close_window(draft.cohort, at=datetime(2027, 3, 31, 17, 0, tzinfo=ZoneInfo("UTC")))

    with pytest.raises(Refused):
        services.submit_application(
            draft, by=official, now=datetime(2027, 4, 1, 0, 30, tzinfo=JAKARTA)
        )


def test_nothing_is_submitted_before_the_window_opens(draft, official):
    move_clock(
        draft.cohort,
        applications_open=moments_ahead(days=1),
        applications_close=moments_ahead(days=9),
    )

    with pytest.raises(Refused):
        services.submit_application(draft, by=official)


def test_a_refused_submission_keeps_the_edited_draft(client, draft, official, mailoutbox):
    close_window(draft.cohort)
    client.force_login(official)

    response = client.post(
        reverse("cohorts:application_edit", args=[draft.pk]),
        {"motivation": "Words typed after the close", "submit": "", **_others(draft)},
        follow=True,
    )

    draft.refresh_from_db()
    assert "window is closed" in response.content.decode()
    assert draft.status == CityApplication.Status.DRAFT
    assert draft.motivation == "Words typed after the close"
    assert mailoutbox == []


def test_an_incomplete_application_cannot_be_submitted(draft, official):
    draft.sme_ecosystem = ""
    draft.leadership_letter = ""
    draft.save()

    with pytest.raises(Refused, match="Local SME ecosystem"):
        services.submit_application(draft, by=official)


def test_an_official_withdraws_a_submitted_application(client, draft, official):
    services.submit_application(draft, by=official)
    client.force_login(official)

    client.post(reverse("cohorts:application_withdraw", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.status == CityApplication.Status.WITHDRAWN
    assert trail(draft).first().action == "application.withdrawn"


def test_an_application_under_review_cannot_be_withdrawn(client, draft, official):
    draft.status = CityApplication.Status.UNDER_REVIEW
    draft.save()
    client.force_login(official)

    client.post(reverse("cohorts:application_withdraw", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.status == CityApplication.Status.UNDER_REVIEW


def test_an_outsider_cannot_withdraw(client, draft, user):
    client.force_login(user)

    response = client.post(reverse("cohorts:application_withdraw", args=[draft.pk]))

    assert response.status_code == 404


def test_withdrawing_asks_for_confirmation_first(client, draft, official):
    client.force_login(official)

    page = client.get(reverse("cohorts:application_withdraw", args=[draft.pk]))

    draft.refresh_from_db()
    assert "cannot be undone" in page.content.decode()
    assert draft.status == CityApplication.Status.DRAFT


def test_a_withdrawal_from_a_page_loaded_before_the_review_started_is_refused(draft, official):
    services.submit_application(draft, by=official)
    seen_by_official = CityApplication.objects.get(pk=draft.pk)
    services.start_cohort_review(draft.cohort, by=official, now=draft.cohort.applications_close)

    with pytest.raises(Refused, match="cannot be withdrawn"):
        services.withdraw_application(seen_by_official, by=official)

    draft.refresh_from_db()
    assert draft.status == CityApplication.Status.UNDER_REVIEW


def test_a_colleague_saving_an_old_copy_of_the_draft_does_not_reopen_a_submitted_one(
    draft, official
):
    colleague_copy = CityApplication.objects.get(pk=draft.pk)
    services.submit_application(draft, by=official)
    colleague_copy.motivation = "An afterthought"

    with pytest.raises(Refused, match="Only a draft"):
        services.save_draft(colleague_copy, by=official, changed=["motivation"])

    draft.refresh_from_db()
    assert draft.status == CityApplication.Status.SUBMITTED
    assert draft.motivation != "An afterthought"


def test_the_draft_page_gives_the_deadline_in_the_city_zone_when_the_viewer_is_elsewhere(
    client, draft, official
):
    draft.city.time_zone = "Asia/Jakarta"
    draft.city.save()
    close_window(draft.cohort, at=datetime(2031, 3, 31, 23, 59, tzinfo=JAKARTA))
    official.time_zone = "Europe/Paris"
    official.save()
    client.force_login(official)

    page = client.get(reverse("cohorts:application_edit", args=[draft.pk])).content.decode()

    assert "Closes" in page and "in Asia/Jakarta." in page


def test_the_city_zone_line_is_left_out_when_the_viewer_is_in_that_zone(client, draft, official):
    draft.city.time_zone = "Asia/Jakarta"
    draft.city.save()
    official.time_zone = "Asia/Jakarta"
    official.save()
    client.force_login(official)

    page = client.get(reverse("cohorts:application_edit", args=[draft.pk])).content.decode()

    assert "Closes" not in page


def test_no_withdrawal_is_offered_for_an_application_under_review(client, draft, official):
    draft.status = CityApplication.Status.UNDER_REVIEW
    draft.save()
    client.force_login(official)

    response = client.get(reverse("cohorts:application_withdraw", args=[draft.pk]), follow=True)

    page = response.content.decode()
    assert "can no longer be withdrawn" in page
    assert "Yes, withdraw" not in page
