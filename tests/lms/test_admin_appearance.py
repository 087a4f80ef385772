"""The admin fits users on a LAN in Vietnam: nothing is loaded from other sites, avatars are initials drawn here,
no help menu leads to Wagtail's English guide, and slugs are made without diacritics."""

import json
import re
import unicodedata
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.coreutils import get_js_regex
from wagtail.images.tests.utils import get_test_image_file
from wagtail.users.models import UserProfile

from lms import UPSTREAM_LOCALE_PATH
from lms.admin.appearance import SLUG_FORMATTERS, initials
from tests.courses.helpers import make_catalogue, make_course
from tests.factories import make_organiser, make_trainer, make_user

pytestmark = pytest.mark.django_db

# Addresses in a page that are names, not places anything is fetched from: XML namespaces.
NAMESPACE_HOSTS = {"www.w3.org"}


def sidebar_props(html):
    return json.loads(BeautifulSoup(html, "html.parser").find("script", id="wagtail-sidebar-props").string)


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from json_strings(item)


def other_hosts(html):
    """The hosts of every absolute address in a page (links, sources, scripts' settings), but for the test
    server's own and XML namespaces."""
    hosts = set(re.findall(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})", unquote(html), flags=re.IGNORECASE))
    return hosts - NAMESPACE_HOSTS - {"testserver", "localhost"}


@pytest.fixture
def course():
    return make_course(make_catalogue(), lessons=1)


def test_the_admin_pages_load_nothing_from_other_sites(client, course):
    client.force_login(make_user(is_superuser=True, email="quantri@example.com"))

    for path in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        reverse("wagtailadmin_account"),
        reverse("wagtailusers_users:index"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert other_hosts(response.text) == set(), path


def test_a_link_to_another_site_would_be_found():
    assert other_hosts('<img src="https://www.gravatar.com/avatar/1">') == {"www.gravatar.com"}
    assert other_hosts('<div data-w-upgrade-url-value="https://releases.wagtail.org/latest.txt">') == {
        "releases.wagtail.org"
    }
    assert other_hosts('<svg xmlns="http://www.w3.org/2000/svg"></svg><a href="/admin/">') == set()


def test_the_admin_draws_the_users_initials_as_their_avatar(client):
    user = make_trainer(last_name="Trần Thị", first_name="Bích Phượng")
    client.force_login(user)

    avatar = sidebar_props(client.get(reverse("wagtailadmin_home")).text)
    (avatar_url,) = [text for text in json_strings(avatar) if text.startswith("data:image/svg+xml,")]

    assert ">BP</text>" in unquote(avatar_url)


def test_a_picture_the_user_uploaded_stays_their_avatar(client):
    user = make_trainer()
    profile = UserProfile.get_for_user(user)
    profile.avatar.save("anh.png", ContentFile(get_test_image_file().file.getvalue()))
    client.force_login(user)

    html = client.get(reverse("wagtailadmin_home")).text

    assert profile.avatar.url in list(json_strings(sidebar_props(html)))
    assert "data:image/svg+xml," not in html


def test_a_revision_made_by_no_user_shows_wagtail_s_own_picture():
    html = render_to_string("wagtailadmin/shared/user_avatar.html", {"user": None})

    assert "data:image/svg+xml," not in html
    assert "default-user-avatar" in html


@pytest.mark.parametrize(
    ("last_name", "first_name", "username", "expected"),
    [
        ("Nguyễn Văn", "An", "an", "VA"),
        ("Đỗ", "Đức", "duc", "ĐĐ"),
        ("", "", "quantri", "Q"),
    ],
)
def test_initials_are_the_first_letters_of_the_last_two_words_of_the_name(last_name, first_name, username, expected):
    user = make_user(last_name=last_name, first_name=first_name, username=username)

    assert initials(user) == expected


def test_the_menu_has_no_help_menu_and_no_link_to_wagtail_s_guide(client):
    client.force_login(make_user(is_superuser=True))

    html = client.get(reverse("wagtailadmin_home")).text

    assert "help" not in menu_item_names(sidebar_props(html))
    assert "guide.wagtail.org" not in html


def menu_item_names(value):
    """The names of the sidebar's menu items and submenus, at any depth."""
    if isinstance(value, list):
        return [name for item in value for name in menu_item_names(item)]
    if isinstance(value, dict):
        own = [value["name"]] if "name" in value and "label" in value else []
        return own + [name for item in value.values() for name in menu_item_names(item)]
    return []


def test_the_help_menu_would_be_found():
    sidebar = {"_args": [{"name": "help", "label": "Trợ giúp", "items": [{"name": "editor-guide", "label": "Mới"}]}]}

    assert menu_item_names(sidebar) == ["help", "editor-guide"]


def test_the_page_editor_s_slug_field_makes_slugs_without_diacritics(client, course):
    client.force_login(make_user(is_superuser=True))

    html = client.get(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])).text
    slug = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "slug"})

    assert "data-w-slug-allow-unicode-value" not in slug.attrs  # False is left out: the script's default
    assert json.loads(slug["data-w-slug-formatters-value"]) == [
        [get_js_regex(pattern), replacement] for pattern, replacement in SLUG_FORMATTERS
    ]


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        ("Đồng Quang Ấp Ưu Ỷ Thừa Thiên Huế Gõ Rời Tổ Ngữ", "dong quang ap uu y thua thien hue go roi to ngu"),
        (unicodedata.normalize("NFD", "Tiếng Việt gõ rời dấu"), "tieng viet go roi dau"),
    ],
)
def test_the_slug_replacements_turn_every_vietnamese_letter_into_a_plain_one(title, plain):
    for pattern, replacement in SLUG_FORMATTERS:
        title = re.sub(pattern, replacement, title)

    assert title.lower() == plain


def test_a_site_that_does_not_list_the_vietnamese_of_wagtail_is_warned(settings):
    settings.LOCALE_PATHS = [settings.BASE_DIR / "locale"]
    warned = [message.id for message in run_checks()]

    settings.LOCALE_PATHS = [settings.BASE_DIR / "locale", UPSTREAM_LOCALE_PATH]
    listed = [message.id for message in run_checks()]

    assert "lms.W001" in warned
    assert "lms.W001" not in listed


def test_the_home_offers_the_page_search_only_to_a_user_who_may_explore_pages(client, course):
    def page_search_on_home(user):
        client.force_login(user)
        form = BeautifulSoup(client.get(reverse("wagtailadmin_home")).text, "html.parser").find("form", role="search")
        return form and form.find("input", type="submit")["value"]

    assert page_search_on_home(make_organiser()) is None
    assert page_search_on_home(make_user(is_superuser=True)) == "Tìm kiếm"
