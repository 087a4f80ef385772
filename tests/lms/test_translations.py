import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def read_catalogue(path):
    with path.open("rb") as po_file:
        return read_po(po_file, locale="vi")


def test_every_string_of_the_vietnamese_catalogue_is_translated_and_not_fuzzy():
    catalogue = read_catalogue(CATALOGUE)

    untranslated = [message.id for message in catalogue if message.id and not message.string]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_the_placeholders_of_their_source():
    catalogue = read_catalogue(CATALOGUE)

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

    known = {message.id for message in read_catalogue(CATALOGUE) if message.id}
    marked = {message.id for message in read_catalogue(copy / CATALOGUE.relative_to(settings.BASE_DIR)) if message.id}
    assert marked - known == set(), "run `make messages` and translate the new strings"
