import pytest
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage
from home.models import HomePage

pytestmark = pytest.mark.django_db


class CourseIndexPageTests(WagtailPageTestCase):
    def test_an_editor_can_add_the_catalogue_under_the_home_page(self):
        self.assertCanCreateAt(HomePage, CourseIndexPage)

    def test_an_empty_catalogue_says_no_course_is_published_yet(self):
        catalogue = HomePage.objects.get().add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))

        response = self.client.get(catalogue.url)

        self.assertContains(response, "Chưa có khóa học nào được xuất bản.")


def test_the_main_menu_links_the_published_catalogue_only(client):
    home = HomePage.objects.get()
    catalogue = home.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc", live=False))
    menu_link = f'<a href="{catalogue.url}">Khóa học</a>'

    hidden = client.get("/").text
    catalogue.save_revision().publish()
    shown = client.get("/").text

    assert menu_link not in hidden
    assert menu_link in shown
