"""`make backup` and `make restore`: the database and every stored file, from the bucket into a
folder and back into a scratch database and an empty bucket, where the rows find their files."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import boto3
import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from smes.models import SMEDocument
from tests.factories import CompleteSMEFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def server_url(database):
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{database}"
    )


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_backup_restores_into_a_scratch_database_and_an_empty_bucket(
    s3_bucket, s3_endpoint, scratch_database, tmp_path
):
    document = SMEDocument.objects.get(sme=CompleteSMEFactory())
    content = document.file.read()
    folder = tmp_path / "backup"

    call_command("backup", str(folder), stdout=StringIO())

    assert (folder / "database.dump").stat().st_size > 0
    assert (folder / "files" / "private" / document.file.name).read_bytes() == content
    empty = boto3.resource("s3", endpoint_url=s3_endpoint, region_name="us-east-1").Bucket(
        f"restore-{uuid.uuid4().hex[:12]}"
    )
    empty.create()
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": server_url(scratch_database),
            "OBJECT_STORAGE_BUCKET": empty.name,
            "OBJECT_STORAGE_ENDPOINT_URL": s3_endpoint,
            "OBJECT_STORAGE_REGION": "us-east-1",
            "PYTHONWARNINGS": "ignore",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr

    with psycopg2.connect(server_url(scratch_database)) as scratch, scratch.cursor() as cursor:
        cursor.execute(
            f"SELECT file FROM {SMEDocument._meta.db_table} WHERE id = %s", [document.pk]
        )
        (name,) = cursor.fetchone()
    assert name == document.file.name
    assert empty.Object(f"private/{name}").get()["Body"].read() == content
