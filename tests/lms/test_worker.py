"""The background task worker against a real SQLite file that another connection keeps locked."""

import os
import sqlite3
import subprocess
import sys
import time

from django.conf import settings
from django_tasks import task


@task()
def say_done():
    """A task for the worker to run once the lock is gone."""
    return "done"


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def task_state(connection):
    return connection.execute("SELECT status, return_value FROM django_tasks_database_dbtaskresult").fetchone()


def test_the_worker_waits_out_a_locked_database_and_then_runs_the_waiting_task(tmp_path):
    database = tmp_path / "db.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "SQLITE_LOCK_TIMEOUT": "1",
    }
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.management import call_command; "
            "call_command('migrate', 'django_tasks_database', verbosity=0); "
            "from tests.lms.test_worker import say_done; say_done.enqueue()",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
    )
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # as a long import holds the write lock
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: log.read_text().count("The database is locked") >= 2 or worker.poll() is not None)
        assert worker.poll() is None, log.read_text()

        lock.execute("ROLLBACK")
        wait_for(lambda: task_state(lock)[0] in {"SUCCESSFUL", "FAILED"} or worker.poll() is not None)

        assert task_state(lock) == ("SUCCESSFUL", '"done"'), log.read_text()
        assert worker.poll() is None, log.read_text()
    finally:
        worker.terminate()
        worker.wait(30)
        lock.close()
