"""Say which strings the catalogues in locale/ still lack, and fail while any does.

``makemessages`` runs in a temporary copy of the code (the catalogues in locale/ are left as
they are); every string it gathers must be in each language's committed catalogue,
translated, and neither fuzzy nor empty. ``make test`` runs this through
tests/core/test_catalogues.py, so the catalogues cannot fall behind the code unnoticed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# What makemessages walks past: what is not the portal's code, and the tests.
IGNORED = (".venv", ".git", "static", "staticfiles", "media", "tests", "benchmarks", "node_modules")


def _catalogue(root, language):
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


def _gathered(root):
    """makemessages over a copy of ``root``: {language: the fresh catalogue}."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "portal"
        shutil.copytree(
            root,
            copy,
            ignore=shutil.ignore_patterns(*IGNORED, "__pycache__", "*.mo", "*.sqlite3"),
            symlinks=True,
        )
        ignores = [argument for name in IGNORED for argument in ("--ignore", name)]
        languages = [argument for name in _languages(root) for argument in ("--locale", name)]
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", *languages, "--verbosity", "0", *ignores],
            cwd=copy,
            env=os.environ,
            check=True,
        )
        return {
            language: polib.pofile(str(_catalogue(copy, language))) for language in _languages(root)
        }


def _languages(root):
    return sorted(path.name for path in (root / "locale").iterdir() if path.is_dir())


def pending(root=None):
    """{language: [(what is wrong, msgid), …]} for every string not ready in ``root``."""
    root = Path(root or settings.BASE_DIR)
    found = {}
    for language, fresh in _gathered(root).items():
        committed = {
            _key(entry): entry
            for entry in polib.pofile(str(_catalogue(root, language)))
            if not entry.obsolete
        }
        problems = []
        for entry in fresh:
            if entry.obsolete:
                continue
            kept = committed.get(_key(entry))
            if kept is None:
                problems.append(("missing", entry.msgid))
            elif kept.fuzzy:
                problems.append(("fuzzy", entry.msgid))
            elif not kept.translated():
                problems.append(("empty", entry.msgid))
        if problems:
            found[language] = problems
    return found


def describe(found, *, limit=None):
    lines = []
    for language, problems in found.items():
        counts = {kind: sum(1 for k, _ in problems if k == kind) for kind, _ in problems}
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        lines.append(f"{language}: {summary}")
        shown = problems if limit is None else problems[:limit]
        lines.extend(f"  {kind}: {msgid!r}" for kind, msgid in shown)
        if len(shown) < len(problems):
            lines.append(f"  … and {len(problems) - len(shown)} more")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Fail, naming them, while any string of the code is missing, fuzzy or empty in locale/."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="strings named per language")

    def handle(self, *args, limit=None, **options):
        found = pending()
        if found:
            raise CommandError(
                "The catalogues lag behind the code:\n" + describe(found, limit=limit)
            )
        self.stdout.write("Every string is translated in every catalogue.")
