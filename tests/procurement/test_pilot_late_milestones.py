"""A milestone is late by the clock, in the city's calendar; the beat tells the city's
officials once per late milestone, however often it runs."""

import datetime

import pytest
from django.utils import timezone

from procurement import pilot_services as services
from procurement.models import Milestone
from procurement.tasks import flag_late_milestones
from tests.factories import MilestoneFactory, PilotFactory, member_of, official_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return PilotFactory()


def _days_ago(pilot, days):
    return pilot.today() - datetime.timedelta(days=days)


def test_status_is_read_from_the_clock_without_the_beat(client, pilot):
    late = MilestoneFactory(pilot=pilot, title="Stalls built", due_on=_days_ago(pilot, 1))
    due_today = MilestoneFactory(pilot=pilot, title="Due today", due_on=pilot.today())
    done = MilestoneFactory(
        pilot=pilot, due_on=_days_ago(pilot, 5), status="done", done_on=_days_ago(pilot, 6)
    )
    today = pilot.today()
    assert late.shown_status(today)[0] == "late"
    assert due_today.shown_status(today)[0] == "planned"
    assert done.shown_status(today)[0] == "done"
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "1 milestone is late." in page
    assert late.late_flagged_at is None  # the page only read the clock


def test_the_beat_tells_the_citys_officials_once_even_when_run_twice(
    pilot, mailoutbox, django_capture_on_commit_callbacks
):
    officials = {official_of(pilot.challenge.city).email for _ in range(2)}
    member_of(pilot.sme)
    MilestoneFactory(pilot=pilot, title="Stalls built", due_on=_days_ago(pilot, 2))
    MilestoneFactory(pilot=pilot, title="Not yet due", due_on=pilot.ends_on)
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_late_milestones() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_late_milestones() == 0
    assert {m.to[0] for m in mailoutbox} == officials
    assert len(mailoutbox) == 2
    assert "Stalls built" in mailoutbox[0].subject
    assert Milestone.objects.get(title="Stalls built").late_flagged_at is not None


def test_a_milestone_claimed_by_another_run_is_not_sent_again(pilot, mailoutbox):
    official_of(pilot.challenge.city)
    milestone = MilestoneFactory(pilot=pilot, due_on=_days_ago(pilot, 2))
    # Another beat claimed the row between this run's read and its update.
    Milestone.objects.filter(pk=milestone.pk).update(late_flagged_at=timezone.now())
    assert services.flag_late_milestones() == 0
    assert mailoutbox == []


def test_done_milestones_and_completed_pilots_are_not_flagged(pilot, mailoutbox):
    official = official_of(pilot.challenge.city)
    MilestoneFactory(pilot=pilot, due_on=_days_ago(pilot, 3), status="done",
                     done_on=_days_ago(pilot, 4))  # fmt: skip
    assert services.flag_late_milestones() == 0
    MilestoneFactory(pilot=pilot, due_on=_days_ago(pilot, 3))
    services.complete_pilot(pilot, by=official)
    assert services.flag_late_milestones() == 0


def test_a_moved_milestone_that_slips_again_is_flagged_again(
    pilot, django_capture_on_commit_callbacks
):
    official = official_of(pilot.challenge.city)
    milestone = MilestoneFactory(pilot=pilot, due_on=_days_ago(pilot, 3))
    assert services.flag_late_milestones() == 1
    services.move_milestone(milestone, by=official, due_on=_days_ago(pilot, 1))
    assert services.flag_late_milestones() == 1


def test_lateness_follows_the_citys_calendar(pilot):
    city = pilot.challenge.city
    city.time_zone = "Pacific/Kiritimati"  # UTC+14: its today is ahead of UTC's
    city.save()
    MilestoneFactory(pilot=pilot, due_on=timezone.now().date())
    pilot.challenge.city = city
    now = timezone.now().replace(hour=12)
    assert services.flag_late_milestones(now=now) == 1
