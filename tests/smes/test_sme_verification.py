"""Members ask for verification of a complete profile; only staff verify or reject, with a reason."""

import pytest
from django.urls import reverse

from resilience_portal import audit
from resilience_portal.refusals import Refused
from smes import services as sme_services
from smes.models import SME
from tests.factories import (
    CityMembershipFactory,
    CompleteSMEFactory,
    SMEFactory,
    SMEMembershipFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
QUEUE = reverse("smes:verification_queue")


@pytest.fixture
def pending():
    sme = CompleteSMEFactory(verification=SME.Verification.PENDING)
    SMEMembershipFactory(sme=sme, user__email="owner@example.org")
    return sme


def decide(client, sme, decision, reason="", capture=None):
    url = reverse("smes:decide", kwargs={"slug": sme.slug})
    with capture(execute=True):
        return client.post(url, {"decision": decision, "reason": reason})


def test_member_asks_for_verification_of_a_complete_profile(client):
    membership = SMEMembershipFactory(sme=CompleteSMEFactory(), role="member")
    client.force_login(membership.user)
    url = reverse("smes:request_verification", kwargs={"slug": membership.sme.slug})
    assert client.post(url).status_code == 302
    membership.sme.refresh_from_db()
    assert membership.sme.verification == SME.Verification.PENDING


def test_incomplete_profile_cannot_ask_for_verification_and_shows_what_is_missing(client):
    membership = SMEMembershipFactory(sme__capabilities="")
    client.force_login(membership.user)
    page = client.get(membership.sme.get_absolute_url()).content.decode()
    assert "Business registration certificate" in page
    assert "Year founded" in page
    url = reverse("smes:request_verification", kwargs={"slug": membership.sme.slug})
    client.post(url)
    membership.sme.refresh_from_db()
    assert membership.sme.verification == SME.Verification.UNVERIFIED
    with pytest.raises(Refused):
        sme_services.request_verification(membership.sme, by=membership.user)


def test_non_member_cannot_ask_for_verification(client):
    sme = CompleteSMEFactory()
    client.force_login(SMEMembershipFactory().user)
    url = reverse("smes:request_verification", kwargs={"slug": sme.slug})
    assert client.post(url).status_code == 404


def test_staff_see_the_queue_of_pending_smes_only(client, pending):
    CompleteSMEFactory(legal_name="Verified Already Ltd", verification=SME.Verification.VERIFIED)
    client.force_login(StaffFactory())
    page = client.get(QUEUE).content.decode()
    assert pending.legal_name in page
    assert "Verified Already Ltd" not in page
    assert pending.documents.get().get_absolute_url() in page


@pytest.mark.parametrize("who", ["sme_member", "city_official"])
def test_queue_is_for_staff_only(client, pending, who):
    user = (SMEMembershipFactory() if who == "sme_member" else CityMembershipFactory()).user
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403


def test_staff_verify_and_the_sme_is_told_and_the_badge_shows(
    client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    client.force_login(staff)
    response = decide(client, pending, "verify", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_verified
    entry = audit.trail(pending).first()
    assert (entry.action, entry.actor) == ("sme.verified", staff)
    assert mailoutbox[-1].to == ["owner@example.org"]
    assert "is verified" in mailoutbox[-1].subject
    assert "✓ Verified" in client.get(pending.get_absolute_url()).content.decode()


def test_staff_reject_with_a_reason_the_sme_receives(
    client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory())
    decide(
        client,
        pending,
        "reject",
        reason="The certificate is unreadable.",
        capture=django_capture_on_commit_callbacks,
    )
    pending.refresh_from_db()
    assert pending.verification == SME.Verification.REJECTED
    assert audit.trail(pending).first().message == "The certificate is unreadable."
    assert "The certificate is unreadable." in mailoutbox[-1].body


def test_the_decision_mail_has_an_html_part_with_the_reason_escaped(
    client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory())
    reason = "The scan <b>is</b> blurry."
    decide(client, pending, "reject", reason=reason, capture=django_capture_on_commit_callbacks)
    html, mimetype = mailoutbox[-1].alternatives[0]
    assert mimetype == "text/html"
    assert "The scan &lt;b&gt;is&lt;/b&gt; blurry." in html
    assert pending.get_absolute_url() in html
    assert reason in mailoutbox[-1].body


def test_rejection_without_a_reason_is_refused(client, pending, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    decide(client, pending, "reject", capture=django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.verification == SME.Verification.PENDING
    with pytest.raises(Refused):
        sme_services.reject_sme(pending, by=StaffFactory(), reason="  ")


@pytest.mark.parametrize("who", ["own_member", "city_official"])
def test_only_staff_verify(client, pending, who, django_capture_on_commit_callbacks):
    user = (
        SMEMembershipFactory(sme=pending) if who == "own_member" else CityMembershipFactory()
    ).user
    client.force_login(user)
    response = decide(client, pending, "verify", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 403
    with pytest.raises(Refused):
        sme_services.verify_sme(pending, by=user)
    pending.refresh_from_db()
    assert pending.verification == SME.Verification.PENDING


def test_an_sme_not_pending_cannot_be_decided():
    sme = SMEFactory()
    with pytest.raises(Refused):
        sme_services.verify_sme(sme, by=StaffFactory())


def test_a_rejected_sme_may_ask_again(pending):
    staff = StaffFactory()
    sme_services.reject_sme(pending, by=staff, reason="Blurry scan")
    sme_services.request_verification(pending, by=pending.memberships.get().user)
    assert pending.verification == SME.Verification.PENDING
    actions = [entry.action for entry in audit.trail(pending)]
    assert actions[:2] == ["sme.verification_requested", "sme.rejected"]


def test_each_member_is_told_of_the_decision_in_their_own_language(
    client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    SMEMembershipFactory(sme=pending, user__email="sari@example.org", user__language="id")
    client.force_login(StaffFactory(language="en"))
    decide(client, pending, "verify", capture=django_capture_on_commit_callbacks)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"owner@example.org", "sari@example.org"}
    assert "Portal Ketahanan Kota" in by_address["sari@example.org"].body
    assert "Resilience Portal" in by_address["owner@example.org"].body


def test_a_second_decision_from_a_page_loaded_before_the_first_is_refused(pending):
    first_staff, second_staff = StaffFactory(), StaffFactory()
    stale = SME.objects.get(pk=pending.pk)
    sme_services.verify_sme(pending, by=first_staff)
    with pytest.raises(Refused):
        sme_services.reject_sme(stale, by=second_staff, reason="Blurry scan")
    pending.refresh_from_db()
    assert pending.is_verified
    assert [entry.action for entry in audit.trail(pending)].count("sme.rejected") == 0


def test_asking_twice_from_the_same_page_records_one_request():
    sme = CompleteSMEFactory()
    member = SMEMembershipFactory(sme=sme).user
    stale = SME.objects.get(pk=sme.pk)
    sme_services.request_verification(sme, by=member)
    with pytest.raises(Refused):
        sme_services.request_verification(stale, by=member)
    actions = [entry.action for entry in audit.trail(sme)]
    assert actions.count("sme.verification_requested") == 1


def test_a_decision_refused_for_a_missing_choice_keeps_the_reason_typed(
    client, pending, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory())
    url = reverse("smes:decide", kwargs={"slug": pending.slug})
    response = client.post(url, {"reason": "The stamp on the certificate is unreadable."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The stamp on the certificate is unreadable." in page
    assert "This field is required." in page
    pending.refresh_from_db()
    assert pending.verification == SME.Verification.PENDING
