"""Every stored file can live in an S3-compatible bucket: uploads land there after their checks,
leave only through the permission-checked views, and replaced or deleted files do not linger.

These run against a real S3 protocol server (``s3_endpoint`` in tests/conftest.py)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from cohorts.models import CityApplication
from resilience_portal.storage import private_storage
from smes.models import SMEDocument
from tests.factories import (
    PDF_BYTES,
    CityApplicationFactory,
    CityMembershipFactory,
    CompleteSMEFactory,
    SMEMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANSWERS = {
    "motivation": "Flood-proof markets",
    "resilience_challenges": "Tidal floods",
    "procurement_readiness": "Ready",
    "sme_ecosystem": "Lively",
    "leadership_commitment": "Mayor",
}


def letter(content=PDF_BYTES, name="signed letter.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def keys(bucket):
    return {item.key for item in bucket.objects.all()}


def upload_letter(client, application, content=PDF_BYTES):
    return client.post(
        reverse("cohorts:application_edit", args=[application.pk]),
        {**ANSWERS, "leadership_letter": letter(content), "save": ""},
    )


@pytest.fixture
def application(s3_bucket):
    return CityApplicationFactory(leadership_letter=None)


@pytest.fixture
def official(application):
    return CityMembershipFactory(city=application.city).user


def test_an_uploaded_letter_lands_in_the_bucket_under_a_name_of_the_portal(
    client, application, official, s3_bucket
):
    client.force_login(official)

    upload_letter(client, application)

    application.refresh_from_db()
    stored = application.leadership_letter.name
    assert keys(s3_bucket) == {f"private/{stored}"}
    assert "signed" not in stored and "letter.pdf" not in stored
    assert s3_bucket.Object(f"private/{stored}").get()["Body"].read() == PDF_BYTES


def test_the_official_downloads_the_letter_from_the_bucket_through_the_checked_view(
    client, application, official
):
    client.force_login(official)
    upload_letter(client, application)

    response = client.get(reverse("cohorts:application_letter", args=[application.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_another_identity_gets_a_404_for_a_letter_in_the_bucket(client, application, official):
    client.force_login(official)
    upload_letter(client, application)

    client.force_login(UserFactory())
    response = client.get(reverse("cohorts:application_letter", args=[application.pk]))

    assert response.status_code == 404


def test_the_bucket_hands_out_no_address_for_a_private_file(application, official, client):
    client.force_login(official)
    upload_letter(client, application)
    application.refresh_from_db()

    with pytest.raises(ValueError, match="not accessible via a URL"):
        private_storage().url(application.leadership_letter.name)


def test_a_refused_upload_never_reaches_the_bucket(client, application, official, s3_bucket):
    client.force_login(official)

    response = upload_letter(client, application, content=b"MZ\x90\x00 not a pdf")

    assert "not one of these kinds: PDF." in response.content.decode()
    assert keys(s3_bucket) == set()


def test_replacing_the_letter_deletes_the_old_file_from_the_bucket(
    client, application, official, s3_bucket, django_capture_on_commit_callbacks
):
    client.force_login(official)
    upload_letter(client, application)
    application.refresh_from_db()
    old = application.leadership_letter.name

    with django_capture_on_commit_callbacks(execute=True):
        upload_letter(client, application, content=PDF_BYTES + b"% second version\n")

    application.refresh_from_db()
    assert application.leadership_letter.name != old
    assert keys(s3_bucket) == {f"private/{application.leadership_letter.name}"}


def test_deleting_an_sme_document_deletes_its_file_from_the_bucket(
    client, s3_bucket, django_capture_on_commit_callbacks
):
    document = SMEDocument.objects.get(sme=CompleteSMEFactory())
    owner = SMEMembershipFactory(sme=document.sme, role="owner").user
    client.force_login(owner)
    assert keys(s3_bucket) == {f"private/{document.file.name}"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("smes:document_delete", args=[document.sme.slug, document.pk]))

    assert not SMEDocument.objects.filter(pk=document.pk).exists()
    assert keys(s3_bucket) == set()


def test_healthz_reports_the_bucket(client, s3_bucket, settings):
    assert client.get("/healthz").json()["checks"]["storage"] == "ok"

    settings.STORAGES = {
        name: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "bucket_name": "no-such"}}
        if name != "staticfiles"
        else config
        for name, config in settings.STORAGES.items()
    }
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("failing")


def referenced_keys():
    """Every file a row names, as its key in the bucket."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            prefix = "private/" if field.storage is private_storage() else "public/"
            names = model._default_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            found |= {prefix + name for name in names.values_list(field.name, flat=True)}
    return found


def test_after_the_demo_journeys_the_bucket_holds_no_file_that_no_row_names(
    client, s3_bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--allow-production", stdout=StringIO())
        # An official replaces the leadership letter; an SME owner deletes a document.
        application = CityApplication.objects.exclude(leadership_letter="").first()
        client.force_login(CityMembershipFactory(city=application.city).user)
        upload_letter(client, application, content=PDF_BYTES + b"% replaced\n")
        document = SMEDocument.objects.select_related("sme").first()
        client.force_login(SMEMembershipFactory(sme=document.sme, role="owner").user)
        client.post(reverse("smes:document_delete", args=[document.sme.slug, document.pk]))

    stored = keys(s3_bucket)
    assert stored, "the demo stores files"
    assert stored - referenced_keys() == set()
    assert referenced_keys() - stored == set()
