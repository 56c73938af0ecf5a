"""Web nodes keep nothing of their own: two gunicorn nodes on the same PostgreSQL, Redis and
bucket serve one user as if they were one. Sign in on A and go on on B, upload on A and
download on B, and failed logins on both count towards one rate limit."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import global_settings
from django.db import connection

from smes.models import SMEDocument
from tests.conftest import _free_port
from tests.factories import PASSWORD, PDF_BYTES, CompleteSMEFactory, SMEMembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def start_node(port, env):
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "resilience_portal.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(url, process, *, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web node at {url} exited with {process.returncode}")
        try:
            # The first request loads the application: it may take a while on a busy machine.
            if requests.get(f"{url}/healthz", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"the web node at {url} did not answer /healthz")


@pytest.fixture
def nodes(s3_bucket, s3_endpoint):
    """Two nodes side by side, sharing the test database, a cache namespace and the bucket."""
    env = {
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "false",
        "CACHE_KEY_PREFIX": f"nodes-{uuid.uuid4().hex}",
        "OBJECT_STORAGE_BUCKET": s3_bucket.name,
        "OBJECT_STORAGE_ENDPOINT_URL": s3_endpoint,
        "OBJECT_STORAGE_REGION": "us-east-1",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    ports = [_free_port(), _free_port()]
    processes = [start_node(port, env) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            wait_for(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def visitor():
    """A browser behind the load balancer: every node sees the public host name, not its own
    port (allauth keys failed logins by site and address)."""
    browser = requests.Session()
    browser.headers["Host"] = "127.0.0.1"
    return browser


def csrf_token(browser, url):
    page = browser.get(url).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def sign_in(browser, node, email, password):
    token = csrf_token(browser, f"{node}/accounts/login/")
    return browser.post(
        f"{node}/accounts/login/",
        {"login": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )


def test_two_nodes_share_sessions_files_and_rate_limits(nodes, settings):
    # The nodes check passwords with the production hashers; the suite's quick one is not
    # among them.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    node_a, node_b = nodes
    sme = CompleteSMEFactory()
    owner = SMEMembershipFactory(sme=sme, role="owner").user
    browser = visitor()

    # Signed in on A, recognised on B.
    assert sign_in(browser, node_a, owner.email, PASSWORD).status_code == 302
    dashboard = browser.get(f"{node_b}/dashboard/", allow_redirects=False)
    assert dashboard.status_code == 200

    # Uploaded on A, downloaded on B, from the bucket.
    token = csrf_token(browser, f"{node_a}/smes/{sme.slug}/documents/")
    browser.post(
        f"{node_a}/smes/{sme.slug}/documents/",
        data={"kind": "other", "csrfmiddlewaretoken": token},
        files={"file": ("annual report.pdf", PDF_BYTES + b"% from node A\n", "application/pdf")},
    )
    uploaded = SMEDocument.objects.filter(sme=sme).order_by("-pk").first()
    download = browser.get(f"{node_b}{uploaded.get_absolute_url()}")
    assert download.status_code == 200
    assert download.content == PDF_BYTES + b"% from node A\n"

    # Five failed logins spread over both nodes stop the sixth, with the right password.
    intruder = visitor()
    for attempt in range(5):
        sign_in(intruder, (node_a, node_b)[attempt % 2], owner.email, "not-the-password")
    blocked = sign_in(intruder, node_a, owner.email, PASSWORD)
    assert blocked.status_code != 302
    assert "Too many failed login attempts" in blocked.text
