"""A one-view Django app: the ceiling the portal's pages are measured against.

Served by gunicorn with the same settings as the portal (``bench_throughput``), so the
ratio of a page's requests per second to this app's is the share of the ceiling it reaches.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    INSTALLED_APPS=[],
    USE_I18N=False,
)


def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
