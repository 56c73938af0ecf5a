"""Write resilience_portal/catalogue.py: the strings that django-allauth and Django show on
the portal's pages and in its account e-mails, so that ``makemessages`` puts them into the
portal's own catalogues.

allauth ships no Vietnamese catalogue and Django's Thai one lacks the password rules, so
these strings are translated in ``locale/`` (``LOCALE_PATHS``, which takes precedence over
every app's catalogue). Run again after upgrading either library; a test says when the
module has fallen behind the installed versions.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import allauth
import django
import polib
from django.core.management.base import BaseCommand
from django.utils.translation.template import templatize

ALLAUTH = Path(allauth.__file__).parent
DJANGO = Path(django.__file__).parent
CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue.py"

# Only what the portal shows: sign-in, sign-up, e-mail confirmation, password reset and
# change, sign-out, re-authentication, the staff's second factor (TOTP and recovery codes),
# the messages after each, the account e-mails, and the forms and errors behind them.
# Not enabled, so not listed: phone numbers, sign-in by code, passkeys, social accounts.
SOURCES = {
    ALLAUTH: [
        "templates/account/login.html",
        "templates/account/signup.html",
        "templates/account/signup_closed.html",
        "templates/account/logout.html",
        "templates/account/account_inactive.html",
        "templates/account/verification_sent.html",
        "templates/account/verified_email_required.html",
        "templates/account/email_confirm.html",
        "templates/account/email.html",
        "templates/account/password_reset.html",
        "templates/account/password_reset_done.html",
        "templates/account/password_reset_from_key.html",
        "templates/account/password_reset_from_key_done.html",
        "templates/account/password_change.html",
        "templates/account/password_set.html",
        "templates/account/reauthenticate.html",
        "templates/account/base_reauthenticate.html",
        "templates/account/snippets/already_logged_in.html",
        "templates/account/snippets/warn_no_email.html",
        "templates/account/messages/*.txt",
        "templates/account/email/account_already_exists_*.txt",
        "templates/account/email/base_*.txt",
        "templates/account/email/email_*.txt",
        "templates/account/email/password_*.txt",
        "templates/account/email/unknown_account_*.txt",
        "templates/mfa/authenticate.html",
        "templates/mfa/index.html",
        "templates/mfa/reauthenticate.html",
        "templates/mfa/trust.html",
        "templates/mfa/totp/*.html",
        "templates/mfa/recovery_codes/*.html",
        "templates/mfa/recovery_codes/download.txt",
        "templates/mfa/messages/recovery_codes_generated.txt",
        "templates/mfa/messages/totp_*.txt",
        "templates/mfa/email/recovery_codes_*.txt",
        "templates/mfa/email/totp_*.txt",
        "account/fields.py",
        "account/forms.py",
        "account/adapter.py",
        "mfa/adapter.py",
        "mfa/models.py",
        "mfa/base/forms.py",
        "mfa/totp/forms.py",
        "mfa/recovery_codes/forms.py",
    ],
    # Django's own catalogues carry its form errors; its password rules are newer.
    DJANGO: ["contrib/auth/password_validation.py"],
}

# The keywords makemessages gives xgettext, so that the same strings are found.
KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]

HEADER = '''# ruff: noqa: RUF001  (the libraries' own wording, apostrophes included)
"""Strings that django-allauth and Django show on the portal's pages and in its account
e-mails, listed so that ``makemessages`` gathers them into the portal's catalogues (allauth
has no Vietnamese catalogue; Django's Thai one lacks the password rules). ``locale/`` takes
precedence over the libraries' own catalogues, so a translation here is the one shown.

Written by ``manage.py gather_outside_strings`` from the installed versions; do not edit.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

STRINGS = (
'''


def source_files():
    for root, patterns in SOURCES.items():
        for pattern in patterns:
            found = sorted(root.glob(pattern))
            if not found:
                raise FileNotFoundError(f"{pattern} is not in {root}")
            yield from found


def _python_source(path):
    text = path.read_text(encoding="utf-8")
    return text if path.suffix == ".py" else templatize(text, origin=str(path))


def entries(paths=None):
    """Each string in ``paths`` (the sources above) once, as (context, msgid, plural)."""
    with tempfile.TemporaryDirectory() as folder:
        inputs = []
        for number, path in enumerate(source_files() if paths is None else paths):
            converted = Path(folder) / f"{number:03}.py"
            converted.write_text(_python_source(path), encoding="utf-8")
            inputs.append(str(converted))
        pot = Path(folder) / "strings.pot"
        subprocess.run(
            [
                "xgettext",
                "--language=Python",
                "--from-code=UTF-8",
                "--no-location",
                "--sort-output",
                *KEYWORDS,
                f"--output={pot}",
                *inputs,
            ],
            check=True,
        )
        found = polib.pofile(str(pot))
    return sorted({(entry.msgctxt or "", entry.msgid, entry.msgid_plural or "") for entry in found})


def listed_entries():
    """What resilience_portal/catalogue.py lists now."""
    return entries([CATALOGUE])


def module_text():
    lines = [HEADER]
    for context, msgid, plural in entries():
        if plural:
            lines.append(f"    ngettext_lazy({msgid!r}, {plural!r}, 1),\n")
        elif context:
            lines.append(f"    pgettext_lazy({context!r}, {msgid!r}),\n")
        else:
            lines.append(f"    gettext_noop({msgid!r}),\n")
    lines.append(")\n")
    return "".join(lines)


class Command(BaseCommand):
    help = "Write resilience_portal/catalogue.py from the installed django-allauth and Django."

    def handle(self, *args, **options):
        CATALOGUE.write_text(module_text(), encoding="utf-8")
        subprocess.run([Path(sys.executable).parent / "ruff", "format", "-q", CATALOGUE])
        self.stdout.write(f"{CATALOGUE}: {len(listed_entries())} strings")
