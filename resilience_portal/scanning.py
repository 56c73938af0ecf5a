"""Virus scanning of every uploaded file by ClamAV's daemon (clamd), before anyone else sees it.

A file is scanned as it arrives (``resilience_portal.uploads.check_upload`` calls ``scan``): an
infected one is refused, a clean one is served, and one that arrives while the scanner is down
is kept "awaiting scan" — shown to its uploader only — until ``rescan_held`` (a beat task)
scans it. Each model that stores uploads registers its file, status and uploader fields here.
"""

import logging
from dataclasses import dataclass

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class ScanStatus(models.TextChoices):
    CLEAN = "clean", _("scanned, clean")
    AWAITING = "awaiting", _("awaiting scan")
    INFECTED = "infected", _("infected, removed")


@dataclass(frozen=True)
class Verdict:
    status: str
    signature: str = ""


class ScannerUnavailable(Exception):
    """clamd did not answer, or answered something other than a verdict."""


def status_field(verbose_name=None):
    # Unscanned unless a scan said otherwise: a row made by any other path is never served.
    return models.CharField(
        verbose_name or _("virus scan"),
        max_length=8,
        choices=ScanStatus.choices,
        default=ScanStatus.AWAITING,
    )


def _client():
    timeout = settings.CLAMD_TIMEOUT
    if settings.CLAMD_HOST:
        return ClamdNetworkSocket(
            host=settings.CLAMD_HOST, port=settings.CLAMD_PORT, timeout=timeout
        )
    return ClamdUnixSocket(path=settings.CLAMD_SOCKET, timeout=timeout)


def scan(stream):
    """The verdict on a binary file object's content (read from its start, left at its start).

    With scanning switched off (``CLAMD_ENABLED``, for ``make run`` only) every file is clean;
    with it on, a scanner that cannot answer gives an AWAITING verdict, never a clean one.
    """
    if not settings.CLAMD_ENABLED:
        return Verdict(ScanStatus.CLEAN)
    stream.seek(0)
    try:
        results = _client().instream(stream)
        status, signature = next(iter(results.values()))
    except (ClamdError, OSError, StopIteration, ValueError) as error:
        logger.warning("Virus scanner unavailable, upload held: %s", error)
        return Verdict(ScanStatus.AWAITING)
    finally:
        stream.seek(0)
    if status == "OK":
        return Verdict(ScanStatus.CLEAN)
    if status == "FOUND":
        return Verdict(ScanStatus.INFECTED, signature=signature or "")
    logger.warning("Virus scanner answered %s %s, upload held", status, signature)
    return Verdict(ScanStatus.AWAITING)


@dataclass(frozen=True)
class ScannedFile:
    model: type
    file_field: str
    status_field: str
    uploader_field: str


_REGISTRY: dict[type, ScannedFile] = {}


def register(model, *, file_field="file", status_field="scan_status", uploader_field="uploaded_by"):
    """Make ``model``'s uploads subject to ``may_download`` and ``rescan_held``."""
    _REGISTRY[model] = ScannedFile(model, file_field, status_field, uploader_field)
    return model


def scan_status(obj):
    return getattr(obj, _REGISTRY[type(obj)].status_field)


def may_download(obj, user):
    """Clean files are for everyone the object's own rule admits; a held file only for the
    person who uploaded it; an infected one for no one."""
    entry = _REGISTRY[type(obj)]
    status = getattr(obj, entry.status_field)
    if status == ScanStatus.CLEAN:
        return True
    uploader_id = getattr(obj, f"{entry.uploader_field}_id")
    return (
        status == ScanStatus.AWAITING
        and user.is_authenticated
        and uploader_id is not None
        and uploader_id == user.pk
    )


def audit_infected(form, *, target, by):
    """Record each file a form refused as infected; the refusal itself is the form's error."""
    from . import audit

    for errors in form.errors.as_data().values():
        for error in errors:
            if error.code == "infected":
                audit.record(target, "upload.infected", actor=by, **(error.params or {}))


def rescan_held():
    """Scan every held file once more; returns how many were released. Safe to run twice:
    each row changes only from AWAITING, and only if its file is still the one scanned."""
    released = 0
    for entry in _REGISTRY.values():
        held = entry.model._default_manager.filter(**{entry.status_field: ScanStatus.AWAITING})
        for obj in held.exclude(**{entry.file_field: ""}).iterator():
            outcome = _rescan(entry, obj)
            if outcome is None:
                return released  # the scanner is down again: the next run carries on
            released += outcome == ScanStatus.CLEAN
    return released


def _rescan(entry, obj):
    from . import audit

    stored = getattr(obj, entry.file_field)
    try:
        with stored.open("rb") as stream:
            verdict = scan(stream)
    except FileNotFoundError:
        logger.error("Held upload %s has no stored file", stored.name)
        return ScanStatus.AWAITING
    if verdict.status == ScanStatus.AWAITING:
        return None
    unchanged = {
        "pk": obj.pk,
        entry.status_field: ScanStatus.AWAITING,
        entry.file_field: stored.name,
    }
    updated = entry.model._default_manager.filter(**unchanged).update(
        **{entry.status_field: verdict.status}
    )
    if updated and verdict.status == ScanStatus.INFECTED:
        stored.storage.delete(stored.name)
        audit.record(
            obj,
            "upload.infected",
            actor=getattr(obj, entry.uploader_field),
            signature=verdict.signature,
            found_by="rescan",
        )
    return verdict.status
