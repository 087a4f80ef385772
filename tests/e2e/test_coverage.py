import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from lms.demo import DEMO_COMMUNE_CODE
from lms.models import Unit
from targets.models import Target
from tests.e2e.test_organisation import log_in

pytestmark = pytest.mark.e2e


def test_the_demo_organiser_follows_a_target_down_to_the_people_missing_and_downloads_the_report(
    demo_site, phone, tmp_path
):
    phone.set_viewport_size({"width": 1280, "height": 900})
    target = Target.objects.get(slug="3-lan-nhiem-ky-2025-2030")
    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    log_in(phone, demo_site, "tochuc", admin=True)
    phone.goto(f"{demo_site}{reverse('coverage_report:index')}?target={target.pk}")

    expect(phone.get_by_role("heading", name="Tiến độ thực hiện chỉ tiêu")).to_be_visible()
    table = phone.get_by_role("table", name="Tiến độ theo đơn vị")
    expect(table.get_by_text(f"{commune.name} (cán bộ trực thuộc)")).to_be_visible()
    expect(phone.get_by_role("img", name="Tỷ lệ của từng đơn vị so với chỉ tiêu")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 1280

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Báo cáo (PDF)").click()
    report = tmp_path / "bao-cao.pdf"
    download.value.save_as(report)
    text = PdfReader(report).pages[0].extract_text()
    assert "BÁO CÁO" in text
    assert commune.name.upper() in text

    phone.get_by_role("link", name="Người chưa đạt chỉ tiêu").click()
    expect(phone.get_by_text("lần tập huấn").first).to_be_visible()
