"""Per-request rules for signed-in users: their language and time zone, a second factor for
staff, and no shared caching of anything shown to them."""

import zoneinfo

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .accounts import supported_language


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        language = supported_language(user.language) if user.is_authenticated else None
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        if user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The cookie follows the account, so the choice holds after sign-out too.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        timezone.deactivate()
        return response


def needs_second_factor(user) -> bool:
    """Staff and superusers open nothing of the portal or the admin without an authenticator app."""
    return (
        user.is_authenticated
        and (user.is_staff or user.is_superuser)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


class StaffSecondFactorMiddleware:
    """Send staff without an authenticator app to set one up before any other page opens.

    Staff pages hold every SME's private data and every city's application; a stolen password
    alone must not open them. The whole site is closed to such a user rather than a list of
    staff pages, so a new staff view cannot forget the rule. Account pages (where the app is
    set up, and sign-out), static files and the language switch stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_prefixes = (
            reverse("account_login").rsplit("login/", 1)[0],
            settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else f"/{settings.STATIC_URL}",
            reverse("set_language"),
            reverse("healthz"),
        )

    def __call__(self, request):
        if not request.path.startswith(self.open_prefixes) and needs_second_factor(request.user):
            messages.warning(
                request,
                _(
                    "Staff accounts need a second factor. Add an authenticator app to continue; "
                    "keep the recovery codes shown afterwards somewhere safe."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Nothing shown to a signed-in user may be kept by a shared cache or the browser's disk.

    Proposal pages, receipts, letters, SME documents, CSV exports and dashboards are all
    answers to a signed-in user; one rule for every such response means a new page or
    download cannot forget it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Checked after the view: signing in happens inside it.
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class AtomicWritesMiddleware:
    """Run every view that may write (POST, PUT, PATCH, DELETE) in one transaction, and
    every read without one.

    This is ATOMIC_REQUESTS for the requests that can change something: a form that saves
    several rows saves all or none. A GET never writes (tests/core/test_no_writes_on_get.py),
    so wrapping it would only add a BEGIN and a COMMIT round trip to every page. Last in
    MIDDLEWARE, so every other middleware's ``process_view`` (CSRF) has run first; an
    exception rolls the transaction back before Django turns it into an error page.
    ``transaction.non_atomic_requests`` still opts a view out.
    """

    READS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in self.READS:
            return None
        if DEFAULT_DB_ALIAS in getattr(view_func, "_non_atomic_requests", ()):
            return None
        with transaction.atomic():
            return view_func(request, *view_args, **view_kwargs)
