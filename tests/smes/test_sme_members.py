"""Owners invite colleagues by e-mail, hand ownership over and remove members; never no owner."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from resilience_portal.refusals import Refused
from smes import services as sme_services
from smes.models import SMEInvitation, SMEMembership
from tests.factories import SMEMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/smes/invitations/[^/\s]+/)")


@pytest.fixture
def owner():
    return SMEMembershipFactory(role=SMEMembership.Role.OWNER)


@pytest.fixture
def member(owner):
    return SMEMembershipFactory(sme=owner.sme, role=SMEMembership.Role.MEMBER)


def members_url(sme):
    return reverse("smes:members", kwargs={"slug": sme.slug})


def invite(client, owner, email, django_capture_on_commit_callbacks):
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(members_url(owner.sme), {"email": email})


def test_owner_invites_a_colleague_who_signs_in_and_joins(
    client, owner, mailoutbox, django_capture_on_commit_callbacks
):
    response = invite(client, owner, "Colleague@Example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["Colleague@Example.org"]
    link = LINK.search(mailoutbox[-1].body).group(1)

    client.logout()
    assert "Sign in" in client.get(link).content.decode()
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    response = client.post(link)
    assert response.status_code == 302
    membership = SMEMembership.objects.get(sme=owner.sme, user=colleague)
    assert membership.role == SMEMembership.Role.MEMBER
    # Used once only: the one who joined is shown the SME, anyone else finds nothing.
    assert client.post(link).url == owner.sme.get_absolute_url()
    client.force_login(UserFactory(email="other@example.org"))
    assert client.post(link).status_code == 404


def test_invitation_for_another_address_is_refused(client, owner):
    invitation = sme_services.invite_member(owner.sme, "right@example.org", by=owner.user)
    client.force_login(UserFactory(email="wrong@example.org"))
    client.post(invitation.get_absolute_url())
    assert not SMEMembership.objects.filter(sme=owner.sme, user__email="wrong@example.org")


def test_expired_or_forged_invitation_links_are_refused(client, owner):
    invitation = sme_services.invite_member(owner.sme, "late@example.org", by=owner.user)
    client.force_login(UserFactory(email="late@example.org"))
    forged = signing.dumps({"invitation": invitation.pk}, salt="another-purpose")
    assert client.get(reverse("smes:invitation", args=[forged])).status_code == 404
    token = invitation.token
    url = invitation.get_absolute_url()
    two_weeks_later = time.time() + timedelta(days=14, minutes=1).total_seconds()
    with mock.patch("time.time", return_value=two_weeks_later):
        assert client.get(url).status_code == 404
        with pytest.raises(Refused, match="expired"):
            SMEInvitation.from_token(token)
    assert SMEInvitation.from_token(token) == invitation


def test_member_who_is_not_an_owner_cannot_invite(client, member):
    client.force_login(member.user)
    assert client.get(members_url(member.sme)).status_code == 404
    assert client.post(members_url(member.sme), {"email": "x@example.org"}).status_code == 404
    assert not SMEInvitation.objects.exists()


def test_inviting_an_existing_member_is_refused(client, owner, member):
    client.force_login(owner.user)
    response = client.post(members_url(owner.sme), {"email": member.user.email})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()


def test_owner_hands_ownership_over_and_stays_a_member(client, owner, member):
    client.force_login(owner.user)
    url = reverse("smes:hand_over", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    assert client.post(url).status_code == 302
    owner.refresh_from_db()
    member.refresh_from_db()
    assert (owner.role, member.role) == ("member", "owner")


def test_member_cannot_take_ownership(client, owner, member):
    client.force_login(member.user)
    url = reverse("smes:hand_over", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    assert client.post(url).status_code == 404
    member.refresh_from_db()
    assert member.role == "member"


def test_owner_removes_a_member(client, owner, member):
    client.force_login(owner.user)
    url = reverse("smes:member_remove", kwargs={"slug": owner.sme.slug, "pk": member.pk})
    assert client.post(url).status_code == 302
    assert not SMEMembership.objects.filter(pk=member.pk).exists()


def test_member_cannot_remove_the_owner(client, owner, member):
    client.force_login(member.user)
    url = reverse("smes:member_remove", kwargs={"slug": owner.sme.slug, "pk": owner.pk})
    assert client.post(url).status_code == 404
    assert SMEMembership.objects.filter(pk=owner.pk).exists()


def test_member_may_leave(client, member):
    client.force_login(member.user)
    url = reverse("smes:member_remove", kwargs={"slug": member.sme.slug, "pk": member.pk})
    assert client.post(url).status_code == 302
    assert not SMEMembership.objects.filter(pk=member.pk).exists()


def test_the_last_owner_can_neither_leave_nor_be_removed(client, owner, member):
    with pytest.raises(Refused):
        sme_services.remove_member(owner.sme, owner, by=owner.user)
    client.force_login(owner.user)
    url = reverse("smes:member_remove", kwargs={"slug": owner.sme.slug, "pk": owner.pk})
    client.post(url)
    assert SMEMembership.objects.filter(pk=owner.pk, role="owner").exists()


def test_one_of_two_owners_may_leave(owner):
    second = SMEMembershipFactory(sme=owner.sme, role="owner")
    sme_services.remove_member(owner.sme, owner, by=owner.user)
    assert list(owner.sme.memberships.owners()) == [second]


def test_non_member_gets_404_on_every_member_page(client, owner, member):
    client.force_login(SMEMembershipFactory().user)
    slug = owner.sme.slug
    assert client.get(members_url(owner.sme)).status_code == 404
    for name in ("hand_over", "member_remove"):
        url = reverse(f"smes:{name}", kwargs={"slug": slug, "pk": member.pk})
        assert client.post(url).status_code == 404


def test_an_invitation_to_someone_with_an_account_is_in_their_language(
    client, owner, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="sari@example.org", language="id")
    invite(client, owner, "Sari@Example.org", django_capture_on_commit_callbacks)
    assert "Halo," in mailoutbox[-1].body


def test_each_members_buttons_say_whom_they_act_on(client, owner, member):
    member.user.full_name = "Budi Santoso"
    member.user.save()
    client.force_login(owner.user)
    page = client.get(members_url(owner.sme)).content.decode()
    assert 'Make owner<span class="visually-hidden">: Budi Santoso</span>' in page
    assert 'Remove<span class="visually-hidden">: Budi Santoso</span>' in page
