"""Private file storage: files outside MEDIA_ROOT, with no URL, served only by checked views."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Reads its location from settings on every use, so tests and deployments can move it."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


_private = PrivateStorage()


def private_storage():
    """The storage of every file users upload for limited eyes (letters, documents, proposals).

    A callable keeps migrations free of the location, which differs between machines.
    """
    return _private
