"""A GET never writes: every page of the demo programme, read by each demo identity and by
an anonymous visitor, runs without one INSERT, UPDATE or DELETE (the session aside).

The rule lets a read-only replica serve every page, and it keeps the clock's decisions
where they are read (``Challenge.status_now()``) instead of recorded by whoever looks first.
The walk reuses the route table of the private-responses walk, so a new route needs its
demo parameters in one place only.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from procurement.models import Challenge
from resilience_portal import demo
from resilience_portal.models import User
from tests.core.test_private_responses import (
    EXTRA_PATHS,
    portal_routes,
    route_parameters,
)

pytestmark = pytest.mark.django_db

WRITING = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Signing in and keeping a session are writes a GET may make.
ALLOWED = re.compile(r'"django_session"|SET "last_login"', re.IGNORECASE)


class WriteDuringGet(AssertionError):
    pass


def _refuse_writes(execute, sql, params, many, context):
    if WRITING.match(sql) and not ALLOWED.search(sql):
        raise WriteDuringGet(sql)
    return execute(sql, params, many, context)


@pytest.fixture
def demo_programme(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    # The beat is down: one demo challenge passed its deadline and nothing recorded the close.
    Challenge.objects.filter(slug="banjir-kanal-barat-clean").update(
        status=Challenge.Status.PUBLISHED, closed_at=None
    )


def demo_urls():
    parameters = route_parameters()
    urls = list(EXTRA_PATHS)
    for name, takes in portal_routes():
        urls += [reverse(name, kwargs=kwargs) for kwargs in (parameters[name] if takes else [{}])]
    return urls


def identities():
    yield "anonymous", Client()
    for user in User.objects.filter(email__in=[email for email, _note in demo.logins]):
        client = Client()
        client.force_login(user)
        yield user.email, client


def test_no_page_of_the_demo_writes_to_the_database_for_anyone(demo_programme):
    urls = demo_urls()
    writes, opened = [], 0
    for who, client in identities():
        for url in urls:
            with connection.execute_wrapper(_refuse_writes):
                try:
                    response = client.get(url)
                except WriteDuringGet as write:
                    writes.append((who, url, str(write)[:120]))
                    continue
            opened += response.status_code == 200

    assert not writes, "\n".join(map(str, writes))
    assert opened > len(urls)  # the walk read pages, not only refusals and redirects


def test_a_deadline_the_beat_has_not_recorded_reads_as_closed_and_stays_unrecorded(
    demo_programme, client
):
    canal = Challenge.objects.get(slug="banjir-kanal-barat-clean")

    with connection.execute_wrapper(_refuse_writes):
        page = client.get(canal.get_absolute_url())
        listing = client.get(reverse("procurement:challenge_list") + "?status=closed")

    assert canal.title in listing.content.decode()
    assert "Closed" in page.content.decode()
    canal.refresh_from_db()
    assert canal.status == Challenge.Status.PUBLISHED
    assert canal.closed_at is None


def test_the_write_guard_catches_a_write(demo_programme):
    with connection.execute_wrapper(_refuse_writes), pytest.raises(WriteDuringGet):
        Challenge.objects.filter(slug="banjir-kanal-barat-clean").update(title="Changed")
