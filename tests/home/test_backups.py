"""The restore drill: a site backed up, restored into a new place (a new SQLite file or PostgreSQL database, new
media folders) and checked there. The database is the one the suite runs on (DATABASE_URL)."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from certificates import services
from certificates.data_integrity import create_credential_key
from certificates.models import CertificateTemplate
from certificates.signing import create_signing_key
from lms import ledger
from tests.factories import make_learner, make_person, make_unit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def backup(tmp_path):
    """A backup of a site with a signed certificate (private media) and an image (media)."""
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa thử"
        )
    cache.clear()
    template = CertificateTemplate.objects.create(name="Mẫu", issuer="MTTQ", place="Thái Nguyên", signer_name="An")
    person = make_person(unit=make_unit(), user=make_learner())
    record = ledger.record_course_completion(
        person=person, course_id=1, title="Khóa học", date=datetime.date(2026, 3, 5), hours=None, result=""
    )
    services.issue_with_pdf(template=template, record=record)
    Image.objects.create(title="Ảnh", file=get_test_image_file())
    call_command("backup", tmp_path / "backup")
    return tmp_path / "backup"


def drill(backup):
    output = io.StringIO()
    call_command("restore_drill", backup, stdout=output)
    return output.getvalue()


def test_a_backup_restores_into_a_new_place_with_every_row_and_a_certificate_that_verifies(backup):
    manifest = json.loads((backup / "manifest.json").read_text())

    assert drill(backup) == "Bản sao lưu khôi phục được: mọi bảng đủ dòng và giấy chứng nhận xác thực được.\n"
    assert manifest["counts"]["certificates.Certificate"] == 1
    assert manifest["counts"]["wagtailimages.Image"] == 1


def test_a_backup_holds_the_key_that_signs_verifiable_credentials(tmp_path):
    if not settings.CREDENTIAL_SIGNING_KEY.exists():
        create_credential_key(settings.CREDENTIAL_SIGNING_KEY)

    call_command("backup", tmp_path / "backup")

    assert (tmp_path / "backup" / "credential-key.pem").read_bytes() == settings.CREDENTIAL_SIGNING_KEY.read_bytes()


def test_the_drill_names_a_table_whose_rows_differ(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["counts"]["lms.Person"] += 1
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match=r"lms.Person có 1 dòng; bản sao lưu có 2\."):
        drill(backup)


def test_the_drill_fails_when_the_certificate_no_longer_verifies_with_the_backed_up_key(backup):
    create_signing_key(
        backup / "signing-key.p12", passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa khác"
    )

    with pytest.raises(CommandError, match="chữ ký không xác thực được bằng khóa ký"):
        drill(backup)
