import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Page, Workflow
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage
from home.models import HomePage
from lms import roles, services
from lms.models import AttendanceMethod
from tests.factories import make_learner, make_person, make_session, make_unit_tree

pytestmark = pytest.mark.django_db

PAGE_WEIGHT_LIMIT = 100 * 1024


class HomePageTests(WagtailPageTestCase):
    def test_the_home_page_is_the_site_root_and_renders(self):
        home = HomePage.objects.get()

        self.assertPageIsRenderable(home)
        assert self.client.get("/").status_code == 200

    def test_the_home_page_sits_only_at_the_top_of_the_tree(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(HomePage, HomePage)


def test_the_home_page_says_what_the_site_is_and_links_to_courses_and_my_courses(client):
    home = HomePage.objects.get()
    catalogue = home.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))

    response = client.get("/")

    assert "Kỹ năng số cho cán bộ Mặt trận" in response.text
    assert "Mặt trận Tổ quốc" in response.text
    assert f'href="{catalogue.url}"' in response.text
    assert f'href="{reverse("my_courses")}"' in response.text


def test_the_home_page_weighs_under_100_kb_with_its_styles_and_scripts(client):
    response = client.get("/")
    html = response.content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)

    total = len(html) + sum(Path(finders.find(asset.decode())).stat().st_size for asset in assets)

    assert assets, "the page links its stylesheet"
    assert total < PAGE_WEIGHT_LIMIT
    assert b"<script" not in html


def test_the_home_page_needs_few_queries(client, django_assert_max_num_queries):
    client.get("/")  # warm Wagtail's site cache, as a running server has it

    with django_assert_max_num_queries(6):
        client.get("/")


def test_my_courses_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("my_courses"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('my_courses')}"


def test_my_courses_greets_the_learner_by_name(client, django_assert_max_num_queries):
    client.force_login(make_learner(last_name="Hoàng", first_name="Thị Mai"))
    client.get(reverse("my_courses"))  # the pages' version drawn and the site read, as a running server has them

    # the session, the user with their person, their enrolments and trainings, the pages' version
    with django_assert_max_num_queries(5):
        response = client.get(reverse("my_courses"))

    assert "Xin chào, Hoàng Thị Mai." in response.text
    assert "Bạn chưa ghi danh khóa học nào." in response.text


def test_my_courses_lists_the_learners_own_trainings_and_nobody_elses(client, django_assert_max_num_queries):
    tree = make_unit_tree()
    learner = make_learner()
    me = make_person(unit=tree["area"], user=learner)
    someone_else = make_person(unit=tree["area"])
    for index, person in enumerate([me, me, someone_else]):
        session = make_session(organising_unit=tree["commune"], title=f"Tập huấn số {index + 1}")
        services.record_attendance(session=session, people=[person], method=AttendanceMethod.TICKED)
    client.force_login(learner)
    client.get(reverse("my_courses"))

    # and their certificates, and the first catalogue (none here, so none kept: read again)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("my_courses"))

    assert response.text.index("Tập huấn số 2") < response.text.index("Tập huấn số 1")  # the newest first
    assert "Tập huấn số 3" not in response.text
    assert "4 giờ" in response.text


def test_the_groups_workflow_and_root_page_wagtail_creates_are_named_in_vietnamese():
    approval = GroupApprovalTask.objects.get()

    assert sorted(Group.objects.exclude(name__in=roles.ALL_ROLES).values_list("name", flat=True)) == [
        "Biên tập viên",
        "Kiểm duyệt viên",
    ]
    assert (Workflow.objects.get().name, approval.name) == ("Duyệt nội dung", "Duyệt nội dung")
    assert list(approval.groups.values_list("name", flat=True)) == ["Kiểm duyệt viên"]
    assert Page.get_first_root_node().title == "Gốc"
