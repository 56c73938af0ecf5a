"""WSGI entry point for gunicorn."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_portal.settings")

try:
    settings.SECRET_KEY  # noqa: B018  (Django refuses an empty key only when it is read)
except ImproperlyConfigured as error:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (a long random string) in the environment."
    ) from error

application = get_wsgi_application()
