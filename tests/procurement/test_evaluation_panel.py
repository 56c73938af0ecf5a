"""Journey 1: a city official appoints the panel (officials and invited outside experts)
and names its chair; an evaluator sees only the challenge they sit on."""

import re

import pytest
from django.urls import reverse

from procurement import evaluation_services as services
from procurement.models import PanelInvitation, PanelSeat
from resilience_portal.models import AuditEntry
from resilience_portal.permissions import Role, roles_of
from resilience_portal.refusals import Refused
from tests.factories import (
    ClosedChallengeFactory,
    PanelSeatFactory,
    UserFactory,
    official_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return ClosedChallengeFactory()


@pytest.fixture
def official(challenge):
    return official_of(challenge.city)


def test_official_appoints_a_colleague_who_is_told_by_email(
    client, challenge, official, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = official_of(challenge.city)
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("procurement:panel", args=[challenge.slug]),
            {"action": "appoint", "user": colleague.pk},
        )
    assert response.status_code == 302
    assert PanelSeat.objects.filter(challenge=challenge, user=colleague).exists()
    assert AuditEntry.objects.filter(action="panel.appointed").exists()
    assert [m.to for m in mailoutbox] == [[colleague.email]]


def test_someone_outside_the_city_cannot_be_appointed_from_the_team_list(challenge, official):
    with pytest.raises(Refused):
        services.appoint_official(challenge, UserFactory(), by=official)


def test_only_the_citys_officials_manage_the_panel(client, challenge):
    client.force_login(UserFactory())
    assert client.get(reverse("procurement:panel", args=[challenge.slug])).status_code == 404


def test_outside_expert_accepts_an_emailed_invitation_and_takes_a_seat(
    client, challenge, official, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("procurement:panel", args=[challenge.slug]),
            {"action": "invite", "email": "Expert@Example.org"},
        )
    invitation = PanelInvitation.objects.get()
    assert invitation.email == "expert@example.org"
    path = re.search(r"/panel-invitations/\S+/", mailoutbox[0].body).group(0)
    expert = UserFactory(email="expert@example.org")
    client.force_login(expert)
    response = client.post(path)
    assert response.status_code == 302
    assert PanelSeat.objects.filter(challenge=challenge, user=expert).exists()
    assert roles_of(expert) == {Role.EVALUATOR}


def test_an_invitation_is_refused_to_another_address_and_used_only_once(challenge, official):
    invitation = services.invite_expert(challenge, "expert@example.org", by=official)
    with pytest.raises(Refused):
        services.accept_panel_invitation(invitation, UserFactory(email="other@example.org"))
    expert = UserFactory(email="expert@example.org")
    services.accept_panel_invitation(invitation, expert)
    with pytest.raises(Refused):
        services.accept_panel_invitation(invitation, expert)


def test_a_forged_invitation_link_is_a_404(client):
    assert client.get("/panel-invitations/forged/").status_code == 404


def test_naming_a_chair_replaces_the_previous_one(challenge, official):
    first = PanelSeatFactory(challenge=challenge, is_chair=True)
    second = PanelSeatFactory(challenge=challenge)
    services.name_chair(second, by=official)
    assert list(PanelSeat.objects.filter(is_chair=True)) == [second]
    first.refresh_from_db()
    assert not first.is_chair


def test_only_an_official_names_the_chair(challenge):
    seat = PanelSeatFactory(challenge=challenge)
    with pytest.raises(Refused):
        services.name_chair(seat, by=seat.user)


def test_evaluator_sees_their_challenge_and_gets_404_on_every_other_evaluation_page(client):
    seat = PanelSeatFactory()
    other = ClosedChallengeFactory(city=seat.challenge.city)
    PanelSeatFactory(challenge=other, is_chair=True)
    client.force_login(seat.user)
    assert (
        client.get(reverse("procurement:evaluation", args=[seat.challenge.slug])).status_code == 200
    )
    for name in ("evaluation", "evaluation_conflicts", "evaluation_matrix"):
        assert client.get(reverse(f"procurement:{name}", args=[other.slug])).status_code == 404
    assert (
        client.get(reverse("procurement:evaluation_score", args=[other.slug, 1])).status_code == 404
    )
    assert client.get(reverse("procurement:panel", args=[other.slug])).status_code == 404
    for name in ("evaluation_submit", "evaluation_award", "evaluation_close"):
        assert client.post(reverse(f"procurement:{name}", args=[other.slug])).status_code == 404


def test_evaluator_dashboard_lists_their_panels(client):
    seat = PanelSeatFactory()
    client.force_login(seat.user)
    response = client.get(reverse("dashboard"))
    assert seat.challenge.title in response.content.decode()


def test_standstill_days_are_set_on_the_challenge_by_its_officials(client, challenge, official):
    client.force_login(official)
    client.post(
        reverse("procurement:panel", args=[challenge.slug]),
        {"action": "standstill", "standstill_days": 14},
    )
    challenge.refresh_from_db()
    assert challenge.standstill_days == 14
    assert challenge.standstill_days != ClosedChallengeFactory().standstill_days
