"""The site's pages served by one read of the pages along their path, kept by each process until a page changes:
the same pages found, the same ones refused, and the header drawn from what the route and the session already
read."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction, Site
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY

from courses.models import CourseIndexPage, CoursePage
from home.models import HomePage
from lms.pages import PAGES_VERSION_KEY
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, publish
from tests.factories import make_learner, make_trainer, make_unit

pytestmark = pytest.mark.django_db


def test_a_course_is_found_by_its_path_and_a_path_beyond_its_pages_is_not(client):
    course = make_course(make_catalogue(), lessons=1, title="Kỹ năng số cơ bản")

    assert "Kỹ năng số cơ bản" in client.get(course.url).text
    assert client.get(f"{course.url}khong-co/").status_code == 404
    assert client.get(f"{course.lessons().first().url}khong-co/").status_code == 404
    assert client.get("/khong-co/").status_code == 404


def test_an_unpublished_course_is_not_found_though_its_catalogue_is(client):
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0)
    course.unpublish()

    assert client.get(catalogue.url).status_code == 200
    assert client.get(course.url).status_code == 404


def test_a_course_below_a_catalogue_for_logged_in_users_sends_a_visitor_to_log_in(client):
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0)
    PageViewRestriction.objects.create(page=catalogue, restriction_type=PageViewRestriction.LOGIN)

    refused = client.get(course.url)
    client.force_login(make_learner())
    admitted = client.get(course.url)

    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("wagtailcore_login"))
    assert admitted.status_code == 200


def test_a_course_below_a_catalogue_behind_a_password_asks_for_the_password(client):
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0, title="Kỹ năng số cơ bản")
    PageViewRestriction.objects.create(
        page=catalogue, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
    )

    response = client.get(course.url)

    assert 'name="password"' in response.text
    assert "Kỹ năng số cơ bản" not in response.text


def test_a_restriction_on_the_page_an_alias_copies_guards_the_alias_and_its_pages_too(client):
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0, title="Kỹ năng số cơ bản")
    PageViewRestriction.objects.create(page=catalogue, restriction_type=PageViewRestriction.LOGIN)
    alias = catalogue.create_alias(update_slug="khoa-hoc-ban-sao", recursive=True)

    response = client.get(f"{alias.url}{course.slug}/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailcore_login"))


def test_the_header_links_the_catalogue_the_page_lies_in(client):
    make_catalogue()
    second = publish(HomePage.objects.get(), CourseIndexPage(title="Khóa học nâng cao", slug="nang-cao"))
    course = make_course(second, lessons=0)

    assert f'<li><a href="{second.url}">Khóa học</a></li>' in client.get(course.url).text


def test_the_header_links_the_first_catalogue_nothing_restricts_on_pages_outside_the_catalogues(client):
    hidden = make_catalogue()
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    shown = publish(HomePage.objects.get(), CourseIndexPage(title="Khóa học nâng cao", slug="nang-cao"))
    client.force_login(make_learner_person(make_unit()).user)

    text = client.get(reverse("my_courses")).text
    PageViewRestriction.objects.create(page=shown, restriction_type=PageViewRestriction.LOGIN)
    third = publish(HomePage.objects.get(), CourseIndexPage(title="Khóa học mới", slug="moi"))
    after_the_change = client.get(reverse("my_courses")).text  # the first one kept by this process, then forgotten

    assert f'<a href="{shown.url}">Khóa học</a>' in text
    assert f'href="{hidden.url}"' not in text
    assert f'<a href="{third.url}">Khóa học</a>' in after_the_change


def test_the_header_links_the_admin_for_whoever_may_enter_it_and_for_nobody_else(client):
    catalogue = make_catalogue()
    admin_link = f'<a href="{reverse("wagtailadmin_home")}">Quản trị</a>'

    client.force_login(make_learner_person(make_unit()).user)
    learners_pages = [client.get(url).text for url in ("/", catalogue.url, reverse("my_courses"))]
    client.force_login(make_trainer())
    trainers_pages = [client.get(url).text for url in ("/", catalogue.url, reverse("my_courses"))]

    assert not any(admin_link in text for text in learners_pages)
    assert all(admin_link in text for text in trainers_pages)


def test_a_pages_site_is_not_read_on_every_request_and_a_change_of_the_site_is_followed(client):
    catalogue = make_catalogue()
    assert client.get("/").context["page"].pk == HomePage.objects.get().pk
    with CaptureQueriesContext(connection) as read_again:
        client.get("/")

    site = Site.objects.get(is_default_site=True)
    site.root_page = catalogue
    site.save()

    assert not [query for query in read_again.captured_queries if "wagtailcore_site" in query["sql"]]
    assert client.get("/").context["page"].pk == catalogue.pk


def test_the_sites_root_paths_of_page_links_are_not_read_on_every_request_and_a_change_of_the_site_is_followed(
    client,
):
    catalogue = make_catalogue()
    course = make_course(catalogue)
    assert f'href="{course.url}"' in client.get(catalogue.url).text
    with CaptureQueriesContext(connection) as read_again:
        client.get(catalogue.url)

    site = Site.objects.get(is_default_site=True)
    site.root_page = catalogue
    site.save()

    assert not [query for query in read_again.captured_queries if SITE_ROOT_PATHS_CACHE_KEY in query["sql"]]
    assert f'href="/{course.slug}/"' in client.get("/").text


def test_a_page_routed_before_is_served_as_it_is_after_it_is_edited_moved_restricted_or_unpublished(client):
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0, title="Kỹ năng số cơ bản")
    assert client.get(course.url).status_code == 200  # routed, and kept by this process

    course.title = "Kỹ năng số nâng cao"
    course.save_revision().publish()
    assert "Kỹ năng số nâng cao" in client.get(course.url).text

    old_url = course.url
    second = publish(HomePage.objects.get(), CourseIndexPage(title="Khóa học nâng cao", slug="nang-cao"))
    course.move(second, pos="last-child")
    course.refresh_from_db()
    moved_away = client.get(old_url)
    assert (moved_away.status_code, moved_away["Location"]) == (301, course.url)  # Wagtail's redirect of a move
    assert client.get(course.url).status_code == 200

    PageViewRestriction.objects.create(page=second, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(course.url).status_code == 302

    course.unpublish()
    assert client.get(course.url).status_code == 404


def test_a_page_changed_by_another_process_is_read_again_once_that_process_draws_a_new_version(client):
    course = make_course(make_catalogue(), lessons=0, title="Kỹ năng số cơ bản")
    assert "Kỹ năng số cơ bản" in client.get(course.url).text
    CoursePage.objects.filter(pk=course.pk).update(title="Kỹ năng số nâng cao")  # no signal in this process

    still_known = client.get(course.url).text
    cache.set(PAGES_VERSION_KEY, "drawn-by-another-process")

    assert "Kỹ năng số cơ bản" in still_known
    assert "Kỹ năng số nâng cao" in client.get(course.url).text


def test_the_version_of_the_pages_is_drawn_again_once_a_change_commits(django_capture_on_commit_callbacks):
    catalogue = make_catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.save_revision().publish()
        drawn_in_the_transaction = cache.get(PAGES_VERSION_KEY)

    # a process that read the pages before the commit kept them under the version drawn in the transaction
    assert cache.get(PAGES_VERSION_KEY) not in (None, drawn_in_the_transaction)
