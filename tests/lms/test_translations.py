import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

from lms import UPSTREAM_LOCALE_PATH

BASE_DIR = Path(settings.BASE_DIR)
# The site's catalogue and each app's: every app ships its own translations.
CATALOGUES = sorted(
    path.relative_to(BASE_DIR)
    for path in [*BASE_DIR.glob("*/locale/vi/LC_MESSAGES/django.po"), BASE_DIR / "locale/vi/LC_MESSAGES/django.po"]
    if not path.is_relative_to(BASE_DIR / ".venv")
)


def read_catalogue(path):
    with path.open("rb") as po_file:
        return read_po(po_file, locale="vi")


def test_the_site_and_every_app_have_a_vietnamese_catalogue():
    assert [str(path.parts[0]) for path in CATALOGUES] == ["certificates", "courses", "lms", "locale", "targets"]


@pytest.mark.parametrize("path", CATALOGUES, ids=str)
def test_every_string_of_the_vietnamese_catalogue_is_translated_and_not_fuzzy(path):
    catalogue = read_catalogue(BASE_DIR / path)

    untranslated = [message.id for message in catalogue if message.id and not message.string]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=str)
def test_translations_keep_the_placeholders_of_their_source(path):
    catalogue = read_catalogue(BASE_DIR / path)

    problems = [(message.id, errors) for message, errors in catalogue.check() if errors]
    assert problems == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "db.sqlite3*", "__pycache__", "node_modules"),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "vi",
            "--extension",
            "html,txt,py,svg",
            "--no-obsolete",
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=True,
        capture_output=True,
    )

    for path in CATALOGUES:
        known = {message.id for message in read_catalogue(BASE_DIR / path) if message.id}
        marked = {message.id for message in read_catalogue(copy / path) if message.id}
        assert marked - known == set(), f"run `make messages` and translate the new strings of {path}"


@pytest.mark.parametrize("path", sorted(UPSTREAM_LOCALE_PATH.glob("vi/LC_MESSAGES/*.po")), ids=lambda path: path.name)
def test_the_vietnamese_of_wagtail_and_django_is_translated_and_keeps_their_placeholders(path):
    catalogue = read_catalogue(path)

    assert [message.id for message in catalogue if message.id and (not message.string or message.fuzzy)] == []
    assert [(message.id, errors) for message, errors in catalogue.check() if errors] == []


def test_the_vietnamese_of_wagtail_says_the_product_s_strings_as_the_apps_do():
    # LOCALE_PATHS comes before every app: a string the product shares with Wagtail ("Next", "active") would
    # otherwise read as Wagtail's Vietnamese on the product's own screens.
    upstream = {
        (message.id, message.context): message.string
        for message in read_catalogue(UPSTREAM_LOCALE_PATH / "vi/LC_MESSAGES/django.po")
        if message.id
    }
    differing = [
        (str(path), message.id, message.string, upstream[(message.id, message.context)])
        for path in CATALOGUES
        for message in read_catalogue(BASE_DIR / path)
        if message.id and upstream.get((message.id, message.context), message.string) != message.string
    ]
    assert differing == []


def test_the_product_s_learning_words_leave_wagtail_s_own_words_alone():
    # Wagtail's workflow states and buttons say "In progress", "Continue", "Submitted" about a page under review;
    # the product says the same English about a learner, so its strings carry a context. (Looked up through
    # variables so that makemessages does not collect this test's strings.)
    expected = {
        (None, "In progress"): "Đang thực hiện",
        (None, "Continue"): "Tiếp tục",
        (None, "Submitted"): "Đã gửi",
        ("learning", "In progress"): "Đang học",
        ("quiz attempt", "In progress"): "Đang làm bài",
        ("learning", "Continue"): "Học tiếp",
        ("quiz attempt", "Submitted"): "Nộp lúc",
    }
    with translation.override("vi"):
        said = {
            (context, message): pgettext(context, message) if context else gettext(message)
            for context, message in expected
        }

    assert said == expected
