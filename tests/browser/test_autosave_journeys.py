"""On a phone: nothing typed is lost. An official types with no connection, and the text is
kept and offered back when the page is opened again; an autosave never overwrites what a
colleague saved meanwhile."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import CityApplication
from procurement.models import Challenge, Proposal
from tests.factories import (
    ChallengeFactory,
    CityApplicationFactory,
    ProposalFactory,
    member_of,
    official_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    # Signing in through the form is covered elsewhere; here the session is all that matters.
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def draft():
    return CityApplicationFactory(motivation="Saved before the trip.")


def test_text_typed_offline_is_kept_and_offered_back_when_the_page_opens_again(
    page, live_server, draft
):
    signed_in(page, live_server, official_of(draft.city))
    edit = reverse("cohorts:application_edit", args=[draft.pk])
    page.goto(edit)
    status = page.locator("#autosave-status")

    # Online again after a gap: autosave resumes and the server has the text.
    page.context.set_offline(True)
    page.get_by_label("Motivation").fill("Typed on the ferry.")
    expect(status).to_contain_text("No connection")
    page.context.set_offline(False)
    expect(status).to_contain_text("Saved")
    draft.refresh_from_db()
    assert draft.motivation == "Typed on the ferry."

    # The page is closed before the connection returns: the text waits in the browser.
    page.context.set_offline(True)
    page.get_by_label("Motivation").fill("Typed in the lift, then the battery died.")
    expect(status).to_contain_text("No connection")
    context = page.context
    page.close()
    context.set_offline(False)
    again = context.new_page()
    again.goto(edit)

    expect(again.get_by_label("Motivation")).to_have_value("Typed on the ferry.")
    expect(again.get_by_text("This browser kept text you typed")).to_be_visible()
    again.get_by_role("button", name="Restore what you typed").click()
    expect(again.get_by_label("Motivation")).to_have_value(
        "Typed in the lift, then the battery died."
    )
    expect(again.locator("#autosave-status")).to_contain_text("Saved")
    draft.refresh_from_db()
    assert draft.motivation == "Typed in the lift, then the battery died."
    assert draft.status == CityApplication.Status.DRAFT

    # Opened once more, nothing is offered: the server has it all.
    again.reload()
    expect(again.get_by_label("Motivation")).to_have_value(
        "Typed in the lift, then the battery died."
    )
    expect(again.get_by_text("This browser kept text you typed")).to_be_hidden()


def test_an_autosave_never_overwrites_a_colleagues_newer_section(page, live_server, draft):
    signed_in(page, live_server, official_of(draft.city))
    page.goto(reverse("cohorts:application_edit", args=[draft.pk]))
    status = page.locator("#autosave-status")
    # A colleague saves the motivation after this page loaded.
    colleague = official_of(draft.city)
    draft.motivation = "The colleague's motivation."
    services.save_draft(draft, by=colleague, changed=["motivation"])

    page.get_by_label("Motivation").fill("My motivation, typed over an old copy.")
    expect(status).to_contain_text("A colleague saved Motivation")
    page.get_by_label("Local SME ecosystem").fill("Two incubators and a chamber of commerce.")
    expect(status).to_contain_text("Saved")

    draft.refresh_from_db()
    assert draft.motivation == "The colleague's motivation."
    assert draft.sme_ecosystem == "Two incubators and a chamber of commerce."


def test_a_proposal_autosaves_and_the_save_button_still_saves_after_it(page, live_server):
    proposal = ProposalFactory()
    signed_in(page, live_server, member_of(proposal.sme))
    page.goto(reverse("procurement:proposal_edit", args=[proposal.pk]))

    page.get_by_label("Your solution").fill("Raised stalls on floats.")
    expect(page.locator("#autosave-status")).to_contain_text("Saved")
    proposal.refresh_from_db()
    assert proposal.solution == "Raised stalls on floats."
    assert proposal.status == Proposal.Status.DRAFT

    # The Save button starts from the autosave's mark, not the page's first one.
    page.get_by_label("Team").fill("Two engineers.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.team == "Two engineers."


def test_a_challenge_draft_autosaves_its_own_fields(page, live_server):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    signed_in(page, live_server, official_of(draft.city))
    page.goto(reverse("procurement:challenge_edit", args=[draft.slug]))

    page.get_by_label("Title").fill("Shade for street vendors")
    expect(page.locator("#autosave-status")).to_contain_text("Saved")

    draft.refresh_from_db()
    assert draft.title == "Shade for street vendors"
    assert draft.status == Challenge.Status.DRAFT
    assert list(draft.co_benefits) == ["climate", "jobs"]
