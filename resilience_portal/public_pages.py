"""Anonymous public pages kept in the cache, honestly: never stale after a change or a deadline.

A page is kept per host, address, query and language under the *content version*, a number
every save or delete of a model the public pages show moves on (after commit), so the next
request after a change renders afresh. A kept page also expires at the programme's next
deadline (each app registers where its deadlines are: questions and submissions closing, a
standstill ending, applications opening), so no page shows a challenge open after its
deadline by the server's clock. Only GETs by visitors without a session or pending messages
are served from or stored in the cache; each visitor gets their own CSRF token and cookie.
Signed-in users never see a kept page, and pages for them are never kept.

The middleware sits right after SecurityMiddleware (so HTTPS redirects still apply) and keeps
the whole response as the rest of the stack left it, headers included (content security
policy, frame options, language, Vary): a kept page is served without running that stack
again, and only what belongs to the visitor, the CSRF token and its cookie, is made afresh.
"""

import re
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.utils import timezone, translation

from .versions import bump_content_version, content_version

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
# Headers that belong to one response, not to the page: made afresh on every answer.
UNKEPT_HEADERS = frozenset({"content-length", "set-cookie", "x-request-id"})

_tracked_apps: set[str] = set()
_deadline_sources: list[Callable] = []
_memo: dict = {}
# Kept pages live in each worker's memory: a hit then costs one cache read (the version), not
# two. A worker renders each page once per version and language; the store is emptied whole
# when it fills, which bounds its memory.
_kept_pages: dict = {}
_public_paths: set[str] = set()
KEPT_PAGES_PER_PROCESS = 500


def public_page(view):
    """Mark a view whose anonymous GETs may be kept (it shows only what everyone may see)."""
    view.public_page = True
    return view


def track_app(app_config) -> None:
    """Every save or delete of this app's models moves the content version on."""
    _tracked_apps.add(app_config.label)


def register_deadlines(source: Callable) -> None:
    """``source(now)`` answers the earliest moment after ``now`` at which a public page of the
    app reads differently by the clock alone (or None)."""
    _deadline_sources.append(source)


def _changed(sender, **kwargs):
    if sender._meta.app_label in _tracked_apps:
        bump_content_version()


post_save.connect(_changed, dispatch_uid="public-pages-save")
post_delete.connect(_changed, dispatch_uid="public-pages-delete")
m2m_changed.connect(_changed, dispatch_uid="public-pages-m2m")


def next_deadline(version, now):
    """The earliest deadline after ``now``, asked of the database once per version."""
    key = f"public-pages:deadline:{version}"
    moment = cache.get(key)
    if moment is None or (moment and moment <= now.timestamp()):
        found = [m for source in _deadline_sources if (m := source(now)) is not None]
        moment = min(found).timestamp() if found else 0
        cache.set(key, moment, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return moment or None


def memoised(name: str, build: Callable):
    """``build()`` once per content version in this process: lists the public pages and their
    forms share (cities with challenges) without a query per request."""
    version = content_version()
    held = _memo.get(name)
    if held is None or held[0] != version:
        held = (version, build())
        _memo[name] = held
    return held[1]


def _may_use_cache(request) -> bool:
    """A GET by a visitor without a session, so not signed in (a sign-in lives in the session:
    this is asked before the authentication middleware has run), and without pending messages."""
    return (
        request.method in ("GET", "HEAD")
        and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.headers.get("HX-Request")
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def _key(request, version, language) -> tuple:
    return (version, request.get_host(), request.get_full_path(), language)


_CSRF_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes at or above this would favour the alphabet's first characters: they are skipped.
_CSRF_BYTE_LIMIT = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def _random_csrf_chars(count: int) -> str:
    """``count`` characters of the CSRF alphabet, each equally likely, from one read of the
    system's randomness: ``get_random_string`` reads it once per character, 64 reads for a new
    visitor's secret and mask, which cost more than serving the rest of a kept page."""
    drawn = []
    while len(drawn) < count:
        drawn += [
            CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]
            for byte in secrets.token_bytes(count + count // 2)
            if byte < _CSRF_BYTE_LIMIT
        ]
    return "".join(drawn[:count])


def visitor_csrf_token(request) -> str:
    """The visitor's CSRF token for a kept page, as ``get_token`` makes it: the secret from
    their cookie (or a new one, which the CSRF middleware then sets as the cookie), masked
    afresh for this response so the page never carries the secret itself."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = _random_csrf_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_csrf_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CSRF_CHAR_INDEX[s] + _CSRF_CHAR_INDEX[m]) % size]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


class PublicPageCacheMiddleware:
    """Serve kept anonymous pages of views marked ``public_page``; keep the ones rendered."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Its cookie handling, for the one thing a kept page makes afresh: the CSRF token.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        # Addresses known to be public pages are looked up before URL resolution and the
        # rest of the middleware, which cost more than the lookup.
        if request.path in _public_paths and _may_use_cache(request):
            kept = self._look_up(request)
            if kept is not None:
                return self._serve(request, kept)
        response = self.get_response(request)
        key = getattr(request, "_public_page_key", None)
        if key and self._keepable(request, response):
            self._keep(request, response, key)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "public_page", False):
            return None
        if len(_public_paths) >= KEPT_PAGES_PER_PROCESS:
            _public_paths.clear()
        _public_paths.add(request.path)
        if not _may_use_cache(request):
            return None
        kept = self._look_up(request)
        return None if kept is None else self._serve(request, kept)

    def _look_up(self, request):
        if not hasattr(request, "_public_page_key"):
            version = content_version()
            # The language LocaleMiddleware will choose (it has not run yet on a hit).
            language = translation.get_language_from_request(request)
            request._public_page_language = language
            request._public_page_key = _key(request, version, language)
            request._public_page_version = version
            request._public_page_started = timezone.now()
        kept = _kept_pages.get(request._public_page_key)
        if kept is None or kept[0] <= timezone.now().timestamp():
            return None
        return kept

    def _serve(self, request, kept):
        request._public_page_key = None  # served, not to be kept again
        _expires, status, headers, content = kept
        if CSRF_PLACEHOLDER in content:
            self.csrf.process_request(request)  # the visitor's own CSRF cookie, if any
            content = content.replace(CSRF_PLACEHOLDER, visitor_csrf_token(request).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(content))
        return self.csrf.process_response(request, response)

    def _keepable(self, request, response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
            and not request.user.is_authenticated
            and getattr(request, "LANGUAGE_CODE", None) == request._public_page_language
            # A nonce in the content security policy is for one response only.
            and "'nonce-" not in response.get("Content-Security-Policy", "")
            # A message shown on this page belongs to this visitor alone.
            and not getattr(getattr(request, "_messages", None), "_queued_messages", None)
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    def _keep(self, request, response, key):
        # The page shows the clock as it read when rendering started.
        now = request._public_page_started
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        deadline = next_deadline(request._public_page_version, now)
        if deadline is not None:
            seconds = min(seconds, int(deadline - timezone.now().timestamp()))
        if seconds < 1:
            return
        content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in UNKEPT_HEADERS
        ]
        if len(_kept_pages) >= KEPT_PAGES_PER_PROCESS:
            _kept_pages.clear()
        expires = timezone.now().timestamp() + seconds  # the server's clock, as deadlines read it
        _kept_pages[key] = (expires, response.status_code, headers, content)
