"""Browser tests: Playwright drives Debian's Chromium against a live test server."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE_VIEWPORT = {"width": 360, "height": 740}


@pytest.fixture
def demo_site(django_db_serialized_rollback, live_server):
    """The live server's address, with the demo data loaded."""
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def phone(demo_site, monkeypatch):
    """A browser tab the size of a small phone screen.

    Chromium starts per test, after the database is ready: Playwright's event loop changes
    which connection object Django hands out, so it must not run while the test database is
    set up or restored.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests"
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database calls
    # are still synchronous, so Django's async-safety guard does not apply to them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=PHONE_VIEWPORT, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()
