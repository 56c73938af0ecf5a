"""Where stored files live: the local disk for a single machine, an S3-compatible bucket for many.

``STORAGES`` (settings) names two stores: ``default`` for files anyone may see (case-study
images and PDFs, challenge attachments) and ``private`` for files for limited eyes (letters,
SME documents, proposals). Neither has a public URL of its own: private files leave only
through permission-checked views, public images through ``/media/`` (served by the portal).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage


class PrivateFileSystemStorage(FileSystemStorage):
    """Private files on the local disk, outside MEDIA_ROOT and without a URL; the location is
    read from settings on every use, so tests and deployments can move it."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


class PrivateS3Storage(S3Storage):
    """Private files in the bucket: never readable without credentials, and no URL is handed
    out; views stream them after their permission check."""

    default_acl = None
    querystring_auth = True

    def url(self, name, parameters=None, expire=None, http_method=None):
        # As the disk's private store answers: the admin and templates already expect this.
        raise ValueError("This file is not accessible via a URL.")


class PublicS3Storage(S3Storage):
    """Public files in the same (private) bucket, under their own prefix; their URLs are the
    portal's own ``/media/`` addresses, so pages need no second origin in their CSP."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return FileSystemStorage(base_url=settings.MEDIA_URL).url(name)


class _PrivateStore(LazyObject):
    """The ``private`` store, looked up again whenever ``STORAGES`` changes (tests switch
    between the disk and the bucket)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStore()


@receiver(setting_changed)
def _forget_private_store(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    """The storage of every file users upload for limited eyes (letters, documents, proposals).

    A callable keeps migrations free of the backend, which differs between deployments.
    """
    return _private


def stores():
    """Each store by its alias, for the health check, backups and the bucket listing."""
    return {"default": storages["default"], "private": storages["private"]}
