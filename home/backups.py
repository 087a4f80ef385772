"""Backups of a whole site (database, media, private media, signing keys) and the drill that restores one into a
new place and checks it. docs/operations.md gives the same steps by hand."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from certificates.models import Certificate
from certificates.signing import signature_is_valid

SQLITE_FILE = "database.sqlite3"
POSTGRESQL_DUMP = "database.dump"
FOLDERS = {"media.tar.gz": "MEDIA_ROOT", "private.tar.gz": "PRIVATE_MEDIA_ROOT"}
# The keys that sign the PDFs and the verifiable credentials, each under its name in a backup.
KEYS = {"signing-key.p12": "CERTIFICATE_SIGNING_KEY", "credential-key.pem": "CREDENTIAL_SIGNING_KEY"}
MANIFEST = "manifest.json"


def row_counts():
    """The number of rows of every table the site's models own."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def back_up(destination):
    """Write a backup of this site into the new folder ``destination``; safe while the site runs."""
    destination.mkdir(parents=True)
    newest = Certificate.objects.exclude(pdf="").order_by("-issued_at").first()
    manifest = {"counts": row_counts(), "certificate": newest.code if newest else None}
    if connection.vendor == "sqlite":
        # SQLite's online backup copies a consistent snapshot while other connections keep writing (WAL).
        connection.ensure_connection()
        with sqlite3.connect(destination / SQLITE_FILE) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        postgresql("pg_dump", "--format=custom", "--no-owner", f"--file={destination / POSTGRESQL_DUMP}")
    for archive_name, setting in FOLDERS.items():
        with tarfile.open(destination / archive_name, "w:gz") as archive:
            folder = Path(getattr(settings, setting))
            if folder.exists():
                archive.add(folder, arcname=".")
    for key_name, setting in KEYS.items():
        if getattr(settings, setting).exists():
            shutil.copy2(getattr(settings, setting), destination / key_name)
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1))


def restore(backup, place):
    """Restore ``backup`` into the new folder ``place`` (and, for PostgreSQL, into a new database named after
    it); return the environment variables that point the site at the restored copy."""
    place.mkdir(parents=True)
    environment = {
        "MEDIA_ROOT": str(place / "media"),
        "PRIVATE_MEDIA_ROOT": str(place / "private"),
        **{setting: str(place / key_name) for key_name, setting in KEYS.items()},
    }
    if (backup / SQLITE_FILE).exists():
        shutil.copy2(backup / SQLITE_FILE, place / "db.sqlite3")
        environment["DATABASE_URL"] = f"sqlite:///{place / 'db.sqlite3'}"
    else:
        database = drill_database(place)
        postgresql("createdb", database, database_option=False)
        postgresql(
            "pg_restore", "--no-owner", f"--dbname={database}", str(backup / POSTGRESQL_DUMP), database_option=False
        )
        environment["DATABASE_URL"] = postgresql_url(database)
    for archive_name, setting in FOLDERS.items():
        with tarfile.open(backup / archive_name) as archive:
            archive.extractall(environment[setting], filter="data")
    for key_name in KEYS:
        if (backup / key_name).exists():
            shutil.copy2(backup / key_name, place / key_name)
    return environment


def drill(backup):
    """Restore ``backup`` into a temporary place and check it there with this site's settings; return the
    problems found (none when the backup is good)."""
    with tempfile.TemporaryDirectory(prefix="lms-restore-drill-") as folder:
        place = Path(folder) / "site"
        environment = restore(backup, place)
        try:
            checked = subprocess.run(
                [sys.executable, "manage.py", "restore_drill", "--check", str(backup)],
                cwd=settings.BASE_DIR,
                env={**os.environ, **environment},
                capture_output=True,
                text=True,
            )
        finally:
            if "postgres" in environment["DATABASE_URL"]:
                postgresql("dropdb", drill_database(place), database_option=False)
    if checked.returncode:
        return [checked.stderr.strip()]
    return [line for line in checked.stdout.splitlines() if line]


def check_restored(backup):
    """Compare this (restored) site with ``backup``'s manifest: row counts, and that the newest certificate's PDF
    is intact and its signature verifies with the restored signing key. Returns the problems found."""
    manifest = json.loads((backup / MANIFEST).read_text())
    counts = row_counts()
    problems = [
        _("%(table)s has %(found)s rows; the backup had %(expected)s.")
        % {"table": table, "found": counts.get(table), "expected": expected}
        for table, expected in manifest["counts"].items()
        if counts.get(table) != expected
    ]
    if manifest["certificate"]:
        certificate = Certificate.objects.get(code=manifest["certificate"])
        with certificate.pdf.open("rb") as file:
            pdf = file.read()
        if hashlib.sha256(pdf).hexdigest() != certificate.sha256:
            problems.append(
                _("Certificate %(serial)s: its PDF is not the one issued.") % {"serial": certificate.serial}
            )
        elif not signature_is_valid(pdf):
            problems.append(
                _("Certificate %(serial)s: its signature does not verify with the signing key.")
                % {"serial": certificate.serial}
            )
    return problems


def drill_database(place):
    return f"{connection.settings_dict['NAME']}_drill_{place.parent.name.rsplit('-', 1)[-1]}".lower()


def postgresql_url(database):
    """A DATABASE_URL for ``database`` on this site's PostgreSQL server, as this site's user."""
    server = connection.settings_dict
    password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
    return f"postgres://{server['USER']}{password}@{server['HOST'] or 'localhost'}:{server['PORT'] or 5432}/{database}"


def postgresql(program, *arguments, database_option=True):
    """Run a PostgreSQL client program against this site's server (and database, unless told otherwise)."""
    server = connection.settings_dict
    options = [f"--host={server['HOST'] or 'localhost'}", f"--port={server['PORT'] or 5432}"]
    options += [f"--username={server['USER']}"] if server["USER"] else []
    options += [f"--dbname={server['NAME']}"] if database_option else []
    subprocess.run(
        [program, *options, *arguments], env={**os.environ, "PGPASSWORD": server["PASSWORD"] or ""}, check=True
    )
