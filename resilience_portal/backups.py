"""Backups: the database (pg_dump's custom format) and a copy of every stored file, from the
disk or the bucket alike, into one folder; restored the same way. ``make backup`` and
``make restore`` run them (README: Backups)."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files.base import File

from .storage import stores


def _postgres():
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise ValueError("Backups by pg_dump need PostgreSQL; copy the SQLite file instead.")
    arguments = ["--host", database.get("HOST") or "127.0.0.1"]
    arguments += ["--port", str(database.get("PORT") or 5432)]
    arguments += ["--username", database.get("USER") or "postgres"]
    environment = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return database["NAME"], arguments, environment


def stored_names(store, folder=""):
    """Every file name in a store, walking its folders (S3 prefixes)."""
    try:
        folders, files = store.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(store, f"{folder}/{sub}" if folder else sub)


def back_up(target):
    """Write ``target/database.dump`` and ``target/files/<store>/<name>``; returns counts."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    name, arguments, environment = _postgres()
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", *arguments,
         "--file", str(target / "database.dump"), name],
        env=environment, check=True,
    )  # fmt: skip
    copied = {}
    for alias, store in stores().items():
        copied[alias] = 0
        for stored in stored_names(store):
            destination = target / "files" / alias / stored
            destination.parent.mkdir(parents=True, exist_ok=True)
            with store.open(stored, "rb") as source, destination.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            copied[alias] += 1
    return copied


def restore(source):
    """Load ``source/database.dump`` into the configured (empty or older) database and put
    every file back under its own name; returns counts."""
    source = Path(source)
    name, arguments, environment = _postgres()
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         *arguments, "--dbname", name, str(source / "database.dump")],
        env=environment, check=True,
    )  # fmt: skip
    restored = {}
    for alias, store in stores().items():
        restored[alias] = 0
        folder = source / "files" / alias
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            stored = path.relative_to(folder).as_posix()
            if store.exists(stored):
                store.delete(stored)
            with path.open("rb") as content:
                saved = store.save(stored, File(content))
            if saved != stored:
                raise RuntimeError(f"{stored} came back as {saved}")
            restored[alias] += 1
    return restored
