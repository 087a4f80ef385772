"""Hypothesis profiles and the fixtures every test shares.

Hypothesis: a few generated inputs per test in the normal suite; ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``)
sends 2,000 to every endpoint. Nothing is written into the repository: no example database, and Hypothesis'
caches go to the temporary folder."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from config.settings import base

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "lms-hypothesis")

# Each example runs in a transaction that is rolled back (tests.fuzz.fresh), so the function-scoped
# database fixture is shared safely; requests are slower than Hypothesis expects of a pure function.
SHARED = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
# The suite draws the same 50 inputs every run, so that its verdict does not depend on luck; `make fuzz` draws anew.
hypothesis_settings.register_profile("default", max_examples=50, derandomize=True, **SHARED)
hypothesis_settings.register_profile("fuzz", max_examples=2000, **SHARED)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def mail_through_the_task_queue(settings):
    """Django's test set-up replaces EMAIL_BACKEND with its in-memory one; put the site's queue back in front of
    it (the test settings deliver in memory), so that tests send mail the way the site does."""
    settings.EMAIL_BACKEND = base.EMAIL_BACKEND


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in the database, as on the site, until ``tests.factories.run_worker`` runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def redis_url(tmp_path):
    """The address of a Redis server of the test's own on a free port of 127.0.0.1 (skipped where none is installed)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait()
