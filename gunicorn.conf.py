"""gunicorn's settings for the site, read from the directory it starts in (docs/deployment.md, "Web server").

Threaded workers: a request spends part of its time waiting for the database and for the phone at the other end
of a slow connection; a thread waiting lets the worker's other threads run, where a sync worker would sit idle.
One process per core plus one keeps every core busy while a process collects garbage or starts again.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A learner's phone keeps its connection for the next autosave instead of opening a new one.
keepalive = 5
# A request still running after this is stopped and its worker started again (the quiz page's slowest work, a
# submit, takes well under a second).
timeout = 30
# Workers are replaced now and then, at different moments, so that no slow leak grows.
max_requests = 5000
max_requests_jitter = 500
