"""The certificates' part of the admin home: the organiser's last bulk issues, the signing key's expiry for the
administrator."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from certificates import signing
from certificates.models import CertificateBatch
from certificates.wagtail_hooks import SIGNING_KEY_WARNING_DAYS, RecentBatchesPanel, SigningKeyPanel
from lms.models import JobStatus
from tests.certificates.test_admin import make_template
from tests.courses.helpers import make_catalogue, make_course
from tests.factories import make_job, make_organiser, make_unit_tree, make_user

pytestmark = pytest.mark.django_db


def panel_for(panel_class, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return panel_class(request)


def test_the_organiser_sees_the_last_bulk_issues_of_their_units_with_their_result(django_assert_num_queries):
    tree = make_unit_tree()
    template = make_template(tree["province"])
    course = make_course(make_catalogue(), lessons=0)
    batches = {
        name: CertificateBatch.objects.create(
            job=make_job(kind="certificates.certificatebatch", status=status, done=done),
            template=template,
            course=course,
            unit=tree[name],
        )
        for name, status, done in (
            ("area", JobStatus.DONE, 12),
            ("other_commune", JobStatus.DONE, 3),
            ("commune", JobStatus.FAILED, 0),
        )
    }
    panel = panel_for(RecentBatchesPanel, make_organiser(managed_unit=tree["commune"]))

    with django_assert_num_queries(1):
        rows = [(batch, batch.job.status, batch.job.done, batch.course.title) for batch in panel.rows()]

    assert rows == [
        (batches["commune"], JobStatus.FAILED, 0, course.title),
        (batches["area"], JobStatus.DONE, 12, course.title),
    ]


def expiring_in(days, monkeypatch):
    monkeypatch.setattr(signing, "signing_key_expiry", lambda: timezone.now() + timedelta(days=days, hours=1))
    return panel_for(SigningKeyPanel, make_user(is_superuser=True)).rows()


def test_the_administrator_is_warned_when_the_signing_key_expires_within_the_warning_days(monkeypatch):
    assert expiring_in(SIGNING_KEY_WARNING_DAYS - 1, monkeypatch)["warn"] is True
    assert expiring_in(SIGNING_KEY_WARNING_DAYS, monkeypatch)["warn"] is False
    assert expiring_in(SIGNING_KEY_WARNING_DAYS, monkeypatch)["days_left"] == SIGNING_KEY_WARNING_DAYS


def test_the_signing_key_s_expiry_is_read_from_its_certificate(tmp_path, settings):
    settings.CERTIFICATE_SIGNING_KEY = tmp_path / "khoa.p12"
    settings.CERTIFICATE_SIGNING_PASSPHRASE = ""
    assert signing.signing_key_expiry() is None
    certificate = signing.create_signing_key(
        settings.CERTIFICATE_SIGNING_KEY, passphrase="", common_name="Thử", days=30
    )

    assert signing.signing_key_expiry() == certificate.not_valid_after_utc
    signing.signer.cache_clear()
