"""The certificate check's count of wrong guesses lives in the shared cache: separate processes (gunicorn workers,
hosts) add to one count per client address, whether the cache is the database table or Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from certificates.views import WRONG_GUESSES_ALLOWED

REPOSITORY = Path(__file__).resolve().parent.parent.parent

# One process: makes the cache table if the cache is the database's, counts wrong guesses from one address
# with the certificate check's own functions, and prints the count it then reads.
GUESSER = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.test import RequestFactory
from certificates.views import note_wrong_guess, wrong_guesses
call_command("createcachetable")
request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
for _guess in range(int(sys.argv[1])):
    note_wrong_guess(request)
print(wrong_guesses(request))
"""


def guess_in_a_process_of_its_own(guesses, **environment):
    env = {name: value for name, value in os.environ.items() if name not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", **environment)
    finished = subprocess.run(
        [sys.executable, "-c", GUESSER, str(guesses)], cwd=REPOSITORY, env=env, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    return int(finished.stdout.strip().splitlines()[-1])


def test_two_processes_add_to_one_count_in_the_database_cache(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}

    assert guess_in_a_process_of_its_own(6, **database) == 6
    assert guess_in_a_process_of_its_own(4, **database) == 10


def test_two_processes_add_to_one_count_in_redis(tmp_path, redis_url):
    # each process has a database of its own: only Redis is shared
    first = {"DATABASE_URL": f"sqlite:///{tmp_path / 'first.sqlite3'}", "REDIS_URL": redis_url}
    second = {"DATABASE_URL": f"sqlite:///{tmp_path / 'second.sqlite3'}", "REDIS_URL": redis_url}

    assert guess_in_a_process_of_its_own(6, **first) == 6
    assert guess_in_a_process_of_its_own(4, **second) == 10


def guess_codes(client, times, forwarded_for):
    return [
        client.get(reverse("certificate_verify", args=[f"doan-mo-{n}"]), HTTP_X_FORWARDED_FOR=forwarded_for).status_code
        for n in range(times)
    ]


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_trusted_proxy_each_client_is_counted_on_its_own(client):
    guesses = guess_codes(client, WRONG_GUESSES_ALLOWED + 1, forwarded_for="203.0.113.9")

    assert guesses == [404] * WRONG_GUESSES_ALLOWED + [429]
    assert guess_codes(client, 1, forwarded_for="198.51.100.7") == [404]


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_dodge_the_count(client):
    guesses = [guess_codes(client, 1, forwarded_for=f"198.51.100.{n}")[0] for n in range(WRONG_GUESSES_ALLOWED + 1)]

    assert guesses == [404] * WRONG_GUESSES_ALLOWED + [429]
