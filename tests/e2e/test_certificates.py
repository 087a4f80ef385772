"""Certificates in the browser: an organiser revokes one from the list."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certificates.models import Certificate, CertificateStatus
from tests.e2e.test_organisation import log_in

pytestmark = pytest.mark.e2e


def test_the_demo_organiser_revokes_a_certificate_from_the_list_with_a_reason(demo_site, phone):
    phone.set_viewport_size({"width": 1366, "height": 768})
    certificate = Certificate.objects.filter(person__user__username="hocvien", status=CertificateStatus.VALID).first()
    log_in(phone, demo_site, "tochuc", admin=True)
    phone.goto(demo_site + reverse("certificates_certificate:index"))

    row = phone.locator("tr", has_text=certificate.serial)
    row.get_by_role("button").last.click()  # the row's menu of actions
    row.get_by_role("link", name="Thu hồi", exact=True).click()
    phone.locator("textarea[name=reason]").fill("Cấp nhầm người")
    phone.get_by_role("button", name="Thu hồi", exact=True).click()

    expect(phone.get_by_text(f"Đã thu hồi giấy chứng nhận số {certificate.serial}", exact=False)).to_be_visible()
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_reason) == (CertificateStatus.REVOKED, "Cấp nhầm người")
    expect(phone.locator("tr", has_text=certificate.serial).get_by_text("Đã thu hồi")).to_be_visible()
