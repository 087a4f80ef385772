"""A hall of learners taking one timed quiz at once, against the site served as in production.

    .venv/bin/python bench/quiz_load.py [--learners 200] [--questions 10] [--logins 50] [--save-rate 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_quizload .venv/bin/python bench/quiz_load.py --learners 500

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by DATABASE_URL, whose tables
it drops first), loads `seed_demo`, adds a quiz of --questions questions drawn from the demo bank with a time
limit to the demo's first course, and --learners learners of the demo commune enrolled in it. It then serves the
site as docs/deployment.md says (production settings, collected static files, one `db_worker`, and two pools of
gunicorn with the repository's gunicorn.conf.py unless --server-args says otherwise: the site's on --port and the
quiz's on the next port, to which the script sends the quiz's own requests, QUIZ_PATHS, as nginx does; one pool
for everything with --one-pool) on 127.0.0.1 only, and plays the phases of a training session, each bounded in
count and time:

1. log-in storm: the first --logins learners open the log-in page and log in with their password, spread over
   --login-window seconds (the others are already logged in, as on their own phone);
2. start: every learner opens the quiz, starts an attempt and gets its page, spread over --start-window seconds;
3. answering: the answers are saved as the phone saves them (one request per --answers-per-save answers),
   --save-rate saves a second in all;
4. submit: every learner submits (the form carries every answer, as the page does) and reads the result page,
   spread over --submit-window seconds.

A probe reads the home page anonymously every --probe-interval seconds throughout, and alone before the load
(its idle figure), after three rounds of twelve at once that warm the server's workers up. Prints, per phase and
request, the count, the rate, the 50th, 95th and 99th percentiles in ms and the errors (a wrong status, a time-out
after --timeout seconds or a refused connection), the lines of the server's log that say "database is locked", and
the cores each part used in each phase on average (this script, gunicorn with its workers, the task worker,
PostgreSQL's processes, the whole machine: where the machine's time went), and writes everything to --json. Stops
by itself: the whole run is cut off after --max-seconds, and the server and worker it started are stopped.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import statistics
import time
from pathlib import Path

from demo_database import WORK, prepare_database
from served_site import DEFAULT_SERVER_ARGS, HOST, CpuMeter, server_environment, start, stop, wait_until_serving

PASSWORD = "MatTran@2026"
# What docs/deployment.md has nginx send to the quiz's pool: starting an attempt, and the attempt's page, saves,
# submit and result.
QUIZ_PATHS = ("/bai-kiem-tra/", "/lan-lam-bai/")


def prepare(options):
    """The quiz, its learners (enrolled, with the demo password) and a session for each learner who does not
    take part in the log-in storm. Returns the quiz, the learners' usernames and their session cookies."""
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from courses.demo import DEMO_BANK
    from courses.models import CoursePage, Enrolment, EnrolmentSource, QuestionCategory, QuizPage, QuizSlot
    from lms import roles
    from lms.demo import DEMO_COMMUNE_CODE
    from lms.models import Person, PersonCategory, Unit

    course = CoursePage.objects.get(slug="ky-nang-so-co-ban")
    run = secrets.token_hex(3)  # a second run on a kept database adds its own quiz and learners
    quiz = QuizPage(title=f"Bài kiểm tra cuối buổi {run}", slug=f"bai-kiem-tra-{run}", time_limit_minutes=30)
    bank = QuestionCategory.objects.get(name=DEMO_BANK, parent=None)
    quiz.slots = [QuizSlot(category=bank, count=options.questions)]
    course.add_child(instance=quiz)
    quiz.save_revision().publish()

    User = get_user_model()
    password = make_password(PASSWORD)  # one hash for all: the storm pays its cost, the preparation once
    users = User.objects.bulk_create(
        User(
            username=f"hocvien-{run}-{number:04d}", first_name=f"Tải {number}", last_name="Học viên", password=password
        )
        for number in range(options.learners)
    )
    Group.objects.get(name=roles.LEARNER).user_set.add(*users)
    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    category = PersonCategory.objects.get(code="chuyen-trach")
    people = [Person(full_name=f"Học viên Tải {user.pk}", unit=commune, category=category, user=user) for user in users]
    for person in people:
        person.prepare_for_save()
    Person.objects.bulk_create(people)
    Enrolment.objects.bulk_create(
        Enrolment(person=person, course=course, source=EnrolmentSource.SELF) for person in people
    )

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = {}
    for user in users[options.logins :]:
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "lms.auth.UsernameEmailOrPhoneBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(timedelta(hours=12))
        store.save()
        sessions[user.username] = store.session_key
    return quiz, [user.username for user in users], sessions


class Recorder:
    """Every request's phase, name, start (s from the run's start), duration (ms) and error (None if fine)."""

    def __init__(self, meter):
        self.started = time.monotonic()
        self.phase = "idle"
        self.rows = []
        self.phase_times = {}
        self.meter = meter
        self.phase_cpu = {}  # phase: the meter's samples at its start and end

    def enter(self, phase):
        now = time.monotonic() - self.started
        sample = self.meter.sample()
        if self.phase in self.phase_times:
            self.phase_times[self.phase][1] = now
            self.phase_cpu[self.phase][1] = sample
        self.phase = phase
        self.phase_times[phase] = [now, now]
        self.phase_cpu[phase] = [sample, sample]

    def cores(self):
        """Per phase, the cores each part used on average (CPU seconds over the phase's seconds)."""
        used = {}
        for phase, (began, ended) in self.phase_times.items():
            if ended > began:
                first, last = self.phase_cpu[phase]
                used[phase] = {part: round((last[part] - first[part]) / (ended - began), 2) for part in first}
        return used

    def add(self, name, began, error, phase=None):
        duration = (time.monotonic() - began) * 1000
        self.rows.append((phase or self.phase, name, began - self.started, duration, error))

    def summary(self):
        groups = {}
        for phase, name, _began, duration, error in self.rows:
            groups.setdefault((phase, name), []).append((duration, error))
        table = []
        for (phase, name), samples in groups.items():
            fine = sorted(duration for duration, error in samples if error is None)
            errors = {}
            for _duration, error in samples:
                if error is not None:
                    errors[error] = errors.get(error, 0) + 1
            start, end = self.phase_times.get(phase, (0, 0))
            cuts = statistics.quantiles(fine, n=100, method="inclusive") if len(fine) >= 2 else fine * 99
            table.append(
                {
                    "phase": phase,
                    "request": name,
                    "count": len(samples),
                    "per_second": round(len(samples) / (end - start), 1) if end > start else None,
                    "p50_ms": round(cuts[49], 1) if fine else None,
                    "p95_ms": round(cuts[94], 1) if fine else None,
                    "p99_ms": round(cuts[98], 1) if fine else None,
                    "errors": sum(errors.values()),
                    "error_kinds": errors,
                }
            )
        return table


class Phone:
    """One learner's phone: its cookies, its CSRF token and its attempt."""

    def __init__(self, username, session_key=None):
        self.username = username
        self.csrf = secrets.token_hex(16)  # a 32-character secret, as Django's own cookie holds
        self.cookies = {"csrftoken": self.csrf}
        if session_key:
            self.cookies["sessionid"] = session_key
        self.attempt_id = None
        self.answers = []  # one dict of form fields per question

    def headers(self, origin):
        return {
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": origin + "/",
        }


class Generator:
    def __init__(self, options, base, quiz_base, recorder):
        self.options = options
        self.base = base
        self.quiz_base = quiz_base
        self.recorder = recorder
        self.client = None

    async def request(
        self, name, phone, method, path, *, data=None, expect=(200,), json_reply=False, phase=None, base=None
    ):
        """Send one request and record it; the response's text (or None on an error). It goes to the pool that
        nginx would send it to unless ``base`` says which, with the site's address as nginx passes it on."""
        import aiohttp

        base = base or (self.quiz_base if path.startswith(QUIZ_PATHS) else self.base)
        headers = phone.headers(self.base.replace("http://", "https://")) if phone else {"X-Forwarded-Proto": "https"}
        headers["Host"] = self.base.removeprefix("http://")
        if json_reply:
            headers["Accept"] = "application/json"
        began = time.monotonic()
        try:
            async with self.client.request(
                method, base + path, data=data, headers=headers, allow_redirects=False
            ) as response:
                body = await response.text()
                if phone:
                    for morsel in response.cookies.values():
                        phone.cookies[morsel.key] = morsel.value
                    phone.csrf = phone.cookies["csrftoken"]  # a log-in changes it
                error = None if response.status in expect else f"HTTP {response.status}"
                self.recorder.add(name, began, error, phase)
                return (response, body) if error is None else None
        except TimeoutError:
            self.recorder.add(name, began, "time-out", phase)
        except aiohttp.ClientError as failure:
            self.recorder.add(name, began, type(failure).__name__, phase)
        return None

    async def probe(self, stop):
        while not stop.is_set():
            await self.request("probe (home page)", None, "GET", "/")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.options.probe_interval)

    async def log_in(self, phone):
        if not await self.request("log-in page", phone, "GET", "/tai-khoan/login/"):
            return
        form = {"csrfmiddlewaretoken": phone.csrf, "username": phone.username, "password": PASSWORD}
        await self.request("log-in", phone, "POST", "/tai-khoan/login/", data=form, expect=(302,))

    async def start(self, phone, quiz_path, start_path):
        if not await self.request("quiz page", phone, "GET", quiz_path):
            return
        started = await self.request(
            "start", phone, "POST", start_path, data={"csrfmiddlewaretoken": phone.csrf}, expect=(302,)
        )
        if not started:
            return
        location = started[0].headers["Location"]
        match = re.search(r"/lan-lam-bai/(\d+)/", location)
        if match is None:
            self.recorder.add("start", time.monotonic(), f"redirected to {location}")
            return
        phone.attempt_id = int(match.group(1))
        await self.request("attempt page", phone, "GET", location)

    async def save(self, phone, answers):
        data = [("csrfmiddlewaretoken", phone.csrf)]
        for answer in answers:
            data += flattened(answer)
        await self.request("save", phone, "POST", f"/lan-lam-bai/{phone.attempt_id}/luu/", data=data, json_reply=True)

    async def submit(self, phone):
        data = [("csrfmiddlewaretoken", phone.csrf)]
        for answer in phone.answers:
            data += flattened(answer)
        if await self.request(
            "submit", phone, "POST", f"/lan-lam-bai/{phone.attempt_id}/nop-bai/", data=data, expect=(302,)
        ):
            await self.request("result page", phone, "GET", f"/lan-lam-bai/{phone.attempt_id}/ket-qua/")


def flattened(answer):
    """A question's form fields as (name, value) pairs, "shown" first."""
    pairs = []
    for name, value in answer.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs


async def spread(coroutines, window):
    """Run the coroutines, the n-th starting n/len of ``window`` seconds after the first."""
    began = time.monotonic()
    count = max(1, len(coroutines))

    async def at(index, coroutine):
        await asyncio.sleep(max(0.0, began + window * index / count - time.monotonic()))
        await coroutine

    await asyncio.gather(*(at(index, coroutine) for index, coroutine in enumerate(coroutines)))


def answers_of(phones):
    """Each phone's answers, one dict of form fields per question, read from its attempt (not timed)."""
    from quiz import right_answers

    from courses.models import Attempt

    by_attempt = {phone.attempt_id: phone for phone in phones if phone.attempt_id}
    for attempt in Attempt.objects.filter(pk__in=by_attempt).prefetch_related("questions"):
        form = right_answers(attempt)
        by_attempt[attempt.pk].answers = [
            {"shown": [shown], **{key: value for key, value in form.items() if key.startswith(f"answer-{shown}")}}
            for shown in form["shown"]
        ]


async def run(options, quiz_path, start_path, usernames, sessions, recorder):
    import aiohttp

    generator = Generator(options, f"http://{HOST}:{options.port}", f"http://{HOST}:{options.quiz_port}", recorder)
    timeout = aiohttp.ClientTimeout(total=options.timeout)
    # An idle connection is let go before the server's keep-alive (5 s) closes it: reused just as the server closes
    # it, a request would fail where a browser sends it again on a new connection.
    connector = aiohttp.TCPConnector(limit=options.learners + 10, keepalive_timeout=4)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as generator.client:
        # every worker's threads load their code and templates at their first requests: not the idle figure
        recorder.enter("(warming up)")
        for _round in range(3):
            for base in {generator.base, generator.quiz_base}:
                await asyncio.gather(
                    *(generator.request("probe (home page)", None, "GET", "/", base=base) for _thread in range(12))
                )
        recorder.enter("idle")
        for _probe in range(20):
            await generator.request("probe (home page)", None, "GET", "/")
            await asyncio.sleep(0.05)
        stop = asyncio.Event()
        prober = asyncio.create_task(generator.probe(stop))
        phones = [Phone(username, sessions.get(username)) for username in usernames]

        storm = [phone for phone in phones if "sessionid" not in phone.cookies]
        if storm:
            recorder.enter("1 log-in storm")
            await spread([generator.log_in(phone) for phone in storm], options.login_window)

        recorder.enter("2 start")
        await spread([generator.start(phone, quiz_path, start_path) for phone in phones], options.start_window)

        recorder.enter("(reading the answers)")
        await asyncio.to_thread(answers_of, phones)

        recorder.enter("3 answering")
        saves = []
        per_save = options.answers_per_save
        for first in range(0, options.questions, per_save):
            for phone in phones:
                if phone.attempt_id and phone.answers[first : first + per_save]:
                    saves.append(generator.save(phone, phone.answers[first : first + per_save]))
        await spread(saves, len(saves) / options.save_rate)

        recorder.enter("4 submit")
        await spread([generator.submit(phone) for phone in phones if phone.attempt_id], options.submit_window)

        recorder.enter("done")
        stop.set()
        await prober


def print_table(table, locked_lines, options):
    print(
        f"\n{'phase':<16} {'request':<20} {'count':>6} {'per s':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for row in table:
        figures = [f"{row[key]:>8}" if row[key] is not None else f"{'-':>8}" for key in ("p50_ms", "p95_ms", "p99_ms")]
        rate = row["per_second"] if row["per_second"] is not None else "-"
        print(
            f"{row['phase']:<16} {row['request']:<20} {row['count']:>6} {rate:>7} "
            f"{' '.join(figures)} {row['errors']:>7}"
        )
        if row["error_kinds"]:
            print(f"{'':<38} {row['error_kinds']}")
    print(f'\nserver log lines saying "database is locked": {locked_lines}')


def print_cores(cores):
    parts = list(next(iter(cores.values()), {}))
    print(f"\ncores used on average ({os.cpu_count()} on this machine)")
    print(f"{'phase':<22}" + "".join(f"{part:>12}" for part in parts))
    for phase, used in cores.items():
        print(f"{phase:<22}" + "".join(f"{used[part]:>12}" for part in parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--logins", type=int, default=50, help="learners who log in during the storm")
    parser.add_argument("--login-window", type=float, default=60)
    parser.add_argument("--start-window", type=float, default=10)
    parser.add_argument("--save-rate", type=float, default=50, help="answer saves a second, all learners together")
    parser.add_argument("--answers-per-save", type=int, default=1, help="answers the phone sends in one request")
    parser.add_argument("--submit-window", type=float, default=10)
    parser.add_argument(
        "--probe-interval", type=float, default=0.1, help="seconds between probes: 100 in 10 s, enough for a p95"
    )
    parser.add_argument("--timeout", type=float, default=15, help="seconds before a request counts as an error")
    parser.add_argument("--max-seconds", type=float, default=900, help="the whole run is cut off after this")
    parser.add_argument("--port", type=int, default=8765, help="the site's pool; the quiz's is on the next port")
    parser.add_argument("--server-args", default=DEFAULT_SERVER_ARGS, help="gunicorn's options, for each pool")
    parser.add_argument("--one-pool", action="store_true", help="serve the quiz's requests from the site's pool too")
    parser.add_argument(
        "--keep-database", action="store_true", help="add to the database of the previous run instead of a fresh one"
    )
    parser.add_argument("--json", type=Path, default=None, help="default var/bench/quiz_load-<database>.json")
    options = parser.parse_args()
    options.logins = min(options.logins, options.learners)
    options.quiz_port = options.port if options.one_pool else options.port + 1

    began = time.monotonic()
    os.environ.update(server_environment(options.port))
    prepare_database("quiz_load", settings="config.settings.production", fresh=not options.keep_database)
    from django.db import connection
    from django.urls import reverse

    quiz, usernames, sessions = prepare(options)
    quiz_path = quiz.url  # read now: the database is not read from the event loop
    start_path = reverse("quiz_start", args=[quiz.pk])
    print(f"prepared in {time.monotonic() - began:.0f} s")
    vendor = connection.vendor
    connection.close()
    log_path = WORK / f"quiz_load-{vendor}-server.log"
    with open(log_path, "w") as log:
        processes = start(options.port, log, server_args=options.server_args, worker=True)
        parts = ["gunicorn", "task worker"]
        if not options.one_pool:
            processes += start(options.quiz_port, log, server_args=options.server_args, static_collected=True)
            parts = ["site's pool", "task worker", "quiz's pool"]
        try:
            for port in {options.port, options.quiz_port}:
                wait_until_serving(port)
            print(
                f"gunicorn {options.server_args}, {'one pool' if options.one_pool else 'two pools'}; "
                f"{options.learners} learners, {options.questions} questions, {options.logins} log-ins"
            )
            recorder = Recorder(CpuMeter(processes, parts, postgresql=vendor == "postgresql"))
            try:
                asyncio.run(
                    asyncio.wait_for(
                        run(options, quiz_path, start_path, usernames, sessions, recorder), options.max_seconds
                    )
                )
            except TimeoutError:
                print(f"cut off after {options.max_seconds} s")
        finally:
            stop(processes)
    locked_lines = log_path.read_text(errors="replace").count("database is locked")
    table = recorder.summary()
    print_table(table, locked_lines, options)
    cores = recorder.cores()
    print_cores(cores)
    from courses.models import AttemptState

    graded = quiz.attempts.filter(state=AttemptState.GRADED).count()
    print(f"attempts graded: {graded} of {options.learners}")
    path = options.json or WORK / f"quiz_load-{vendor}.json"
    path.write_text(
        json.dumps(
            {
                "database": vendor,
                "options": {key: str(value) for key, value in vars(options).items()},
                "phases": table,
                "cores_used": cores,
                "database_is_locked_lines": locked_lines,
                "attempts_graded": graded,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written to {path}")


if __name__ == "__main__":
    random.seed(2026)
    main()
