import re
from base64 import b32decode

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, app_code, make_trainer

pytestmark = pytest.mark.e2e


def log_in_to_the_admin(page, site, username):
    page.goto(site + "/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")


def test_a_trainer_sets_up_an_authenticator_app_on_a_phone_then_logs_in_with_its_code(demo_site, phone, settings):
    settings.LMS_STAFF_TWO_FACTOR = True
    trainer = make_trainer()

    log_in_to_the_admin(phone, demo_site, trainer.username)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thiết lập xác thực hai bước")
    expect(phone.get_by_role("img", name="Mã QR để quét bằng ứng dụng xác thực")).to_be_visible()
    key = b32decode(phone.locator("[data-secret]").inner_text().replace(" ", ""))
    phone.get_by_label("Mã").fill(app_code(key))
    phone.get_by_role("button", name="Xác nhận").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Mã dự phòng của bạn")
    expect(phone.locator(".recovery-codes li")).to_have_count(10)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("link", name="Tôi đã cất giữ các mã: tiếp tục").click()
    expect(phone).to_have_url(re.compile(r"/admin/$"))
    expect(phone.locator("#wagtail")).to_be_visible()

    phone.context.clear_cookies()
    log_in_to_the_admin(phone, demo_site, trainer.username)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Xác thực hai bước")
    # The code used to set the app up is never accepted again: the app's next one is.
    phone.get_by_label("Mã").fill(app_code(key, steps_ahead=1))
    phone.get_by_role("button", name="Xác thực").click()
    expect(phone).to_have_url(re.compile(r"/admin/$"))
    expect(phone.locator("#wagtail")).to_be_visible()
