"""Two owners removing each other at the same moment still leave the SME with an owner."""

import threading

import pytest
from django.db import connection, connections

from resilience_portal.refusals import Refused
from smes import services as sme_services
from smes.models import SMEMembership
from tests.factories import SMEMembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_owners_removing_each_other_at_once_leave_one_owner():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    first = SMEMembershipFactory(role="owner")
    second = SMEMembershipFactory(sme=first.sme, role="owner")
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(actor, target):
        try:
            barrier.wait()
            sme_services.remove_member(first.sme, target, by=actor.user)
            outcomes.append("removed")
        except Refused:
            # The loser finds itself removed (no longer an owner) or the last owner.
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=remove, args=(first, second)),
        threading.Thread(target=remove, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "removed"]
    assert SMEMembership.objects.filter(sme=first.sme, role="owner").count() == 1
