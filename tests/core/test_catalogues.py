"""The catalogues keep up with the code: every string translated in th, id and vi, the
strings allauth and Django show among them, and the portal's own translation winning."""

import subprocess

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from resilience_portal.management.commands import check_catalogues, gather_outside_strings


def test_every_string_of_the_code_is_translated_in_every_catalogue():
    # makemessages runs in a temporary copy; locale/ is only read.
    found = check_catalogues.pending()

    assert not found, "The catalogues lag behind the code:\n" + check_catalogues.describe(
        found, limit=60
    )


def test_the_check_names_missing_fuzzy_and_empty_strings(tmp_path, settings):
    portal = tmp_path / "portal"
    (portal / "greetings").mkdir(parents=True)
    (portal / "greetings" / "__init__.py").write_text(
        "from django.utils.translation import gettext_lazy as _\n"
        "WORDS = [_('Good morning'), _('Good evening'), _('Good night'), _('Welcome')]\n"
    )
    (portal / "manage.py").write_text((settings.BASE_DIR / "manage.py").read_text())
    for language in ("id", "th", "vi"):
        folder = portal / "locale" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "django.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Welcome"\nmsgstr "Selamat datang"\n\n'
            '#, fuzzy\nmsgid "Good evening"\nmsgstr "Selamat malam"\n\n'
            'msgid "Good night"\nmsgstr ""\n'
        )

    found = check_catalogues.pending(portal)

    assert sorted(found["vi"]) == [
        ("empty", "Good night"),
        ("fuzzy", "Good evening"),
        ("missing", "Good morning"),
    ]
    assert "missing: 'Good morning'" in check_catalogues.describe(found)


def test_a_filled_catalogue_passes_the_check(tmp_path, settings):
    portal = tmp_path / "portal"
    (portal / "greetings").mkdir(parents=True)
    (portal / "greetings" / "__init__.py").write_text(
        "from django.utils.translation import gettext_lazy as _\nWORDS = [_('Welcome')]\n"
    )
    (portal / "manage.py").write_text((settings.BASE_DIR / "manage.py").read_text())
    for language in ("id", "th", "vi"):
        folder = portal / "locale" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "django.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Welcome"\nmsgstr "Chào mừng"\n'
        )

    assert check_catalogues.pending(portal) == {}


def test_the_strings_allauth_and_django_show_are_listed_for_the_installed_versions():
    # After upgrading django-allauth or Django: manage.py gather_outside_strings.
    listed = set(gather_outside_strings.listed_entries())
    shown = set(gather_outside_strings.entries())

    assert shown - listed == set(), "run manage.py gather_outside_strings"
    assert listed - shown == set(), "run manage.py gather_outside_strings"


@pytest.mark.parametrize(
    "msgid",
    [
        "Sign In",
        "Forgot your password?",
        "Remember Me",
        "Reset My Password",
        "Successfully signed in as %(name)s.",
        "This password is too common.",
    ],
)
def test_the_sign_in_pages_and_password_rules_are_in_the_portals_catalogue(msgid):
    listed = {msgid for _, msgid, _ in gather_outside_strings.listed_entries()}

    assert msgid in listed


def test_the_portals_catalogue_takes_precedence_over_allauths(tmp_path, settings):
    folder = tmp_path / "th" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Sign In"\nmsgstr "ลงชื่อเข้าใช้พอร์ทัล"\n'
    )
    subprocess.run(["msgfmt", "-o", folder / "django.mo", folder / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    trans_real._translations = {}
    try:
        with translation.override("th"):
            assert translation.gettext("Sign In") == "ลงชื่อเข้าใช้พอร์ทัล"
    finally:
        trans_real._translations = {}
        trans_real._active = trans_real.Local()
