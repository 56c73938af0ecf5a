"""The portal with one more view: a signed-in page with nothing on it.

Served by ``bench_throughput`` beside the portal: the middleware, the session and the user,
and a two-byte answer. Its ratio to hello-world is the most any signed-in page can reach
without serving signed-in content from a cache, before it runs a query or renders a template
of its own.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_portal.settings")

import django

django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from benchmarks.bench_throughput import BARE_PATH  # noqa: E402
from resilience_portal import urls  # noqa: E402


@login_required
def nothing(request):
    return HttpResponse("ok", content_type="text/plain")


urls.urlpatterns.insert(0, path(BARE_PATH.lstrip("/"), nothing))
application = get_wsgi_application()
