import re

import pytest
from playwright.sync_api import expect

from lms import activation
from lms.demo import DEMO_COMMUNE_CODE
from lms.models import Person, Unit
from tests.factories import make_imported_learner

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Hoc-ky-nang-so-2026"


def test_an_imported_learner_activates_with_a_code_on_a_phone_then_logs_in(demo_site, phone):
    person = make_imported_learner(unit=Unit.objects.get(code=DEMO_COMMUNE_CODE), phone="0912000777")
    [(_person, code)] = activation.issue_codes(Person.objects.filter(pk=person.pk))

    phone.goto(f"{demo_site}/tai-khoan/login/")
    phone.get_by_role("link", name="Kích hoạt tài khoản").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kích hoạt tài khoản")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label("Số điện thoại hoặc tên đăng nhập").fill("0912 000 777")
    phone.get_by_label("Mã kích hoạt").fill(f"{(int(code) + 1) % 10**8:08d}")  # a wrong code first
    phone.locator("#id_new_password1").fill(NEW_PASSWORD)
    phone.locator("#id_new_password2").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Kích hoạt").click()
    expect(phone.get_by_text("không khớp với tài khoản nào đang chờ kích hoạt")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label("Mã kích hoạt").fill(f"{code[:4]} {code[4:]}")
    phone.locator("#id_new_password1").fill(NEW_PASSWORD)
    phone.locator("#id_new_password2").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Kích hoạt").click()

    expect(phone).to_have_url(re.compile(r"/tai-khoan/login/$"))
    expect(phone.get_by_text("Tài khoản của bạn đã sẵn sàng.")).to_be_visible()
    phone.get_by_label("Tên đăng nhập, email hoặc số điện thoại").fill("0912000777")
    phone.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))
