"""Every screen each role reaches speaks Vietnamese: no English label of Wagtail's or Django's own catalogue shows.

The English phrases are taken from the msgids of Wagtail's and Django's catalogues (the labels, buttons and
messages their screens are made of); each role walks the admin menu and, from every listing, its first "add" and
"edit" screens. Left out: the hidden submit button of Wagtail's search forms, which only screen readers reach and
whose "Search" Wagtail's templates write outside any catalogue.
"""

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import django
import pytest
import wagtail
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission

from lms import roles
from tests.courses.helpers import make_catalogue, make_course, make_quiz
from tests.factories import PASSWORD, make_learner, make_organiser, make_person, make_trainer, make_unit_tree, make_user

pytestmark = pytest.mark.django_db

# Words of the catalogues that Vietnamese screens use as they are: names (a language's own, in the language
# chooser), abbreviations and loanwords.
# "None" is also how a template prints a missing value (Wagtail's hidden side panel counter), not a label.
NOT_ENGLISH_HERE = {
    *("None", "English", "Email", "URL", "ID", "OK", "JSON", "CSV", "XLSX", "PDF", "API", "HTML", "UTC", "UUID"),
    "Wagtail",
}
# Attributes whose text people read: tooltips, placeholders, labels read aloud, pictures' descriptions.
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value")
EDIT_OR_ADD = re.compile(r"/(add|create|new)/|/edit/|/\d+/$")


def catalogue_msgids():
    """The msgids of Wagtail's catalogues (every app of it) and of Django's core and auth catalogues."""
    catalogues = [
        *Path(wagtail.__file__).parent.rglob("locale/en/LC_MESSAGES/*.po"),
        Path(django.__file__).parent / "conf/locale/en/LC_MESSAGES/django.po",
        Path(django.__file__).parent / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    ]
    for path in catalogues:
        with path.open("rb") as po_file:
            for message in read_po(po_file):
                yield from [message.id] if isinstance(message.id, str) else message.id


def is_english_ui_text(msgid):
    """A label, button or short message: capitalised words of Latin letters only, at most six of them, no
    placeholder or markup; not a name or abbreviation Vietnamese uses as it is."""
    words = msgid.rstrip(".?!:…").split()
    return (
        0 < len(words) <= 6
        and msgid[0].isupper()
        and all(re.fullmatch(r"[A-Za-z][a-z]*|[A-Z]+", word) for word in words)
        and msgid.rstrip(".?!:…") not in NOT_ENGLISH_HERE
        and not (len(words) == 1 and len(words[0]) < 3)
    )


@cache
def english_ui_phrases():
    phrases = sorted({msgid.rstrip(".?!:…") for msgid in catalogue_msgids() if is_english_ui_text(msgid)})
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(phrases, key=len, reverse=True))) + r")(?!\w)")


def texts_of(html):
    """What the user reads on a page: its text, the texts of attributes people see (tooltips, placeholders,
    labels read aloud) and the strings of the JSON the admin's scripts draw menus and editors from."""
    soup = BeautifulSoup(html, "html.parser")
    for data in soup.find_all("script", type="application/json"):
        yield from json_strings(json.loads(data.string or "null"))
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    yield from soup.stripped_strings
    for element in soup.find_all(True):
        yield from (element[name] for name in TEXT_ATTRIBUTES if isinstance(element.get(name), str))
        is_button = element.name == "input" and element.get("type") in ("submit", "button")
        if is_button and "w-sr-only" not in element.parent.get("class", []):
            yield element.get("value", "")


def json_strings(value):
    """The strings of a JSON value, but for the dotted names of the scripts' classes ("wagtail.widgets.Select")."""
    if isinstance(value, str):
        if not re.fullmatch(r"\w+(\.\w+)+", value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def english_on(html):
    return sorted({match for text in texts_of(html) for match in english_ui_phrases().findall(text)})


def menu_urls(html):
    """The admin addresses of the sidebar's menu (its items and submenus' items), from the sidebar's JSON."""
    soup = BeautifulSoup(html, "html.parser")
    props = soup.find("script", id="wagtail-sidebar-props")
    return sorted(
        {url for url in json_strings(json.loads(props.string)) if url.startswith("/admin/") and url != "/admin/"}
    )


def first_add_and_edit_links(html):
    """The first link of a listing to an "add" screen and the first to an "edit" screen of one of its rows."""
    soup = BeautifulSoup(html, "html.parser")
    links = [urlsplit(link["href"]).path for link in soup.find_all("a", href=True)]
    found = {}
    for path in links:
        if path.startswith("/admin/") and (match := EDIT_OR_ADD.search(path)) and "delete" not in path:
            found.setdefault("edit" if match.group(0) != f"/{match.group(1)}/" else "add", path)
    return list(found.values())


def screens_of(client, extra=()):
    """Every admin screen the logged-in user reaches from the menu: (path, html) of each 200 answer."""
    home = client.get("/admin/")
    assert home.status_code == 200
    seen = {"/admin/": home.text}
    for path in [*menu_urls(home.text), *extra]:
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen[path] = response.text
        for linked in first_add_and_edit_links(response.text):
            if linked not in seen and (screen := client.get(linked)).status_code == 200:
                seen[linked] = screen.text
    return seen


@pytest.fixture
def world():
    """The four roles of the demo, each with something to see: a commune with a person, a course with a lesson
    and a quiz the trainers' group may edit, an image and a document."""
    tree = make_unit_tree()
    commune = tree["commune"]
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=1, title="Kỹ năng số cơ bản")
    make_quiz(course)
    trainers = Group.objects.get(name=roles.TRAINER)
    for permission in ("add", "change"):
        GroupPagePermission.objects.create(group=trainers, page=catalogue, permission_type=permission)
    trainer = make_trainer(managed_unit=commune)
    Image.objects.create(title="Ảnh bài học", file=get_test_image_file(), uploaded_by_user=trainer)
    Document.objects.create(
        title="Tài liệu tập huấn", file=ContentFile(b"%PDF-1.4 ", "tai-lieu.pdf"), uploaded_by_user=trainer
    )
    learner = make_learner()
    make_person(unit=commune, user=learner, full_name="Nguyễn Văn An")
    return {
        "administrator": make_user(is_superuser=True),
        "organiser": make_organiser(managed_unit=commune),
        "trainer": trainer,
        "learner": learner,
        "course": course,
    }


def page_editor_screens(course):
    return [
        reverse("wagtailadmin_explore", args=[course.pk]),
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[course.pk]),
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]),
        reverse("wagtailadmin_pages:history", args=[course.pk]),
        reverse("wagtailadmin_account"),
        reverse("wagtailadmin_pages:search") + "?q=khoa",
    ]


@pytest.mark.parametrize("role", ["administrator", "organiser", "trainer"])
def test_every_admin_screen_a_role_reaches_shows_no_english_label(client, world, role):
    client.force_login(world[role])
    extra = page_editor_screens(world["course"]) if role != "organiser" else [reverse("wagtailadmin_account")]

    screens = screens_of(client, extra)

    english = [f"{path}: {', '.join(found)}" for path, html in screens.items() if (found := english_on(html))]
    assert not english, "\n".join(english)
    assert len(screens) > 5


def test_the_learners_log_in_and_password_change_give_django_s_messages_in_vietnamese(client, world):
    wrong_password = client.post(reverse("login"), {"username": world["learner"].username, "password": "sai"})
    client.force_login(world["learner"])
    password_form = client.get(reverse("password_change"))
    weak_password = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"},
    )

    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in weak_password.text
    for page in (wrong_password, password_form, weak_password):
        assert english_on(page.text) == []


def test_the_two_step_pages_of_staff_show_no_english_label(client, world, settings):
    settings.LMS_STAFF_TWO_FACTOR = True
    client.post(reverse("login"), {"username": world["organiser"].username, "password": PASSWORD})

    set_up = client.get(reverse("two_factor_enrol"))

    assert set_up.status_code == 200
    assert english_on(set_up.text) == []


def test_the_list_of_english_phrases_holds_wagtail_s_labels_and_leaves_out_loanwords():
    phrases = english_ui_phrases()

    for label in ("Save draft", "Collapse all", "Images", "Documents", "Reports", "Help", "Search"):
        assert phrases.fullmatch(label), label
    for loanword in ("Email", "URL", "PDF"):
        assert not phrases.fullmatch(loanword), loanword


def test_an_english_label_on_a_screen_is_found():
    assert english_on('<button title="Bản nháp">Save draft</button>') == ["Save draft"]
    assert english_on('<input placeholder="Search all pages…">') == ["Search all pages"]
    assert english_on('<script type="application/json">{"label": "Reports"}</script>') == ["Reports"]
    assert english_on("<p>Lưu bản nháp</p>") == []
