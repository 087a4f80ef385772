"""Requests per second of each page a logged-in learner opens, against the home page, served by gunicorn.

    .venv/bin/python bench/learner_pages.py [--workers 2] [--clients 4] [--requests 200] [--rounds 3]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by DATABASE_URL, whose tables it
drops first), loads `seed_demo`, collects the static files and serves the site as docs/deployment.md says
(production settings behind a TLS proxy, `gunicorn config.wsgi`) on a free port of 127.0.0.1. Logged in as the
demo learner (`hocvien`), --clients threads send --requests GETs of one page between them as fast as the server
answers; every page, the home page included, is measured so in each of --rounds rounds, in turn, and the table
gives the median requests/s over the rounds, its ratio to the home page's, the median and 95th percentile time of
a request, and the queries the page makes (counted in this process with the demo learner). It stops by itself.
"""

import argparse
import concurrent.futures
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie

from demo_database import ROOT, WORK, prepare_database

HOST = "127.0.0.1"
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Host": HOST}


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def serve(port, workers):
    """gunicorn with the production settings, as behind nginx (which sets X-Forwarded-Proto)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-not-for-any-real-site-0123456789",
        "ALLOWED_HOSTS": HOST,
        "WAGTAILADMIN_BASE_URL": f"https://{HOST}",
        "BEHIND_TLS_PROXY": "true",
        "STATIC_ROOT": str(WORK / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with open(WORK / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--workers", str(workers), "--bind", f"{HOST}:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    for _try in range(120):  # the workers load Django after the port is open
        try:
            if request(port, "GET", "/").status == 200:
                return server
        except OSError:
            pass
        time.sleep(1)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer; see {WORK / 'gunicorn.log'}")


def request(port, method, path, *, cookies="", body=None, headers=()):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request(method, path, body=body, headers={**PROXY_HEADERS, "Cookie": cookies, **dict(headers)})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def cookies_of(response, jar):
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def log_in(port):
    """The cookie header of the demo learner's session (logged in through the log-in form)."""
    jar = SimpleCookie()
    form = request(port, "GET", "/tai-khoan/login/")
    cookies = cookies_of(form, jar)
    body = f"username=hocvien&password=MatTran%402026&csrfmiddlewaretoken={jar['csrftoken'].value}"
    answer = request(
        port,
        "POST",
        "/tai-khoan/login/",
        cookies=cookies,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{HOST}/tai-khoan/login/"},
    )
    assert answer.status == 302, f"log-in answered {answer.status}"
    return cookies_of(answer, jar)


def learner_pages():
    """The demo learner's pages: the paths of their first course, its first lesson and quiz, and a result."""
    from django.urls import reverse

    from courses.models import Attempt, AttemptState, CourseIndexPage, QuizPage

    attempt = (
        Attempt.objects.filter(enrolment__person__user__username="hocvien", state=AttemptState.GRADED)
        .select_related("enrolment__course")
        .first()
    )
    course = attempt.enrolment.course
    return {
        "home": "/",
        "catalogue": CourseIndexPage.objects.live().first().url,
        "my courses": reverse("my_courses"),
        "course": course.url,
        "lesson": course.lessons().first().url,
        "quiz intro": QuizPage.objects.live().child_of(course).first().url,
        "quiz result": reverse("quiz_attempt_result", args=[attempt.pk]),
        "password change": reverse("password_change"),
    }


def queries_of(path):
    """The queries of one request of ``path`` by the demo learner (after one that warms the caches)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.force_login(get_user_model().objects.get(username="hocvien"))
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def load(port, path, cookies, *, clients, requests):
    """Requests/s of ``requests`` GETs of ``path`` sent by ``clients`` threads, and each request's seconds."""
    durations, lock = [], threading.Lock()
    remaining = iter(range(requests))

    def client():
        while next(remaining, None) is not None:
            started = time.perf_counter()
            status = request(port, "GET", path, cookies=cookies).status
            elapsed = time.perf_counter() - started
            assert status == 200, f"{path} answered {status}"
            with lock:
                durations.append(elapsed)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for running in [pool.submit(client) for _client in range(clients)]:
            running.result()
    return requests / (time.perf_counter() - started), durations


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="requests in flight at once")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    prepare_database("learner_pages")
    pages = learner_pages()
    port = free_port()
    server = serve(port, options.workers)
    try:
        cookies = log_in(port)
        rates = {name: [] for name in pages}
        durations = {name: [] for name in pages}
        for path in pages.values():  # warm up every worker
            load(port, path, cookies, clients=options.clients, requests=4 * options.workers)
        for _round in range(options.rounds):
            for name, path in pages.items():
                rate, times = load(port, path, cookies, clients=options.clients, requests=options.requests)
                rates[name].append(rate)
                durations[name] += times
    finally:
        server.terminate()
        server.wait()

    home = statistics.median(rates["home"])
    print(
        f"gunicorn {options.workers} sync workers, {options.clients} clients, "
        f"{options.requests} requests x {options.rounds} rounds per page"
    )
    print(f"{'page':<16} {'req/s':>7} {'x home':>7} {'p50 ms':>7} {'p95 ms':>7} {'queries':>8}")
    for name, path in pages.items():
        rate = statistics.median(rates[name])
        p50 = statistics.median(durations[name]) * 1000
        p95 = statistics.quantiles(durations[name], n=20)[-1] * 1000
        print(f"{name:<16} {rate:>7.1f} {rate / home:>7.2f} {p50:>7.1f} {p95:>7.1f} {queries_of(path):>8}")


if __name__ == "__main__":
    main()
