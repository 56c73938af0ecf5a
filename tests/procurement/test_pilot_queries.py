"""The public pilot page runs a fixed number of queries whatever the number of proposals,
challenges, updates, readings and milestones."""

import datetime
from decimal import Decimal

import pytest

from procurement import pilot_services as services
from tests.factories import (
    ChallengeFactory,
    KPIFactory,
    MilestoneFactory,
    PilotFactory,
    SubmittedProposalFactory,
    member_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def _grow(pilot, member, *, updates, kpis):
    new = [KPIFactory(pilot=pilot, target=Decimal(40)) for _ in range(kpis)]
    for index in range(updates):
        upload = pdf_upload()
        from resilience_portal.uploads import check_upload

        upload.checked = check_upload(upload)
        services.post_progress_update(
            pilot,
            by=member,
            reported_on=pilot.starts_on + datetime.timedelta(days=index),
            text=f"Week {index}",
            readings={kpi.pk: Decimal(index) for kpi in pilot.kpis.all()},
            evidence=[upload],
        )
        MilestoneFactory(pilot=pilot)
        SubmittedProposalFactory(challenge=pilot.challenge)
        ChallengeFactory(city=pilot.challenge.city)
    return new


def _count(client, pilot, django_assert_max_num_queries):
    with django_assert_max_num_queries(14) as captured:
        response = client.get(pilot.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def test_the_pilot_page_costs_the_same_at_two_sizes(client, django_assert_max_num_queries):
    pilot = PilotFactory()
    member = member_of(pilot.sme)
    client.force_login(member)
    _grow(pilot, member, updates=1, kpis=1)
    small = _count(client, pilot, django_assert_max_num_queries)
    _grow(pilot, member, updates=6, kpis=3)
    large = _count(client, pilot, django_assert_max_num_queries)
    assert large == small
