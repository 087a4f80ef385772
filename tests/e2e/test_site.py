import re

import pytest
from playwright.sync_api import expect

from lms.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_the_home_page_greets_a_phone_in_vietnamese(demo_site, phone):
    phone.goto(demo_site)

    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kỹ năng số cho cán bộ Mặt trận")
    expect(phone.get_by_role("link", name="Xem các khóa học")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_demo_learner_logs_in_and_sees_my_courses(demo_site, phone):
    phone.goto(demo_site)
    phone.get_by_role("link", name="Đăng nhập").click()
    phone.get_by_label("Tên đăng nhập, email hoặc số điện thoại").fill("hocvien")
    phone.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()

    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))
    expect(phone.get_by_text("Xin chào, Nguyễn Thị Lan.")).to_be_visible()


def test_a_username_a_phone_keyboard_capitalised_still_logs_in(demo_site, phone):
    phone.goto(f"{demo_site}/tai-khoan/login/")
    name_field = phone.get_by_label("Tên đăng nhập, email hoặc số điện thoại")
    expect(name_field).to_have_attribute("autocapitalize", "none")
    expect(name_field).to_have_attribute("autocorrect", "off")
    name_field.fill("Hocvien")
    phone.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()

    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))
    expect(phone.get_by_text("Xin chào, Nguyễn Thị Lan.")).to_be_visible()


def test_the_language_switcher_turns_the_site_to_english_and_it_stays_english(demo_site, phone):
    phone.goto(demo_site)
    phone.get_by_role("button", name="English").click()

    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_role("link", name="Log in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(phone.get_by_label("Username, email or phone number")).to_be_visible()


def test_the_keyboard_reaches_the_content_through_the_skip_link(demo_site, phone):
    phone.goto(demo_site)
    phone.keyboard.press("Tab")

    skip_link = phone.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    phone.keyboard.press("Enter")
    expect(phone.locator("main")).to_be_focused()
