"""SME journeys that used to dead-end: invitations across sign-up, confirmations, the directory."""

import re

import pytest
from django.urls import reverse

from smes import services as sme_services
from smes.models import SME, SMEInvitation, SMEMembership
from tests.factories import CityMembershipFactory, SMEFactory, SMEMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return SMEMembershipFactory(role=SMEMembership.Role.OWNER)


@pytest.fixture
def member(owner):
    membership = SMEMembershipFactory(sme=owner.sme, role=SMEMembership.Role.MEMBER)
    membership.user.full_name = "Budi Santoso"
    membership.user.save()
    return membership


def test_an_invitee_who_signs_up_joins_the_sme_on_confirming_the_address(
    client, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = sme_services.invite_member(owner.sme, "sari@example.org", by=owner.user)
    page = client.get(invitation.get_absolute_url()).content.decode()
    signup = re.search(r'href="(/accounts/signup/[^"]+)"', page).group(1).replace("&amp;", "&")
    form = client.get(signup).content.decode()
    assert 'value="sari@example.org"' in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup,
            {
                "email": "sari@example.org",
                "password1": "river-lotus-market-88",
                "password2": "river-lotus-market-88",
            },
        )
    confirm = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[-1].body).group(0)
    client.post(confirm)
    membership = SMEMembership.objects.get(sme=owner.sme, user__email="sari@example.org")
    assert membership.role == SMEMembership.Role.MEMBER
    assert SMEInvitation.objects.get().accepted_by == membership.user
    client.force_login(membership.user)
    assert client.get(invitation.get_absolute_url()).url == owner.sme.get_absolute_url()


def test_confirming_another_address_joins_no_sme(owner):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed

    sme_services.invite_member(owner.sme, "sari@example.org", by=owner.user)
    stranger = SMEMembershipFactory().user
    email_confirmed.send(
        sender=EmailAddress,
        request=None,
        email_address=EmailAddress.objects.get(user=stranger),
    )
    assert not owner.sme.memberships.filter(user=stranger).exists()


def test_make_owner_asks_first_naming_the_member(client, owner, member):
    client.force_login(owner.user)
    url = reverse("smes:hand_over", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    page = client.get(url).content.decode()
    assert "Make Budi Santoso the owner of" in page
    assert member.user.email in page
    member.refresh_from_db()
    assert member.role == SMEMembership.Role.MEMBER


def test_after_handing_over_the_former_owner_lands_on_the_sme_page(client, owner, member):
    client.force_login(owner.user)
    url = reverse("smes:hand_over", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == owner.sme.get_absolute_url()
    assert "Budi Santoso is now the owner" in response.content.decode()


def test_remove_asks_first_naming_the_member(client, owner, member):
    client.force_login(owner.user)
    url = reverse("smes:member_remove", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    page = client.get(url).content.decode()
    assert "Remove Budi Santoso from" in page
    assert SMEMembership.objects.filter(pk=member.pk).exists()


def test_a_member_cannot_open_the_confirmation_for_removing_the_owner(client, owner, member):
    client.force_login(member.user)
    url = reverse("smes:member_remove", kwargs={"slug": owner.sme.slug, "pk": owner.pk})
    assert client.get(url).status_code == 404


def test_the_members_page_links_to_the_confirmations_rather_than_acting(client, owner, member):
    client.force_login(owner.user)
    page = client.get(reverse("smes:members", kwargs={"slug": owner.sme.slug})).content.decode()
    hand_over = reverse("smes:hand_over", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    assert f'href="{hand_over}"' in page
    assert f'action="{hand_over}"' not in page


def test_the_directory_filters_youth_led_smes(client):
    SMEFactory(legal_name="Young Builders", youth_led=True)
    SMEFactory(legal_name="Old Hands", youth_led=False)
    client.force_login(CityMembershipFactory().user)
    response = client.get(reverse("smes:directory"), {"youth_led": "on"})
    assert [sme.legal_name for sme in response.context["page"].object_list] == ["Young Builders"]
    assert "Youth-led" in response.content.decode()


def test_the_youth_led_filter_is_not_offered_to_those_without_full_profiles(client):
    SMEFactory(legal_name="Young Builders", youth_led=True)
    SMEFactory(legal_name="Old Hands", youth_led=False)
    client.force_login(SMEMembershipFactory().user)
    response = client.get(reverse("smes:directory"), {"youth_led": "on"})
    assert "youth_led" not in response.context["form"].fields
    assert len(response.context["page"].object_list) == SME.objects.count()
