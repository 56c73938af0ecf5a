"""A database from before the SME registry had its own app migrates forward with every row kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from procurement.models import Challenge, Clarification, Proposal
from resilience_portal import audit
from smes.models import SME, SMEDocument, SMEInvitation, SMEMembership

BEFORE_MOVE = ("procurement", "0007_amendment_notice_and_proposal_confirmation")


def _executor():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _before_the_move(graph, node):
    """The latest migration of ``node``'s app that needs nothing of the move: later ones (a
    relation to pilots, permissions for every app) came after the SME registry had moved."""
    before = set(graph.forwards_plan(BEFORE_MOVE))
    while True:
        needs = graph.forwards_plan(node)
        if not any(step[0] in {"procurement", "smes"} and step not in before for step in needs):
            return node
        [node] = [parent.key for parent in graph.node_map[node].parents if parent.key[0] == node[0]]


@pytest.mark.django_db(transaction=True)
def test_smes_documents_members_and_proposals_survive_the_move():
    assert connection.vendor == "postgresql"
    executor = _executor()
    executor.migrate([BEFORE_MOVE, ("smes", None)])
    untouched = [
        _before_the_move(executor.loader.graph, node)
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in {"procurement", "smes"}
    ]
    old = executor.loader.project_state([BEFORE_MOVE, *untouched]).apps
    assert "smes" not in {model._meta.app_label for model in old.get_models()}
    User = old.get_model("resilience_portal", "User")
    City = old.get_model("cohorts", "City")
    Cohort = old.get_model("cohorts", "Cohort")
    OldSME = old.get_model("procurement", "SME")
    Sector = old.get_model("procurement", "Sector")
    OldContentType = old.get_model("contenttypes", "ContentType")
    owner = User.objects.create(email="owner@banjir.example")
    city = City.objects.create(name="Semarang", slug="semarang", country="ID")
    cohort = Cohort.objects.create(name="2026", slug="cohort-2026", year=2026)
    water, _created = Sector.objects.get_or_create(code="water")
    sme = OldSME.objects.create(
        legal_name="PT Banjir Cerdas",
        slug="banjir-cerdas",
        registration_number="AHU-0012",
        registration_key="AHU0012",
        country="ID",
        city=city,
        verification="verified",
    )
    sme.sectors.add(water)
    old.get_model("procurement", "SMEMembership").objects.create(sme=sme, user=owner, role="owner")
    old.get_model("procurement", "SMEDocument").objects.create(
        sme=sme,
        kind="registration",
        file="sme-documents/1/certificate.pdf",
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=owner,
    )
    old.get_model("procurement", "SMEInvitation").objects.create(
        sme=sme, email="colleague@banjir.example", invited_by=owner
    )
    now = timezone.now()
    challenge = old.get_model("procurement", "Challenge").objects.create(
        city=city,
        cohort=cohort,
        title="Flood-ready markets",
        slug="flood-ready-markets",
        problem_statement="Markets flood.",
        desired_outcomes="Trade goes on.",
        budget_min=Decimal("1000"),
        budget_max=Decimal("5000"),
        currency="IDR",
        questions_close=now + timedelta(days=10),
        submissions_close=now + timedelta(days=20),
        award_expected=now + timedelta(days=40),
        status="published",
    )
    challenge.sectors.add(water)
    old.get_model("procurement", "Proposal").objects.create(
        challenge=challenge, sme=sme, solution="Raised stalls.", price=Decimal("4000")
    )
    old.get_model("procurement", "Clarification").objects.create(
        challenge=challenge, sme=sme, asked_by=owner, question="Which markets?"
    )
    # The audit trail names the SME by its content type, created as before the move.
    sme_type, _created = OldContentType.objects.get_or_create(app_label="procurement", model="sme")
    old.get_model("resilience_portal", "AuditEntry").objects.create(
        action="sme.verified", content_type_id=sme_type.pk, object_id=str(sme.pk)
    )

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = SME.objects.get(slug="banjir-cerdas")
    assert moved.pk == sme.pk
    assert moved.is_verified
    assert [sector.code for sector in moved.sectors.all()] == ["water"]
    assert SMEMembership.objects.get(sme=moved).user.email == "owner@banjir.example"
    assert SMEDocument.objects.get(sme=moved).original_name == "certificate.pdf"
    assert SMEInvitation.objects.get(sme=moved).email == "colleague@banjir.example"
    proposal = Proposal.objects.get(sme=moved)
    assert proposal.challenge.slug == "flood-ready-markets"
    assert moved.proposals.get() == proposal
    assert Clarification.objects.get(challenge=proposal.challenge).sme == moved
    assert [sector.code for sector in Challenge.objects.get().sectors.all()] == ["water"]
    assert [entry.action for entry in audit.trail(moved)] == ["sme.verified"]
    assert ContentType.objects.get_for_model(SME).app_label == "smes"
