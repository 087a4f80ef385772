import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from lms.demo import DEMO_COMMUNE_CODE, DEMO_PASSWORD
from lms.models import Attendance, Person, Unit
from tests.factories import make_session

pytestmark = pytest.mark.e2e


def log_in(page, site, username, *, admin=False):
    page.goto(site + ("/admin/login/" if admin else reverse("login")))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")


def test_the_demo_learner_checks_in_to_a_session_by_its_qr_link_on_a_phone(demo_site, phone):
    session = make_session(
        organising_unit=Unit.objects.get(code=DEMO_COMMUNE_CODE), starts_at=timezone.now(), title="Tập huấn VNeID"
    )
    log_in(phone, demo_site, "hocvien")
    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))

    phone.goto(demo_site + reverse("session_checkin", args=[session.checkin_code]))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tập huấn VNeID")
    phone.get_by_role("button", name="Điểm danh").click()

    expect(phone.get_by_text("Cảm ơn Nguyễn Thị Lan: bạn đã được ghi nhận có mặt.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    learner = Person.objects.get(user__username="hocvien")
    assert Attendance.objects.filter(session=session, person=learner, method="self_checkin").count() == 1


def test_the_demo_organiser_imports_a_person_with_a_preview_first(demo_site, phone, tmp_path):
    phone.set_viewport_size({"width": 1280, "height": 900})
    sheet = tmp_path / "nguoi.csv"
    sheet.write_text(
        "Mã định danh,Họ và tên,Mã đơn vị,Phân loại,Điện thoại\n"
        f"E2E-1,Đinh Thị Thu Hà,{DEMO_COMMUNE_CODE}-02,Trưởng Ban công tác Mặt trận,0911 222 333\n",
        encoding="utf-8",
    )
    log_in(phone, demo_site, "tochuc", admin=True)
    phone.goto(demo_site + reverse("lms_person:import"))
    phone.get_by_label("Tệp bảng tính (.xlsx hoặc .csv)").set_input_files(sheet)
    phone.get_by_role("button", name="Kiểm tra tệp").click()

    expect(phone.get_by_text("Sẵn sàng nhập: 1 mới, 0 cập nhật, 0 không đổi.")).to_be_visible()
    assert not Person.objects.filter(external_id="E2E-1").exists()
    phone.get_by_role("button", name="Nhập", exact=True).click()

    expect(phone.get_by_text("Đã nhập: 1 mới, 0 cập nhật, 0 không đổi.")).to_be_visible()
    person = Person.objects.get(external_id="E2E-1")
    assert (person.phone, person.unit.code) == ("0911222333", f"{DEMO_COMMUNE_CODE}-02")
    phone.get_by_placeholder(re.compile("Search|Tìm")).fill("dinh thi thu ha")
    expect(phone.get_by_role("link", name="Đinh Thị Thu Hà")).to_be_visible()


def test_the_organisers_admin_forms_bring_their_date_pickers_and_choosers(demo_site, phone):
    phone.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    phone.on("pageerror", lambda error: errors.append(f"{phone.url}: {error}"))
    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    log_in(phone, demo_site, "tochuc", admin=True)
    expect(phone).to_have_url(re.compile(r"/admin/$"))

    for page in (reverse("coverage_report:index"), reverse("lms_person:activation")):
        phone.goto(demo_site + page)
        expect(phone.locator("main form").first).to_be_visible()
    phone.goto(demo_site + reverse("lms_unit:merge", args=[commune.pk]))
    phone.get_by_label("Ngày sáp nhập").click()
    picker = phone.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_be_visible()
    picker.locator("td.xdsoft_date:not(.xdsoft_other_month)", has_text=re.compile(r"^15$")).click()

    today = timezone.localdate()
    expect(phone.get_by_label("Ngày sáp nhập")).to_have_value(f"15/{today:%m/%Y}")
    assert errors == []
