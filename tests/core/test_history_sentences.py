"""Audit histories read as translated sentences: every action code the apps record has one."""

import ast
import datetime
import pathlib
import re
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from procurement.models import Challenge
from resilience_portal import audit, history
from resilience_portal.models import AuditEntry
from smes import services as sme_services
from smes.models import SMEMembership
from tests.factories import (
    ChallengeFactory,
    SMEFactory,
    SMEMembershipFactory,
    StaffFactory,
    UserFactory,
    official_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
SOURCES = ["resilience_portal", "cohorts", "smes", "procurement", "mentorship", "casestudies"]


def recorded_action_codes():
    """Every action code in the source: ``audit.record(target, "code")`` and ``action="code"``
    (transitions and the helpers that pass one on); an f-string would hide a code, so it fails."""
    codes, hidden = set(), []
    for source in SOURCES:
        for path in pathlib.Path(settings.BASE_DIR, source).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                values = [keyword.value for keyword in node.keywords if keyword.arg == "action"]
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name == "record" and len(node.args) >= 2:
                    values.append(node.args[1])
                for value in values:
                    if isinstance(value, ast.JoinedStr):
                        hidden.append(f"{path}:{node.lineno}")
                    codes.update(
                        sub.value
                        for sub in ast.walk(value)
                        if isinstance(sub, ast.Constant)
                        and isinstance(sub.value, str)
                        and CODE.match(sub.value)
                    )
    return codes, hidden


def test_the_walk_finds_the_codes_of_every_app():
    codes, hidden = recorded_action_codes()
    assert hidden == []
    assert {"challenge.attachment_added", "sme.verified", "newsletter.issue_sent"} <= codes
    assert {"session.registered", "application.withdrawn", "milestone.done"} <= codes
    assert len(codes) > 100


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_recorded_action_code_reads_as_a_sentence(language):
    codes, _hidden = recorded_action_codes()
    actor = UserFactory(full_name="Siti Rahma")
    target = ContentType.objects.get_for_model(AuditEntry)
    missing, raw = sorted(codes - set(history.SENTENCES)), []
    with translation.override(language):
        for code in sorted(codes):
            entry = AuditEntry(
                action=code, actor=actor, content_type=target, object_id="1", details={}
            )
            entry.created_at = timezone.now()
            text = history.sentence(entry)
            if code in text or "%(" in text or "Siti Rahma" not in text:
                raw.append((code, text))
    assert missing == []
    assert raw == []


def test_the_attachment_sentence_names_who_what_and_when_in_the_viewers_zone():
    actor = UserFactory(full_name="Siti")
    challenge = ChallengeFactory()
    entry = audit.record(challenge, "challenge.attachment_added", actor=actor, name="Site plan.pdf")
    entry.created_at = datetime.datetime(2026, 12, 3, 7, 2, tzinfo=datetime.UTC)
    assert history.sentence(entry, zone=zoneinfo.ZoneInfo("Asia/Jakarta")) == (
        "Siti added the attachment Site plan.pdf, 3 Dec 2026, 14:02 WIB"
    )


def test_an_act_of_the_clock_is_the_portals():
    challenge = ChallengeFactory()
    entry = audit.record(challenge, "challenge.closed")
    assert history.sentence(entry, with_time=False) == (
        "The portal closed the challenge at its deadline"
    )


def test_the_challenge_history_shows_sentences_not_codes(client):
    challenge = ChallengeFactory(status=Challenge.Status.DRAFT)
    official = official_of(challenge.city, user=UserFactory(full_name="Siti"))
    client.force_login(official)
    client.post(
        reverse("procurement:challenge_attachment_upload", args=[challenge.slug]),
        {"file": pdf_upload("Siteplan.pdf")},
    )
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Siti added the attachment Siteplan.pdf" in page
    assert "challenge.attachment_added" not in page


def test_staff_see_an_smes_earlier_decisions_and_hand_overs_on_its_page(client):
    owner = SMEMembershipFactory(role=SMEMembership.Role.OWNER)
    sme = owner.sme
    member = SMEMembershipFactory(sme=sme, role=SMEMembership.Role.MEMBER)
    member.user.full_name = "Budi"
    member.user.save()
    staff = StaffFactory(full_name="Dewi")
    audit.record(sme, "sme.rejected", actor=staff, message="The certificate is unreadable.")
    sme_services.hand_over_ownership(sme, to=member, by=owner.user)
    client.force_login(staff)
    page = client.get(sme.get_absolute_url()).content.decode()
    assert "Dewi did not verify the SME" in page
    assert "The certificate is unreadable." in page
    assert f"handed ownership over to {member.user.email}" in page


def test_members_do_not_see_the_staff_history(client):
    owner = SMEMembershipFactory(role=SMEMembership.Role.OWNER)
    audit.record(owner.sme, "sme.rejected", actor=StaffFactory(), message="Unreadable.")
    client.force_login(owner.user)
    assert "data-sme-history" not in client.get(owner.sme.get_absolute_url()).content.decode()


def test_an_sme_without_history_shows_none(client):
    client.force_login(StaffFactory())
    assert "data-sme-history" not in client.get(SMEFactory().get_absolute_url()).content.decode()
