"""The site served as docs/deployment.md says, for the benchmarks that load it over HTTP: production settings,
collected static files and gunicorn (with the repository's gunicorn.conf.py unless told otherwise), on 127.0.0.1
only, behind what looks to the site like the TLS proxy (the clients send the X-Forwarded-Proto header nginx sends)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from demo_database import ROOT, WORK

HOST = "127.0.0.1"  # never anything else: the benchmarks are load generators
SECRET_KEY = "bench-only-" + "k" * 50
DEFAULT_SERVER_ARGS = "--config gunicorn.conf.py"


def server_environment(port):
    """The production settings as docs/deployment.md sets them, for a site reached by plain HTTP on 127.0.0.1
    (the generator says the request came through TLS, as nginx does)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "WAGTAILADMIN_BASE_URL": f"https://{HOST}:{port}",
        "BEHIND_TLS_PROXY": "true",
        "STATIC_ROOT": str(WORK / "static"),
    }


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def collect_static(port):
    """``collectstatic`` into the benchmarks' STATIC_ROOT, as a deployment does before it starts the server (and
    before anything in the benchmark's own process renders a page with the same settings)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=server_environment(port),
        check=True,
    )


def start(port, log, *, server_args=DEFAULT_SERVER_ARGS, worker=False, static_collected=False):
    """Collect the static files unless ``static_collected``, then start gunicorn on ``port`` (and the background
    worker if ``worker``), their output written to the open file ``log``. Returns the processes, for ``stop``; each
    in a session of its own, so that a Ctrl-C of the benchmark reaches only the benchmark."""
    environment = server_environment(port)
    if not static_collected:
        collect_static(port)
    commands = [
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", *server_args.split(), "--bind", f"{HOST}:{port}"]
    ]
    if worker:
        commands.append([sys.executable, "manage.py", "db_worker"])
    return [
        subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        for command in commands
    ]


def stop(processes):
    """Ask each process to stop, and kill any still running 30 seconds later."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_serving(port, seconds=60):
    """Wait for gunicorn to accept connections."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not start on {HOST}:{port} (see {WORK})")


class CpuMeter:
    """The CPU time (user and system, in seconds) used so far by the benchmark itself, by each process it started
    with its descendants (gunicorn's workers, the background worker), by every PostgreSQL process of the machine
    if ``postgresql`` (on SQLite the database works inside the others), and by the whole machine; read from
    Linux's /proc."""

    TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, processes, names, *, postgresql):
        self.roots = dict(zip(names, (process.pid for process in processes), strict=True))
        self.postgresql = postgresql

    def sample(self):
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    name, fields = (entry / "stat").read_text().rsplit(")", 1)
                except OSError:  # it has just exited
                    continue
                fields = fields.split()
                # the parent's pid, and the time used by the process and by its children that have exited
                stats[int(entry.name)] = (name.split("(", 1)[1], int(fields[1]), sum(map(int, fields[11:15])))
        children = {}
        for pid, (_name, parent, _ticks) in stats.items():
            children.setdefault(parent, []).append(pid)

        def tree(pid):
            return stats.get(pid, ("", 0, 0))[2] + sum(tree(child) for child in children.get(pid, []))

        figures = {"benchmark": sum(os.times()[:2])}
        figures.update({name: tree(pid) / self.TICKS for name, pid in self.roots.items()})
        if self.postgresql:
            figures["postgresql"] = sum(ticks for name, _parent, ticks in stats.values() if name == "postgres")
            figures["postgresql"] /= self.TICKS
        busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        figures["machine"] = sum(int(busy[field]) for field in (0, 1, 2, 5, 6, 7)) / self.TICKS  # all but idle
        return figures
