import gzip
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import CompressedTextMiddleware
from lms.cache import RedisCache
from tests.factories import make_learner

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "kynangso.example.com",
    "WAGTAILADMIN_BASE_URL": "https://kynangso.example.com",
}


def test_production_settings_pass_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENVIRONMENT},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    environment = {**os.environ, **PRODUCTION_ENVIRONMENT}
    del environment["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def run_with_settings(environment, code):
    """Run ``code`` in a new Python with Django set up from ``environment``; return the finished process."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
    )


def test_the_sites_address_follows_the_port_make_run_serves_on(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "WAGTAILADMIN_BASE_URL"}
    (tmp_path / "Makefile").write_text(
        f"include {settings.BASE_DIR / 'Makefile'}\naddress:\n\t@{sys.executable} -c "
        "'import django; django.setup(); from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)'\n"
    )

    result = subprocess.run(
        ["make", "--no-print-directory", "-f", str(tmp_path / "Makefile"), "address", "PORT=8080"],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8080"


def policy_of(response):
    """The Content-Security-Policy header as a dict of directive: sources."""
    directives = (directive.split() for directive in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
def test_public_pages_run_only_the_sites_own_scripts_and_frame_only_the_video_player(client):
    policy = policy_of(client.get("/"))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-src"] == ["https://www.youtube-nocookie.com"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in str(policy)


@pytest.mark.django_db
def test_every_page_turns_off_the_camera_and_other_powerful_features(client, admin_client):
    for response in (client.get("/"), admin_client.get("/admin/")):
        features = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))

        assert features["camera"] == "()"
        assert features["microphone"] == "()"
        assert features["geolocation"] == "()"
        assert features["fullscreen"] == '(self "https://www.youtube-nocookie.com")'


def test_each_configured_video_provider_gets_its_player_frame_and_no_other():
    result = run_with_settings(
        {"DJANGO_SETTINGS_MODULE": "config.settings.test", "LMS_VIDEO_PROVIDERS": "youtube,vimeo"},
        "from django.conf import settings; from wagtail.embeds.finders import get_finders\n"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-src'])\n"
        "print([finder.accept('https://vimeo.com/76979871') for finder in get_finders()])\n"
        "print([finder.accept('https://www.dailymotion.com/video/x7tgad0') for finder in get_finders()])",
    )

    assert result.stdout.splitlines() == [
        "['https://www.youtube-nocookie.com', 'https://player.vimeo.com']",
        "[False, True]",
        "[False, False]",
    ], result.stderr


def test_an_unknown_video_provider_stops_the_site_from_starting_and_is_named():
    result = run_with_settings(
        {"DJANGO_SETTINGS_MODULE": "config.settings.test", "LMS_VIDEO_PROVIDERS": "youtube,tiktok"}, "pass"
    )

    assert result.returncode != 0
    assert "LMS_VIDEO_PROVIDERS: unknown tiktok; choose from youtube, vimeo." in result.stderr


def test_production_pages_send_hsts_and_the_cookies_only_over_https_to_this_site():
    result = run_with_settings(
        PRODUCTION_ENVIRONMENT,
        "from django.test import Client\n"
        "response = Client().post("
        "    '/i18n/setlang/', {'language': 'en'}, secure=True, HTTP_HOST='kynangso.example.com'"
        ")\n"
        "cookie = response.cookies['django_language']\n"
        "print(response['Strict-Transport-Security'])\n"
        "print(response['X-Frame-Options'], response['Referrer-Policy'], response['X-Content-Type-Options'])\n"
        "print(cookie['secure'], cookie['httponly'], cookie['samesite'])\n"
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)\n"
        "print(s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE)",
    )

    assert result.stdout.splitlines() == [
        "max-age=31536000; includeSubDomains; preload",
        "DENY same-origin nosniff",
        "True True Lax",
        "True True Lax",
        "True True Lax",
    ], result.stderr


@pytest.mark.django_db
def test_pages_go_gzipped_to_a_browser_that_accepts_it_and_whole_to_one_that_does_not(client, admin_client):
    for browser in (client, admin_client):
        page = browser.get("/admin/" if browser is admin_client else "/")
        gzipped = browser.get("/admin/" if browser is admin_client else "/", HTTP_ACCEPT_ENCODING="gzip, br")

        assert "Content-Encoding" not in page
        assert gzipped["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in gzipped["Vary"]
        assert len(gzipped.content) < len(page.content) / 2
        assert b"</html>" in gzip.decompress(gzipped.content)


def test_files_compressed_already_go_as_they_are():
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    body = b"%PDF-1.7 " + b"0" * 5000

    response = CompressedTextMiddleware(lambda request: HttpResponse(body, content_type="application/pdf"))(request)

    assert "Content-Encoding" not in response
    assert response.content == body


@pytest.mark.django_db
def test_on_postgresql_the_read_of_the_sessions_user_is_planned_once_per_connection_not_on_every_page(client):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    client.force_login(make_learner())
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    for _page in range(6):  # a query run five times (DATABASE_PREPARE_THRESHOLD) is prepared
        assert client.get(reverse("password_change")).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ['%FROM "lms_user"%'])
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert len(prepared) == 1, prepared
    assert re.search(r'WHERE "lms_user"."id" = \$\d+ ', prepared[0])  # a parameter: one plan for every learner


def test_with_redis_url_the_cache_is_redis_with_one_client_kept_for_its_commands(redis_url):
    configured = run_with_settings(
        {"REDIS_URL": redis_url},
        "from django.core.cache import caches; backend = type(caches['default'])\n"
        "print(backend.__module__, backend.__name__)",
    )
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.split()[-2:] == ["lms.cache", "RedisCache"]

    cache = RedisCache(redis_url, {})
    cache.set("pages-version", "v1")
    client = cache._cache.get_client()
    assert cache.get("pages-version") == "v1"
    assert cache._cache.get_client() is client  # Django's own builds a new one for each command
    assert cache._cache.get_client("pages-version", write=True) is client  # one server: one pool, one client
