"""Requests per second of each page a logged-in learner opens, against the home page, served by gunicorn.

    .venv/bin/python bench/learner_pages.py [--clients 4] [--requests 200] [--rounds 5] [--server-args ...]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by DATABASE_URL, whose tables it
drops first), loads `seed_demo` and serves the site as docs/deployment.md says (bench/served_site.py: production
settings behind a TLS proxy, collected static files, `gunicorn config.wsgi` with gunicorn.conf.py) on a free port
of 127.0.0.1. Logged in as the demo learner (`hocvien`) through the log-in form, --clients threads send --requests
GETs of one page between them as fast as the server answers; in each of --rounds rounds every page is measured so
right after the home page, so that a machine whose speed drifts slows the pair alike. The table gives the median
requests/s, the median over the rounds of the page's rate over the home page's measured just before it, the median
and 95th percentile time of a request, and the queries
the page makes (counted in this process, with the same settings, for the demo learner); --json gets it all. It
stops by itself, and stops the server it started.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import statistics
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

from demo_database import WORK, prepare_database
from served_site import (
    DEFAULT_SERVER_ARGS,
    HOST,
    collect_static,
    free_port,
    server_environment,
    start,
    stop,
    wait_until_serving,
)

PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Host": HOST}


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

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username="hocvien"))
    assert client.get(path).status_code == 200, path
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
    parser.add_argument("--clients", type=int, default=4, help="requests in flight at once")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--server-args", default=DEFAULT_SERVER_ARGS, help="gunicorn's options")
    parser.add_argument("--keep-database", action="store_true", help="the previous run's database, not a fresh one")
    parser.add_argument("--json", type=Path, default=None, help="default var/bench/learner_pages-<database>.json")
    options = parser.parse_args()

    port = free_port()
    collect_static(port)  # before this process loads the static files' manifest, to render pages for their queries
    os.environ.update(server_environment(port))
    prepare_database("learner_pages", settings="config.settings.production", fresh=not options.keep_database)
    from django.db import connection

    vendor = connection.vendor
    pages = learner_pages()
    queries = {name: queries_of(path) for name, path in pages.items()}
    connection.close()
    rates = {name: [] for name in pages}
    durations = {name: [] for name in pages}
    ratios = {name: [] for name in pages if name != "home"}
    with open(WORK / f"learner_pages-{vendor}-server.log", "w") as log:
        processes = start(port, log, server_args=options.server_args, static_collected=True)
        try:
            wait_until_serving(port)
            cookies = log_in(port)
            for path in pages.values():  # every worker process and thread loads its code and templates
                load(port, path, cookies, clients=options.clients, requests=4 * options.clients)
            for _round in range(options.rounds):
                for name in pages:
                    if name == "home":
                        continue
                    # the home page right before each page: a machine whose speed drifts slows the pair alike
                    for measured in ("home", name):
                        rate, times = load(
                            port, pages[measured], cookies, clients=options.clients, requests=options.requests
                        )
                        rates[measured].append(rate)
                        durations[measured] += times
                    ratios[name].append(rates[name][-1] / rates["home"][-1])
        finally:
            stop(processes)

    table = {
        name: {
            "path": path,
            "requests_per_second": round(statistics.median(rates[name]), 1),
            "each_round": [round(rate, 1) for rate in rates[name]],
            "to_home_page": round(statistics.median(ratios[name]), 2) if name != "home" else 1.0,
            "each_round_to_home_page": [round(ratio, 2) for ratio in ratios.get(name, [])],
            "p50_ms": round(statistics.median(durations[name]) * 1000, 1),
            "p95_ms": round(statistics.quantiles(durations[name], n=20)[-1] * 1000, 1),
            "queries": queries[name],
        }
        for name, path in pages.items()
    }
    print(
        f"gunicorn {options.server_args} on {vendor}; {options.clients} clients, "
        f"{options.requests} requests x {options.rounds} rounds per page (medians over the rounds)"
    )
    print(f"{'page':<16} {'req/s':>7} {'x home':>7} {'p50 ms':>7} {'p95 ms':>7} {'queries':>8}")
    for name, row in table.items():
        print(
            f"{name:<16} {row['requests_per_second']:>7} {row['to_home_page']:>7} {row['p50_ms']:>7} "
            f"{row['p95_ms']:>7} {row['queries']:>8}"
        )
    path = options.json or WORK / f"learner_pages-{vendor}.json"
    path.write_text(
        json.dumps(
            {"database": vendor, "options": {key: str(value) for key, value in vars(options).items()}, "pages": table},
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
