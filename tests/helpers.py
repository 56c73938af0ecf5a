"""Helpers the tests share: two requests racing for one row, the clock moved past a deadline
without waiting for it, and waiting for a real Celery worker."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from resilience_portal.refusals import Refused

# Row locks (SELECT … FOR UPDATE) are what a race test shows; SQLite has none to show.
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def race(*acts, refusals=(Refused,)):
    """Run each act in its own thread and database connection, released at the same moment,
    and return the sorted outcomes: "done" for each act that ran, "refused" for each that
    raised one of ``refusals``. Anything else an act raises fails the test."""
    barrier = threading.Barrier(len(acts))
    outcomes = []
    errors = []

    def run(act):
        try:
            barrier.wait()
            act()
            outcomes.append("done")
        except refusals:
            outcomes.append("refused")
        except Exception as error:  # reported to the test below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sorted(outcomes)


def moments_ago(**delta):
    return timezone.now() - timedelta(**delta)


def moments_ahead(**delta):
    return timezone.now() + timedelta(**delta)


def move_clock(obj, **moments):
    """Write the deadline fields ``moments`` straight to ``obj``'s row (no form, no act) and
    onto ``obj``: how a test puts an object past its deadline, or before it, at once."""
    type(obj)._default_manager.filter(pk=obj.pk).update(**moments)
    for field, value in moments.items():
        setattr(obj, field, value)
    return obj


def close_window(cohort, *, at=None):
    """The cohort's application window closed a minute ago (or at ``at``)."""
    close = at or moments_ago(minutes=1)
    return move_clock(
        cohort, applications_open=close - timedelta(days=30), applications_close=close
    )


def close_submissions(challenge, *, at=None):
    """The challenge's submission deadline passed a second ago (or at ``at``); the questions
    closed a day before it."""
    close = at or moments_ago(seconds=1)
    return move_clock(challenge, questions_close=close - timedelta(days=1), submissions_close=close)


def wait_until(condition, *, seconds=20):
    """Poll ``condition`` until it is true or ``seconds`` pass (a real worker is at work
    meanwhile); return its last value."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value
