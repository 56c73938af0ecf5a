"""A challenge's acts lock its row: staff approving while a colleague sends it back wait
for each other, and the second act sees the first one's outcome instead of a stale row."""

import threading

import pytest
from django.db import connection, transaction

from procurement import services
from procurement.models import Challenge
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import ChallengeFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approval_waits_for_a_send_back_in_flight_and_is_then_refused():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    challenge = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL, published_at=None)
    reviewer, approver = StaffFactory(), StaffFactory()
    holding, release, approved = threading.Event(), threading.Event(), threading.Event()
    outcome, errors = [], []

    def send_back():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                services.send_back_challenge(
                    challenge, by=reviewer, comments="Say how many households."
                )
                holding.set()  # the row lock is held until this transaction commits
                release.wait(10)
        except Exception as error:  # reported to the test, not swallowed
            errors.append(error)
        finally:
            holding.set()
            thread_connection.close()

    def approve():
        from django.db import connection as thread_connection

        try:
            holding.wait(10)
            services.approve_challenge(Challenge.objects.get(pk=challenge.pk), by=approver)
            outcome.append("approved")
        except Refused as refused:
            outcome.append(refused.message)
        except Exception as error:
            errors.append(error)
        finally:
            approved.set()
            thread_connection.close()

    threads = [threading.Thread(target=send_back), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    holding.wait(10)
    # While the send-back holds the row, the approval waits on the lock.
    waited = not approved.wait(1.0)
    release.set()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert waited, "the approval went ahead without waiting for the row lock"
    assert outcome and outcome != ["approved"]
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DRAFT
    actions = [entry.action for entry in trail(challenge)]
    assert actions.count("challenge.sent_back") == 1
    assert "challenge.published" not in actions


def test_without_a_rival_the_approval_goes_through(staff):
    challenge = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL, published_at=None)

    services.approve_challenge(challenge, by=staff)

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PUBLISHED
    assert challenge.published_at is not None
