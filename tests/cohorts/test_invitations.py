"""Officials invite colleagues by e-mail; the signed link adds them to the city team."""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import CityInvitation, CityMembership
from resilience_portal.refusals import Refused
from tests.factories import CityMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/cohorts/invitations/[^/\s]+/)")


@pytest.fixture
def lead(db):
    return CityMembershipFactory(role=CityMembership.Role.LEAD)


def invite(client, lead, email, mailoutbox, capture):
    client.force_login(lead.user)
    with capture(execute=True):
        client.post(
            reverse("cohorts:city_team", args=[lead.city.slug]),
            {"email": email, "role": "member"},
        )
    return LINK.search(mailoutbox[-1].body).group(1)


def test_an_invited_colleague_signs_in_and_joins_the_city(
    client, lead, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="lan@danang.gov.vn")
    link = invite(client, lead, "Lan@DaNang.gov.vn", mailoutbox, django_capture_on_commit_callbacks)
    assert mailoutbox[-1].to == ["lan@danang.gov.vn"]

    client.force_login(colleague)
    response = client.post(link)

    assert response.url == reverse("dashboard")
    assert lead.city.memberships.get(user=colleague).role == CityMembership.Role.MEMBER


def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in_or_up(
    client, lead, mailoutbox, django_capture_on_commit_callbacks
):
    link = invite(client, lead, "new@city.gov", mailoutbox, django_capture_on_commit_callbacks)
    client.logout()

    page = client.get(link).content.decode()

    assert "Sign up" in page and "?next=/cohorts/invitations/" in page
    assert client.post(link).status_code == 200
    assert lead.city.memberships.count() == 1


def test_someone_else_cannot_use_the_invitation(
    client, lead, mailoutbox, django_capture_on_commit_callbacks
):
    link = invite(client, lead, "lan@danang.gov.vn", mailoutbox, django_capture_on_commit_callbacks)
    intruder = UserFactory(email="someone@else.org")
    client.force_login(intruder)

    response = client.post(link, follow=True)

    assert "sign in with that address" in response.content.decode()
    assert not lead.city.has_official(intruder)


def test_an_invitation_works_only_once(lead):
    invitation = services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    colleague = UserFactory(email="lan@danang.gov.vn")
    services.accept_invitation(invitation, colleague)

    with pytest.raises(Refused, match="already been used"):
        services.accept_invitation(invitation, colleague)


def test_an_expired_invitation_is_refused(client, lead, monkeypatch):
    invitation = services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    fifteen_days_ago = time.time() - 15 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: fifteen_days_ago)
        link = invitation.get_absolute_url()
    client.force_login(UserFactory(email="lan@danang.gov.vn"))

    response = client.post(link)

    assert response.status_code == 404
    assert "expired" in response.content.decode()
    assert lead.city.memberships.count() == 1


def test_a_tampered_link_is_refused(client):
    response = client.get(reverse("cohorts:invitation", args=["eyJpbnZpdGF0aW9uIjoxfQ:forged"]))

    assert response.status_code == 404


def test_only_the_city_officials_can_invite(client, lead, user):
    client.force_login(user)

    response = client.post(
        reverse("cohorts:city_team", args=[lead.city.slug]), {"email": "x@y.org", "role": "lead"}
    )

    assert response.status_code == 404
    assert not CityInvitation.objects.exists()


def test_an_existing_official_is_not_invited_again(lead):
    with pytest.raises(Refused, match="already an official"):
        services.invite_colleague(city=lead.city, email=lead.user.email.upper(), by=lead.user)


def test_a_newcomer_who_signs_up_with_the_invited_address_joins_on_confirming_it(
    client, lead, mailoutbox, django_capture_on_commit_callbacks
):
    services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "lan@danang.gov.vn",
                "password1": "river-lotus-market-88",
                "password2": "river-lotus-market-88",
            },
        )
    confirm = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[-1].body).group(0)

    client.post(confirm)

    membership = lead.city.memberships.get(user__email="lan@danang.gov.vn")
    assert membership.role == CityMembership.Role.MEMBER
    assert CityInvitation.objects.get().accepted_by == membership.user


def test_confirming_another_address_joins_nothing(lead):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed

    services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    stranger = UserFactory(email="someone@else.org")

    email_confirmed.send(
        sender=EmailAddress,
        request=None,
        email_address=EmailAddress.objects.get(user=stranger),
    )

    assert not lead.city.has_official(stranger)


def test_inviting_the_same_address_twice_lists_it_once_as_waiting(client, lead):
    services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    client.force_login(lead.user)

    page = client.get(reverse("cohorts:city_team", args=[lead.city.slug])).content.decode()

    assert page.count("lan@danang.gov.vn") == 1


def test_an_expired_invitation_is_no_longer_listed_as_waiting(client, lead):
    invitation = services.invite_colleague(city=lead.city, email="lan@danang.gov.vn", by=lead.user)
    CityInvitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=15)
    )
    client.force_login(lead.user)

    page = client.get(reverse("cohorts:city_team", args=[lead.city.slug])).content.decode()

    assert "lan@danang.gov.vn" not in page
