"""The database the benchmarks run on: the demo data loaded into a fresh SQLite file under var/bench/,
or into the PostgreSQL database named by DATABASE_URL, whose tables are all dropped first (migrations
create the site's home page, so an emptied database is not enough)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"


def prepare_database(name, settings="config.settings.dev", fresh=True):
    """Load ``seed_demo`` into a fresh database (``name``.sqlite3 unless DATABASE_URL is set) and set
    up Django on it with DEBUG off, with ``settings`` (the demo data itself is loaded with the development ones).
    Not ``fresh``: use the database as the previous run left it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "0"}
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = f"sqlite:///{WORK / name}.sqlite3"
    if fresh:
        empty_database(env, name)
        for command in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE
            )
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": settings})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")


def empty_database(env, name):
    """Drop every table of the PostgreSQL database, or delete the SQLite file."""
    if env["DATABASE_URL"].startswith("postgres"):
        drop_everything = (
            "from django.db import connection; connection.cursor().execute("
            + repr("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            + ")"
        )
        subprocess.run([sys.executable, "manage.py", "shell", "-c", drop_everything], cwd=ROOT, env=env, check=True)
    else:
        WORK.mkdir(parents=True, exist_ok=True)
        (WORK / f"{name}.sqlite3").unlink(missing_ok=True)
