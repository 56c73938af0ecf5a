"""Pages of the shared core: home, about, privacy, dashboard, preferences, language switch and
health."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .accounts import supported_language
from .dashboard import panels_for
from .forms import PreferencesForm
from .public_pages import public_page
from .storage import stores


@public_page
def home(request):
    return render(request, "home.html")


def about(request):
    return render(request, "about.html")


def privacy(request):
    return render(request, "privacy.html")


@login_required
def dashboard(request):
    return render(request, "dashboard.html", {"panels": panels_for(request)})


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(request, "preferences.html", {"form": form})


@require_POST
def set_language(request):
    """Django's language switch, remembered on the account of a signed-in user."""
    language = supported_language(request.POST.get("language", ""))
    if language is None:
        return redirect(_safe_next(request))
    response = django_set_language(request)
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def _safe_next(request):
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def _database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _redis_ok():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    finally:
        client.close()


def _storage_ok():
    """Each store (the disk, or the bucket) takes, gives back and forgets a small file."""
    for store in stores().values():
        name = store.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with store.open(name, "rb") as stored:
                if stored.read() != b"ok":
                    return False
        finally:
            store.delete(name)
    return True


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    checks = {"database": _database_ok, "storage": _storage_ok}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ok
    results = {}
    for name, check in checks.items():
        try:
            results[name] = "ok" if check() else "failing"
        except Exception as error:  # any failure is a failing dependency, reported not raised
            results[name] = f"failing: {error.__class__.__name__}"
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says. The address is
    looked up per request: the static files' manifest need not exist when URLs are loaded."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
