"""Journey 2 and the sealed rule: evaluators declare conflicts per SME before seeing any
proposal, and a declared conflict hides that proposal by every route."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from procurement import evaluation_services as services
from procurement.models import ConflictDeclaration, Proposal, ProposalAttachment
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from resilience_portal.scanning import ScanStatus
from tests.factories import (
    PDF_BYTES,
    ChallengeFactory,
    ClosedChallengeFactory,
    PanelSeatFactory,
    SubmittedProposalFactory,
    declare,
    official_of,
    score_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return ClosedChallengeFactory()


@pytest.fixture
def proposals(challenge):
    return [
        SubmittedProposalFactory(challenge=challenge, solution="Floating gardens"),
        SubmittedProposalFactory(challenge=challenge, solution="Pumped drains"),
    ]


@pytest.fixture
def seat(challenge):
    return PanelSeatFactory(challenge=challenge)


def attach(proposal):
    return ProposalAttachment.objects.create(
        proposal=proposal,
        file=ContentFile(PDF_BYTES, name="plan.pdf"),
        name="plan.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        scan_status=ScanStatus.CLEAN,
    )


def test_before_the_deadline_evaluator_sees_the_panel_but_no_proposal(client):
    open_challenge = ChallengeFactory()
    seat = PanelSeatFactory(challenge=open_challenge, is_chair=True)
    proposal = SubmittedProposalFactory(challenge=open_challenge, solution="Secret idea")
    client.force_login(seat.user)
    page = client.get(reverse("procurement:evaluation", args=[open_challenge.slug]))
    assert page.status_code == 200
    assert seat.user.full_name in page.content.decode()
    assert "Secret idea" not in page.content.decode()
    assert not Proposal.objects.visible_to(seat.user).exists()
    assert client.get(proposal.get_absolute_url()).status_code == 404
    with pytest.raises(Refused):
        services.declare_conflicts(seat, {proposal.sme_id: (False, "")}, by=seat.user)


def test_after_the_deadline_nothing_opens_until_the_evaluator_declares(client, seat, proposals):
    client.force_login(seat.user)
    assert not Proposal.objects.visible_to(seat.user).exists()
    assert client.get(proposals[0].get_absolute_url()).status_code == 404
    score_page = reverse(
        "procurement:evaluation_score", args=[seat.challenge.slug, proposals[0].pk]
    )
    assert client.get(score_page).status_code == 302


def test_declaring_opens_the_proposals_without_a_conflict(client, seat, proposals):
    client.force_login(seat.user)
    response = client.post(
        reverse("procurement:evaluation_conflicts", args=[seat.challenge.slug]),
        {
            f"conflict_{proposals[0].sme_id}": "yes",
            f"note_{proposals[0].sme_id}": "My brother owns it.",
            f"conflict_{proposals[1].sme_id}": "no",
        },
    )
    assert response.status_code == 302
    assert set(Proposal.objects.visible_to(seat.user)) == {proposals[1]}
    assert ConflictDeclaration.objects.filter(conflicted=True, sme=proposals[0].sme).exists()
    assert AuditEntry.objects.filter(action="panel.conflict_declared").count() == 1
    assert client.get(proposals[1].get_absolute_url()).status_code == 200


def test_a_conflict_needs_its_nature_and_every_bidder_needs_an_answer(client, seat, proposals):
    client.force_login(seat.user)
    url = reverse("procurement:evaluation_conflicts", args=[seat.challenge.slug])
    response = client.post(url, {f"conflict_{proposals[0].sme_id}": "yes"})
    assert response.status_code == 200
    assert not ConflictDeclaration.objects.exists()


def test_declarations_are_made_once(seat, proposals):
    answers = {p.sme_id: (False, "") for p in proposals}
    services.declare_conflicts(seat, answers, by=seat.user)
    with pytest.raises(Refused):
        services.declare_conflicts(seat, answers, by=seat.user)


def test_conflicted_evaluator_never_sees_that_proposal_by_page_attachment_or_score_sheet(
    client, seat, proposals
):
    conflicted, clear = proposals
    declare(seat, conflicts=[conflicted.sme])
    client.force_login(seat.user)
    for proposal, status in ((conflicted, 404), (clear, 200)):
        attachment = attach(proposal)
        assert client.get(proposal.get_absolute_url()).status_code == status
        download = reverse("procurement:attachment_download", args=[proposal.pk, attachment.pk])
        assert client.get(download).status_code == status
        sheet = reverse("procurement:evaluation_score", args=[seat.challenge.slug, proposal.pk])
        assert client.get(sheet).status_code == status


def test_conflicted_official_on_the_panel_loses_the_proposal_from_the_city_table(
    client, challenge, proposals
):
    official = official_of(challenge.city)
    seat = PanelSeatFactory(challenge=challenge, user=official)
    declare(seat, conflicts=[proposals[0].sme])
    client.force_login(official)
    table = client.get(reverse("procurement:proposal_table", args=[challenge.slug]))
    assert str(proposals[1].sme) in table.content.decode()
    assert str(proposals[0].sme) not in table.content.decode()
    assert client.get(proposals[0].get_absolute_url()).status_code == 404


def test_the_scoring_email_never_names_a_conflicted_sme(
    seat, proposals, mailoutbox, django_capture_on_commit_callbacks
):
    conflicted, clear = proposals
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_conflicts(
            seat,
            {conflicted.sme_id: (True, "Former employer"), clear.sme_id: (False, "")},
            by=seat.user,
        )
    (message,) = mailoutbox
    assert str(clear.sme) in message.body
    assert str(conflicted.sme) not in message.body


def test_a_conflict_on_one_challenge_does_not_hide_the_sme_elsewhere(seat, proposals):
    declare(seat, conflicts=[proposals[0].sme])
    elsewhere = ClosedChallengeFactory(city=seat.challenge.city)
    other_seat = PanelSeatFactory(challenge=elsewhere, user=seat.user)
    bid = SubmittedProposalFactory(challenge=elsewhere, sme=proposals[0].sme)
    declare(other_seat)
    assert bid in Proposal.objects.visible_to(seat.user)


def test_deadline_is_read_from_the_clock_not_the_status(seat, proposals):
    declare(seat)
    type(seat.challenge).objects.filter(pk=seat.challenge.pk).update(
        submissions_close=timezone.now() + datetime.timedelta(hours=1), status="published"
    )
    assert not Proposal.objects.visible_to(seat.user).exists()


def test_the_matrix_never_shows_a_conflicted_evaluator_that_proposal(client, seat, proposals):
    conflicted, clear = proposals
    colleague = score_all(declare(PanelSeatFactory(challenge=seat.challenge)), value=5)
    score_all(declare(seat, conflicts=[conflicted.sme]), value=7)
    client.force_login(seat.user)
    page = client.get(reverse("procurement:evaluation_matrix", args=[seat.challenge.slug]))
    assert str(clear.sme) in page.content.decode()
    assert str(conflicted.sme) not in page.content.decode()
    assert colleague.user.full_name in page.content.decode()


def test_a_seat_with_declarations_cannot_be_removed_so_no_conflict_is_undone(seat, proposals):
    official = official_of(seat.challenge.city)
    declare(seat, conflicts=[proposals[0].sme])
    with pytest.raises(Refused):
        services.remove_from_panel(seat, by=official)
    fresh = PanelSeatFactory(challenge=seat.challenge)
    services.remove_from_panel(fresh, by=official)
