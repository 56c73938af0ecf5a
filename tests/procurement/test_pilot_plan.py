"""Journey 6: the city's officials plan the pilot (milestones, KPIs, payments); the SME and
everyone else cannot."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import pilot_services as services
from procurement.models import KPI, Milestone, Payment
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import MilestoneFactory, PilotFactory, UserFactory, member_of, official_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return PilotFactory()


def _plan(client, pilot, action, **fields):
    return client.post(
        reverse("procurement:pilot_manage", args=[pilot.challenge.slug]),
        {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}},
    )


def test_an_official_adds_a_milestone_a_kpi_and_a_payment(client, pilot):
    client.force_login(official_of(pilot.challenge.city))
    _plan(client, pilot, "milestone", title="Stalls built", due_on="2027-01-15")
    _plan(client, pilot, "kpi", indicator="households_protected", baseline="0", target="150")
    _plan(client, pilot, "payment", paid_on="2026-12-01", amount="50000", description="First")
    assert Milestone.objects.get().title == "Stalls built"
    kpi = KPI.objects.get()
    assert (str(kpi.name), kpi.unit) == ("Households protected from flooding", "households")
    assert Payment.objects.get().amount == Decimal("50000")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"milestone.added", "kpi.added", "pilot.payment_recorded"} <= actions


def test_the_smes_member_and_a_stranger_get_a_404_on_the_plan(client, pilot):
    for user in (member_of(pilot.sme), UserFactory()):
        client.force_login(user)
        assert _plan(client, pilot, "milestone", title="X", due_on="2027-01-15").status_code == 404
    assert not Milestone.objects.exists()


def test_an_other_kpi_needs_its_name_and_a_named_one_is_added(client, pilot):
    client.force_login(official_of(pilot.challenge.city))
    response = _plan(
        client, pilot, "kpi", indicator="other", unit="stalls", baseline="0", target="40"
    )
    assert "Name the indicator" in response.content.decode()
    _plan(client, pilot, "kpi", indicator="other", custom_name="Raised stalls", unit="stalls",
          baseline="0", target="40")  # fmt: skip
    assert str(KPI.objects.get().name) == "Raised stalls"


def test_a_target_equal_to_the_baseline_is_refused_and_a_lower_target_is_allowed(pilot):
    official = official_of(pilot.challenge.city)
    with pytest.raises(Refused):
        services.add_kpi(pilot, by=official, indicator="co2e_avoided", unit="",
                         baseline=Decimal("5"), target=Decimal("5"))  # fmt: skip
    # Some KPIs aim down (flooded households, emissions): a target below the baseline is fine.
    kpi = services.add_kpi(pilot, by=official, indicator="co2e_avoided", unit="",
                           baseline=Decimal("10"), target=Decimal("4"))  # fmt: skip
    assert kpi.progress(Decimal("7")) == Decimal("0.5")


def test_moving_a_milestone_is_audited_and_done_ones_keep_their_dates(pilot):
    official = official_of(pilot.challenge.city)
    open_one = MilestoneFactory(pilot=pilot)
    done = MilestoneFactory(pilot=pilot, status="done", done_on=pilot.today())
    services.move_milestone(open_one, by=official, due_on=pilot.ends_on)
    with pytest.raises(Refused):
        services.move_milestone(done, by=official, due_on=pilot.ends_on)
    assert AuditEntry.objects.filter(action="milestone.moved").count() == 1


def test_the_services_refuse_the_smes_member_what_they_allow_the_official(pilot):
    member, official = member_of(pilot.sme), official_of(pilot.challenge.city)
    acts = [
        lambda by: services.add_milestone(pilot, by=by, title="Stalls", due_on=pilot.ends_on),
        lambda by: services.add_kpi(
            pilot,
            by=by,
            indicator="jobs_created",
            unit="",
            baseline=Decimal("0"),
            target=Decimal("9"),
        ),
        lambda by: services.record_payment(
            pilot, by=by, paid_on=pilot.starts_on, amount=Decimal("10")
        ),
        lambda by: services.complete_pilot(pilot, by=by),
    ]
    for act in acts:
        with pytest.raises(Refused):
            act(member)
        act(official)
    assert AuditEntry.objects.filter(actor=member).count() == 0
    assert AuditEntry.objects.filter(actor=official).count() == 4
