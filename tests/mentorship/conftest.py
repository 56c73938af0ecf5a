"""Fixtures for the mentorship tests."""

import functools

import pytest


@pytest.fixture
def sent_after_commit(django_capture_on_commit_callbacks):
    """``with sent_after_commit(): act()`` sends the e-mail the act queued for after commit."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)
