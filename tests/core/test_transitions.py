"""The core transition helper: state checked on the fresh row, saved, audited, told."""

import pytest

from cohorts.models import Cohort
from resilience_portal import audit
from resilience_portal.refusals import Refused
from resilience_portal.transitions import transition
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def test_it_moves_saves_and_audits(staff):
    cohort = CohortFactory(status=Cohort.Status.SELECTED)
    transition(
        cohort,
        to=Cohort.Status.RUNNING,
        allowed_from={Cohort.Status.SELECTED},
        action="cohort.running",
        by=staff,
        changes={"description": "Under way"},
    )
    cohort.refresh_from_db()
    assert (cohort.status, cohort.description) == (Cohort.Status.RUNNING, "Under way")
    assert [e.action for e in audit.trail(cohort)] == ["cohort.running"]


def test_it_refuses_from_another_state_on_the_fresh_row(staff):
    cohort = CohortFactory(status=Cohort.Status.SELECTED)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.CLOSED)
    with pytest.raises(Refused, match="Closed"):
        transition(
            cohort,
            to=Cohort.Status.RUNNING,
            allowed_from={Cohort.Status.SELECTED},
            action="cohort.running",
            by=staff,
        )
    assert not audit.trail(cohort).exists()


def test_the_act_may_say_in_its_own_words_why_the_state_refuses_it(staff):
    cohort = CohortFactory(status=Cohort.Status.SELECTED)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.CLOSED)
    with pytest.raises(Refused, match=r"^Only a selected cohort can start running\.$"):
        transition(
            cohort,
            to=Cohort.Status.RUNNING,
            allowed_from={Cohort.Status.SELECTED},
            refusal="Only a selected cohort can start running.",
            action="cohort.running",
            by=staff,
        )
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CLOSED
    assert not audit.trail(cohort).exists()


def test_a_failed_check_changes_nothing(staff):
    cohort = CohortFactory(status=Cohort.Status.SELECTED)

    def only_with_a_description(row):
        raise Refused("Describe the cohort first.", field="description")

    with pytest.raises(Refused) as refused:
        transition(
            cohort,
            to=Cohort.Status.RUNNING,
            allowed_from={Cohort.Status.SELECTED},
            action="cohort.running",
            by=staff,
            check=only_with_a_description,
        )
    assert refused.value.field == "description"
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.SELECTED


def test_then_runs_inside_the_act_with_the_saved_row(staff):
    cohort = CohortFactory(status=Cohort.Status.SELECTED)
    seen = []
    transition(
        cohort,
        to=Cohort.Status.RUNNING,
        allowed_from={Cohort.Status.SELECTED},
        action="cohort.running",
        by=staff,
        then=lambda row: seen.append(Cohort.objects.get(pk=row.pk).status),
    )
    assert seen == [Cohort.Status.RUNNING]
