"""Does a password reset take longer for an address that has an account? It must not (account enumeration).

    .venv/bin/python bench/password_reset_timing.py [--requests 30] [--smtp-delay 0.8]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by DATABASE_URL, whose tables
it drops first) with `seed_demo` loaded, and a stand-in SMTP server on 127.0.0.1 that takes --smtp-delay
seconds to accept each message, as a real mail server can. Posts the password-reset form --requests times for
the demo learner's address and as many times for an address nobody has, through Django's whole stack with
DEBUG off (the two addresses in random turns), and prints the milliseconds of each (median, 10th and 90th
percentile): first as the site runs (the reset queued for the worker), then as before the queue (Django's
own reset form, mailing by SMTP inside the request).
"""

import argparse
import random
import socketserver
import statistics
import threading
import time

from demo_database import prepare_database

UNKNOWN = "khong.ai.dung@example.com"
RESET_PATH = "/tai-khoan/password_reset/"


class SlowSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept a message, answering the end of its data after ``server.delay`` seconds."""

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 bench")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command == "DATA":
                self.reply("354 go on")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                time.sleep(self.server.delay)
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def timings(client, emails, requests):
    """The spread of a reset request's milliseconds for each of ``emails``, each asked ``requests`` times."""
    times = {email: [] for email in emails}
    turns = random.Random(2026)
    for _request in range(requests):
        # in a random order each time: the second of two requests can find the database busier or warmer
        for email in turns.sample(emails, len(emails)):
            started = time.perf_counter()
            response = client.post(RESET_PATH, {"email": email})
            times[email].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
    return {email: spread(spent) for email, spent in times.items()}


def spread(times):
    """Median, 10th and 90th percentile: on SQLite a commit sometimes waits for the disk, so the times of
    both addresses fall in two groups and a median alone jumps between them from run to run."""
    deciles = statistics.quantiles(times, n=10)
    return f"{statistics.median(times):6.1f} ms (p10 {deciles[0]:5.1f}, p90 {deciles[-1]:6.1f})"


def urls_before_the_queue():
    """This module as a URLconf: the site's URLs, the reset page served by Django's own form."""
    from django.contrib.auth import views as auth_views
    from django.urls import path

    from config.urls import urlpatterns as site_urls

    global urlpatterns
    urlpatterns = [path(RESET_PATH.lstrip("/"), auth_views.PasswordResetView.as_view()), *site_urls]
    return __name__


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--smtp-delay", type=float, default=0.8)
    options = parser.parse_args()
    prepare_database("password_reset")

    from django.test import Client, override_settings
    from django_tasks_db.models import DBTaskResult

    from lms.models import User

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSMTPHandler)
    server.delay = options.smtp_delay
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    smtp_backend = "django.core.mail.backends.smtp.EmailBackend"
    smtp = {"EMAIL_DELIVERY_BACKEND": smtp_backend, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": server.server_address[1]}
    known = User.objects.get(username="hocvien").email
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{options.requests} requests each; the stand-in mail server takes {options.smtp_delay:g} s per message")
    setups = [
        ("queued (the site)", smtp),
        (
            "sent in the request (before)",
            {**smtp, "EMAIL_BACKEND": smtp_backend, "ROOT_URLCONF": urls_before_the_queue()},
        ),
    ]
    for label, overrides in setups:
        with override_settings(**overrides):
            timings(client, [known, UNKNOWN], 3)  # warm up: templates, first queries
            figures = timings(client, [known, UNKNOWN], options.requests)
        print(f"{label:30} known address {figures[known]}   unknown address {figures[UNKNOWN]}")
    waiting = DBTaskResult.objects.filter(task_path="lms.tasks.send_password_reset").count()
    print(f"resets waiting for the worker: {waiting}")


if __name__ == "__main__":
    main()
