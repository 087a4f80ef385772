"""Install the apps into a new Wagtail site the way docs/plugin.md says, and serve a course page.

Builds the wheel, makes a fresh virtual environment and a project with `wagtail start`, appends the
settings and URL blocks of docs/plugin.md, migrates, runs `check`, publishes a course and fetches
the apps' pages from `runserver`. Exits non-zero on the first thing that fails.
Usage: .venv/bin/python .ci/plugin_check.py  (or `make plugin-check`)
"""

import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
GUIDE = REPOSITORY / "docs" / "plugin.md"
SITE = "provincesite"

PUBLISH_A_COURSE = """
from wagtail.models import Page
from courses.models import CourseIndexPage, CoursePage
home = Page.objects.get(depth=2)
catalogue = home.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
catalogue.add_child(instance=CoursePage(
    title="Kỹ năng số cơ bản", slug="ky-nang-so-co-ban", summary="Dùng điện thoại an toàn.", estimated_hours=2
))
"""


def run(*command, cwd=None):
    print("$", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, check=True)


def guide_block(marker):
    """The fenced Python block that follows ``<!-- marker -->`` in docs/plugin.md."""
    match = re.search(rf"<!-- {marker} -->\n```python\n(.*?)```", GUIDE.read_text(), re.DOTALL)
    if match is None:
        sys.exit(f"docs/plugin.md has no python block after <!-- {marker} -->")
    return match.group(1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    """Status and body of a GET, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def serve_and_check(python, site):
    port = free_port()
    server = subprocess.Popen([python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=site)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        expectations = [
            ("/khoa-hoc/ky-nang-so-co-ban/", 200, "Kỹ năng số cơ bản"),
            ("/khoa-hoc/", 200, "Kỹ năng số cơ bản"),
            ("/khoa-hoc-cua-toi/", 302, ""),
            ("/certificates/verify/", 200, "Kiểm tra"),
        ]
        for path, status, text in expectations:
            got_status, body = fetch(base + path)
            print(f"GET {path} -> {got_status}", flush=True)
            if got_status != status or text not in body:
                sys.exit(f"{path}: expected {status} with {text!r}, got {got_status}\n{body[:2000]}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    work = Path(tempfile.mkdtemp(prefix="plugin-check-"))
    run("make", "-s", "compilemessages", cwd=REPOSITORY)
    run(sys.executable, "-m", "pip", "wheel", REPOSITORY, "--no-deps", "--quiet", "-w", work / "dist")
    (wheel,) = (work / "dist").glob("cadre_lms-*.whl")

    environment = work / "venv"
    run(sys.executable, "-m", "venv", environment)
    python = environment / "bin" / "python"
    # The versions the repository is tested with (the wheel itself gives only lower bounds); pip takes
    # no extras in a constraints file.
    constraints = work / "constraints.txt"
    constraints.write_text(re.sub(r"\[[^\]]*\]", "", (REPOSITORY / "requirements.txt").read_text()))
    run(python, "-m", "pip", "install", "--quiet", "-c", constraints, wheel)

    site = work / "site"
    site.mkdir()
    run(environment / "bin" / "wagtail", "start", SITE, site)
    settings = site / SITE / "settings" / "base.py"
    settings.write_text(settings.read_text() + "\n" + guide_block("plugin-settings"))
    urls = site / SITE / "urls.py"
    urls.write_text(urls.read_text() + "\n" + guide_block("plugin-urls"))

    run(python, "manage.py", "migrate", "--no-input", "-v", "0", cwd=site)
    run(python, "manage.py", "check", "--fail-level", "WARNING", cwd=site)
    run(python, "manage.py", "shell", "-c", PUBLISH_A_COURSE, cwd=site)
    serve_and_check(python, site)
    print(f"The wheel {wheel.name} installs into a new Wagtail site and serves a course page.")


if __name__ == "__main__":
    main()
