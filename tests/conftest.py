"""Fixtures shared by the whole suite."""

import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
from smes.models import Sector
from smes.sectors import SectorCode
from tests.factories import PASSWORD, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test gets fresh rate-limit counters without flushing the shared Redis."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """At the end, close the connections to the test database that the run left open, so it
    can be dropped: ORM calls made while Playwright's event loop runs in the thread are given
    a connection of their own, which nothing closes."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Production's PBKDF2 costs about a second of CPU per password on these machines; every
    user a test (or the demo) creates would pay it. Tests that count hashing set their own."""
    settings.PASSWORD_HASHERS = QUICK_PASSWORD_HASHERS


QUICK_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files of a test land in its own folders, never in the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _rows_from_data_migrations(request):
    """Transactional tests flush every table, data-migration rows included: put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("live_server", "transactional_db")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    put_back_data_migration_rows()


def put_back_data_migration_rows():
    """The staff group and the sectors, which data migrations made and a flush took away."""
    Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    for code, _label in SectorCode.CHOICES:
        Sector.objects.get_or_create(code=code)


# --- Virus scanning: a real clamd with a signature database of our own --------------------------

# The EICAR test file: harmless, and recognised as a "virus" by every scanner by convention.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """Start clamd once per run on a unix socket in a temporary folder. No signatures can be
    downloaded here, so its database is one signature we write: EICAR, anywhere in a file."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin")
    if binary is None:
        pytest.fail("clamd is not installed: run `make test`, which installs clamav-daemon.")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {path}\nDatabaseDirectory {folder / 'db'}\nTemporaryDirectory {folder}\n"
        f"LogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\nForeground yes\n"
    )
    process = subprocess.Popen(
        [binary, f"--config-file={config}"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(path))
                probe.sendall(b"zPING\0")
                if probe.recv(16).startswith(b"PONG"):
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not start:\n{log}")
        time.sleep(0.2)
    yield str(path)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def clamd(settings, clamd_socket):
    """Scanning on, against the running clamd."""
    settings.CLAMD_ENABLED = True
    settings.CLAMD_HOST = ""
    settings.CLAMD_SOCKET = clamd_socket
    settings.CLAMD_TIMEOUT = 10.0
    return clamd_socket


@pytest.fixture
def clamd_down(settings, tmp_path):
    """Scanning on, with the scanner unreachable (a socket no daemon listens on)."""
    settings.CLAMD_ENABLED = True
    settings.CLAMD_HOST = ""
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    settings.CLAMD_TIMEOUT = 1.0


# --- A real Celery worker on the real Redis broker -----------------------------------------------


@pytest.fixture
def celery_worker_queue(settings):
    """A Celery worker (in this process) on a queue of this test's own, so parallel runs cannot
    take its messages; every task sent during the test goes there instead of running eagerly."""
    from celery.contrib.testing.worker import start_worker

    from resilience_portal.celery import app

    name = f"test-{uuid.uuid4().hex}"
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[name]):
            yield name
    finally:
        app.conf.task_default_queue = "celery"
        app.conf.task_always_eager = True


# --- Object storage: moto's standalone S3 server on 127.0.0.1 ----------------------------------


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """An S3-compatible server for the run (moto's server mode speaks the S3 protocol over
    HTTP, as MinIO or AWS do); stopped when the run ends."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=output,
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"moto_server did not start:\n{log.read_text()}")
            time.sleep(0.2)
    try:
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def s3_bucket(settings, s3_endpoint):
    """Every stored file of the test goes to a fresh bucket of its own on the S3 server; the
    value is a boto3 bucket to look inside it."""
    import boto3

    from resilience_portal.settings import s3_stores

    name = f"test-{uuid.uuid4().hex[:20]}"
    bucket = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="tests-only",
        aws_secret_access_key="tests-only",
    ).Bucket(name)
    bucket.create()
    settings.STORAGES = {
        **s3_stores(bucket=name, endpoint_url=s3_endpoint, region="us-east-1"),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    return bucket


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Thai leaves Thai active in the
    thread, and messages raised outside a request afterwards would read in Thai."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
