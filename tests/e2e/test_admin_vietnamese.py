import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import CoursePage
from tests.e2e.test_organisation import log_in

pytestmark = pytest.mark.e2e


def test_a_trainer_s_new_lesson_gets_a_slug_without_diacritics_and_the_admin_loads_nothing_from_elsewhere(
    demo_site, phone
):
    phone.set_viewport_size({"width": 1366, "height": 768})
    other_sites = []
    phone.on(
        "request",
        lambda request: None if request.url.startswith((demo_site, "data:")) else other_sites.append(request.url),
    )
    course = CoursePage.objects.get(slug="ky-nang-so-co-ban")
    log_in(phone, demo_site, "giangvien", admin=True)
    expect(phone.get_by_role("heading", level=1)).to_be_visible()

    phone.goto(demo_site + reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]))
    phone.locator("#id_title").fill("Đồng Quang: Tập huấn kỹ năng số")
    phone.locator("#id_title").blur()

    expect(phone.locator("#id_slug")).to_have_value("dong-quang-tap-huan-ky-nang-so")
    assert other_sites == []
