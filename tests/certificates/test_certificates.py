"""Certificates: issued once per person and source with gapless serials, rendered with embedded fonts, signed,
verifiable by code and QR, downloadable by their owner only, revoked and reissued, issued in bulk."""

import datetime
import hashlib
import io
import threading
import zipfile
from decimal import Decimal
from pathlib import Path

import cv2
import numpy
import pypdfium2
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from PIL import Image as PillowImage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from wagtail.images.models import Image

from certificates import services
from certificates.models import (
    CODE_ALPHABET,
    Certificate,
    CertificateBatch,
    CertificateSerial,
    CertificateStatus,
    CertificateTemplate,
)
from certificates.signing import create_signing_key
from courses import services as course_services
from lms import ledger
from lms import services as organisation_services
from lms.models import AttendanceMethod, BackgroundJob, TrainingRecord, UnitLogEntry
from tests.courses.helpers import make_catalogue, make_course
from tests.factories import (
    jobs_of,
    make_learner,
    make_organiser,
    make_person,
    make_session,
    make_unit_tree,
    make_user,
    migrate_back,
    migrate_forward,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key():
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa thử"
        )
    cache.clear()


@pytest.fixture
def course(template):
    course = make_course(make_catalogue(), lessons=1)
    template.courses.add(course)
    return course


def learner(unit, **fields):
    return make_person(unit=unit, user=make_learner(), **fields)


def complete(person, course):
    """``person`` completes ``course`` (one lesson); the certificate follows once the transaction commits."""
    enrolment = course_services.enrol(person=person, course=course)
    lesson = course.lessons().get()
    course_services.open_lesson(enrolment=enrolment, lesson=lesson)
    course_services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
    return TrainingRecord.objects.get(person=person, source_key=ledger.course_key(course.pk))


def record_for(person, reference="Khóa học thử"):
    return ledger.record_course_completion(
        person=person, course_id=999, title=reference, date=datetime.date(2026, 3, 5), hours=None, result=""
    )


def pdf_text(certificate):
    with certificate.pdf.open("rb") as file:
        return " ".join(page.extract_text() for page in PdfReader(file).pages)


# Issuing on completion, and the PDF


def test_a_completed_course_gets_a_signed_pdf_with_the_name_serial_and_code(
    tree, course, django_capture_on_commit_callbacks
):
    person = learner(tree["area"], full_name="Nguyễn Thị Hồng Nhung", birth_date=datetime.date(1985, 3, 5))
    with django_capture_on_commit_callbacks(execute=True):
        complete(person, course)

    certificate = Certificate.objects.get(person=person)
    text = pdf_text(certificate)
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "05/03/1985" in text
    assert f"Số: 0001/{template_suffix(certificate)}" in text
    assert certificate.code in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"Thái Nguyên, ngày {timezone.localdate():%d} tháng {timezone.localdate():%m}" in text
    with certificate.pdf.open("rb") as file:
        content = file.read()
    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    # Kept away from MEDIA_ROOT, which the web server may serve to anyone: only the app's checked views serve it.
    assert Path(certificate.pdf.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not Path(certificate.pdf.path).is_relative_to(settings.MEDIA_ROOT)
    assert len(certificate.code) >= 16  # 96 random bits, URL-safe


def template_suffix(certificate):
    return certificate.template.serial_suffix


def test_every_font_of_the_pdf_is_embedded(tree, template):
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))

    with certificate.pdf.open("rb") as file:
        reader = PdfReader(file)
        fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
            "/FontDescriptor"
        ]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


def test_the_qr_code_leads_to_the_verify_page(tree, template):
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))

    with certificate.pdf.open("rb") as file:
        image = pypdfium2.PdfDocument(file.read())[0].render(scale=4).to_numpy()
    # OpenCV's ArUco-based detector: the classic one misses about one random code in 25 on a whole page.
    decoded, _points, _straight = cv2.QRCodeDetectorAruco().detectAndDecode(numpy.ascontiguousarray(image[:, :, :3]))

    assert decoded == settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "certificate_verify", args=[certificate.code]
    )


def test_the_signature_validates_with_pyhankos_validator(tree, template):
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))
    _key, signer_certificate, _others = pkcs12.load_key_and_certificates(
        settings.CERTIFICATE_SIGNING_KEY.read_bytes(), settings.CERTIFICATE_SIGNING_PASSPHRASE.encode()
    )
    trust_root = asn1_x509.Certificate.load(signer_certificate.public_bytes(Encoding.DER))

    with certificate.pdf.open("rb") as file:
        (signature,) = PdfFileReader(file).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[trust_root]))

    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


# Once per person and source; serial numbers


def test_issuing_twice_gives_one_certificate(tree, template):
    record = record_for(learner(tree["area"]))

    first, issued_first = services.issue_certificate(template=template, record=record)
    second, issued_second = services.issue_certificate(template=template, record=record)

    assert (first, issued_first, issued_second) == (second, True, False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            template=template,
            person=first.person,
            training_record=first.training_record,
            what="x",
            completed_on=first.completed_on,
            year=first.year,
            number=99,
            suffix="X",
        )


def test_serial_numbers_run_per_suffix_and_year(tree, template):
    other = CertificateTemplate.objects.create(
        name="Khác", issuer="X", place="Y", signer_name="Z", serial_suffix="GCN-HPN"
    )
    numbers = [
        services.issue_certificate(template=chosen, record=record_for(learner(tree["area"])))[0].serial
        for chosen in (template, template, other, template)
    ]

    assert numbers == ["0001/GCN-MTTQ", "0002/GCN-MTTQ", "0001/GCN-HPN", "0003/GCN-MTTQ"]


def test_a_december_completion_certified_in_the_next_year_takes_the_next_number_of_the_issue_year(tree, template):
    today = timezone.localdate()
    this_year = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))[0]
    december = ledger.record_course_completion(
        person=learner(tree["area"]),
        course_id=999,
        title="Khóa học thử",
        date=datetime.date(today.year - 1, 12, 31),
        hours=None,
        result="",
    )

    certificate, _issued = services.issue_certificate(template=template, record=december)

    assert (this_year.year, this_year.number) == (today.year, 1)
    assert (certificate.year, certificate.number, certificate.completed_on.year) == (today.year, 2, today.year - 1)
    assert certificate.snapshot["issued_on"] == today.isoformat()


def issue_in_parallel(template, records):
    """Issue a certificate for each of ``records`` at once, each in its own thread and connection; returns
    what each call returned (the certificate's pk and whether it issued it) and the errors."""
    barrier = threading.Barrier(len(records))
    results, errors = [], []

    def issue(record):
        try:
            barrier.wait()
            certificate, issued = services.issue_certificate(template=template, record=record)
            results.append((certificate.pk, issued))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=[record]) for record in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_issuing_gives_unique_gapless_serials_and_no_duplicates_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    tree = make_unit_tree()
    template = CertificateTemplate.objects.create(name="Song song", issuer="X", place="Y", signer_name="Z")
    records = [record_for(learner(tree["area"])) for _person in range(40)]
    retries = [records[0]] * 5 + [records[1]] * 5  # the same completions issued again at the same moment

    results, errors = issue_in_parallel(template, [*records, *retries])

    assert errors == []
    assert sum(issued for _pk, issued in results) == 40
    certificates = Certificate.objects.all()
    assert sorted(certificates.values_list("number", flat=True)) == list(range(1, 41))
    assert certificates.values("person").distinct().count() == 40
    assert CertificateSerial.objects.get().last_number == 40


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_issues_for_one_person_and_course_give_one_certificate_and_no_serial_gap_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    tree = make_unit_tree()
    template = CertificateTemplate.objects.create(name="Song song", issuer="X", place="Y", signer_name="Z")
    record = record_for(learner(tree["area"]))

    results, errors = issue_in_parallel(template, [record] * 50)
    after, issued_after = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))

    assert errors == []
    certificate = Certificate.objects.get(training_record=record)
    assert sorted(results) == [(certificate.pk, False)] * 49 + [(certificate.pk, True)]
    assert (certificate.number, after.number, issued_after) == (1, 2, True)
    assert UnitLogEntry.objects.filter(action="certificates.issue").count() == 2


# Checking a certificate


def test_the_verify_page_shows_only_what_is_needed_to_check(client, tree, template):
    person = learner(tree["area"], full_name="Trần Văn Bình", phone="0912345678", birth_date=datetime.date(1970, 1, 2))
    certificate, _issued = services.issue_with_pdf(
        template=template, record=record_for(person, reference="Khóa học VNeID")
    )

    page = client.get(reverse("certificate_verify", args=[certificate.code]))

    assert page.status_code == 200
    for shown in ("Trần Văn Bình", "Khóa học VNeID", "05/03/2026", "TỈNH THÁI NGUYÊN", certificate.serial):
        assert shown in page.text
    for hidden in ("0912345678", "02/01/1970", tree["area"].name):
        assert hidden not in page.text


def test_a_revoked_certificate_shows_as_revoked_and_an_unknown_code_as_unknown(client, tree, template):
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))
    services.revoke_certificate(certificate=certificate, reason="Cấp nhầm người", user=None)

    revoked = client.get(reverse("certificate_verify", args=[certificate.code]))
    unknown = client.get(reverse("certificate_verify", args=["khong-co-ma-nay"]))
    typed = client.get(reverse("certificate_verify_form"), {"code": f" {certificate.code} "})

    assert "Giấy chứng nhận này đã bị thu hồi" in revoked.text
    assert unknown.status_code == 404
    assert "Không có giấy chứng nhận nào có mã này" in unknown.text
    assert typed.status_code == 302
    assert typed.url == reverse("certificate_verify", args=[certificate.code])


def test_revoking_a_revoked_certificate_is_refused_and_keeps_the_first_date_reason_and_log_entry(tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    services.revoke_certificate(certificate=certificate, reason="Cấp nhầm người", user=None)
    first = Certificate.objects.get(pk=certificate.pk)

    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate=certificate, reason="Lý do khác", user=None)

    again = Certificate.objects.get(pk=certificate.pk)
    assert (again.status, again.revoked_at, again.revoked_reason) == (
        CertificateStatus.REVOKED,
        first.revoked_at,
        "Cấp nhầm người",
    )
    assert UnitLogEntry.objects.filter(action="certificates.revoke").count() == 1


def test_repeated_wrong_guesses_from_one_address_are_slowed_down(tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    guesser, other = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="203.0.113.10")

    answers = [guesser.get(reverse("certificate_verify", args=[f"doan-mo-{n}"])).status_code for n in range(10)]
    blocked = guesser.get(reverse("certificate_verify", args=[certificate.code]))

    assert answers == [404] * 10
    assert blocked.status_code == 429
    assert blocked["Retry-After"]
    assert other.get(reverse("certificate_verify", args=[certificate.code])).status_code == 200


# Seeing and downloading one's own


def test_a_learner_downloads_their_own_certificate_and_nobody_elses(client, tree, template):
    mine = learner(tree["area"])
    theirs = learner(tree["area"])
    my_certificate, _issued = services.issue_with_pdf(template=template, record=record_for(mine))
    their_certificate, _issued = services.issue_with_pdf(template=template, record=record_for(theirs))
    client.force_login(mine.user)

    page = client.get(reverse("my_courses"))
    download = client.get(reverse("certificate_download", args=[my_certificate.code]))
    refused = client.get(reverse("certificate_download", args=[their_certificate.code]))

    assert list(page.context["certificates"]) == [my_certificate]
    assert reverse("certificate_download", args=[my_certificate.code]) in page.text
    assert their_certificate.serial not in page.text
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert refused.status_code == 404
    client.logout()
    assert client.get(reverse("certificate_download", args=[my_certificate.code])).status_code == 302


# Sessions, revoking and reissuing, bulk


def test_attending_a_session_that_grants_a_certificate_issues_one(tree, template, django_capture_on_commit_callbacks):
    session = make_session(organising_unit=tree["commune"], title="Tập huấn VNeID")
    template.sessions.add(session)
    person = learner(tree["area"])

    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.record_attendance(session=session, people=[person], method=AttendanceMethod.TICKED)

    certificate = Certificate.objects.get(person=person)
    assert (certificate.training_record.source_key, certificate.what, certificate.hours) == (
        ledger.session_key(session.pk),
        "Tập huấn VNeID",
        Decimal("4.0"),
    )
    assert certificate.pdf


def test_an_organiser_revokes_and_reissues_with_a_reason_in_the_audit_log(client, tree, template):
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))
    organiser = make_organiser(is_staff=True, managed_unit=tree["commune"])
    client.force_login(organiser)

    no_reason = client.post(reverse("certificates_certificate:reissue", args=[certificate.pk]), {"reason": " "})
    reissued = client.post(
        reverse("certificates_certificate:reissue", args=[certificate.pk]), {"reason": "Sai ngày sinh"}
    )

    assert no_reason.status_code == 200
    certificate.refresh_from_db()
    new = Certificate.objects.get(status=CertificateStatus.VALID)
    assert reissued.status_code == 302
    assert (certificate.status, certificate.revoked_reason) == (CertificateStatus.REVOKED, "Sai ngày sinh")
    assert (new.replaces, new.training_record, new.number, bool(new.pdf)) == (
        certificate,
        certificate.training_record,
        2,
        True,
    )
    actions = set(UnitLogEntry.objects.filter(user=organiser, unit=tree["area"]).values_list("action", flat=True))
    assert {"certificates.revoke", "certificates.reissue"} <= actions


def test_organisers_see_and_act_on_their_units_certificates_only(client, tree, template):
    outside, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["other_commune"])))
    inside, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))

    listing = client.get(reverse("certificates_certificate:index"))

    assert list(listing.context["object_list"]) == [inside]
    assert client.get(reverse("certificates_certificate:pdf", args=[outside.pk])).status_code == 404
    assert (
        client.post(reverse("certificates_certificate:revoke", args=[outside.pk]), {"reason": "x"}).status_code == 404
    )
    outside.refresh_from_db()
    assert outside.is_valid


def test_the_issuance_register_exports_as_xlsx(client, tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))

    response = client.get(reverse("certificates_certificate:index"), {"export": "xlsx"})

    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert rows[1][:2] == (certificate.serial, certificate.code)


def test_a_bulk_issue_certifies_a_units_completions_and_ends_with_a_zip(
    client, tree, template, course, monkeypatch, django_capture_on_commit_callbacks
):
    people = [learner(tree["area"], full_name=f"Người học {n}") for n in range(3)]
    outsider = learner(tree["other_commune"])
    for person in [*people, outsider]:
        complete(person, course)  # no commit: no automatic certificate
    real_make_pdf = services.make_pdf

    def failing_for_the_second(certificate):
        if certificate.person == people[1]:
            raise RuntimeError("máy in hết giấy")
        return real_make_pdf(certificate)

    monkeypatch.setattr(services, "make_pdf", failing_for_the_second)
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))

    with django_capture_on_commit_callbacks(execute=True):
        ordered = client.post(
            reverse("certificates_batch:add"),
            {"template": template.pk, "course": course.pk, "unit": tree["commune"].pk},
        )

    batch = CertificateBatch.objects.select_related("job").get()
    assert ordered.url == reverse("certificates_batch:progress", args=[batch.pk])
    assert (batch.job.status, batch.job.total, batch.job.done) == ("done", 3, 2)
    assert batch.job.errors == [{"item": "Người học 1", "error": "máy in hết giấy"}]
    with batch.archive.open("rb") as archive:
        names = zipfile.ZipFile(archive).namelist()
    assert len(names) == 2
    assert all(name.endswith(".pdf") for name in names)
    assert not Certificate.objects.filter(person=outsider).exists()
    progress = client.get(reverse("certificates_batch:progress", args=[batch.pk]))
    assert "máy in hết giấy" in progress.text
    assert client.get(reverse("certificates_batch:progress", args=[batch.pk]), {"download": 1}).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_to_background_jobs_keeps_every_bulk_issue_with_its_status_counts_failures_and_author(
    tree, template, course
):
    organiser = make_organiser(managed_unit=tree["commune"])
    ordered = datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.UTC)
    apps = migrate_back(("certificates", "0003_private_storage"))
    OldBatch = apps.get_model("certificates", "CertificateBatch")
    ordered_for = {"template_id": template.pk, "course_id": course.pk, "unit_id": tree["commune"].pk}
    running = OldBatch.objects.create(**ordered_for, status="running", total=3, done=1, created_by_id=organiser.pk)
    done = OldBatch.objects.create(
        **ordered_for,
        status="done",
        total=3,
        done=2,
        failures=[{"person": "Người học 1", "error": "máy in hết giấy"}],
        archive="certificate-batches/chung-nhan-2.zip",
    )
    OldBatch.objects.filter(pk__in=[running.pk, done.pk]).update(created_at=ordered)  # it was auto_now_add

    migrate_forward()

    fields = ("kind", "status", "total", "done", "errors", "created_by", "created_at")
    assert jobs_of(CertificateBatch.objects, *fields) == {
        running.pk: ("certificates.certificatebatch", "running", 3, 1, [], organiser, ordered),
        done.pk: (
            "certificates.certificatebatch",
            "done",
            3,
            2,
            [{"item": "Người học 1", "error": "máy in hết giấy"}],
            None,
            ordered,
        ),
    }
    moved = CertificateBatch.objects.get(pk=done.pk)
    assert moved.archive.name == "certificate-batches/chung-nhan-2.zip"
    assert (moved.template, moved.course, moved.unit) == (template, course, tree["commune"])


def test_the_template_preview_is_a_pdf_of_the_unsaved_edits(client, tree, template):
    template.unit = tree["province"]
    template.save()
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["province"]))
    url = reverse("certificates_template:preview_on_edit", args=[template.pk])
    form = {
        "name": template.name,
        "unit": tree["province"].pk,
        "orientation": "portrait",
        "issuer": "ỦY BAN MTTQ VIỆT NAM\nHUYỆN ĐỊNH HÓA",
        "serial_suffix": "GCN-DH",
        "title": "GIẤY CHỨNG NHẬN",
        "body": template.body,
        "place": "Định Hóa",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Lê Văn Thử",
        "printed_fields": template.printed_fields,  # as the form's ticked boxes send them
    }

    stored = client.post(url, form)
    preview = client.get(url)

    assert stored.json()["is_valid"]
    assert preview["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(preview.content)).pages[0]
    assert page.mediabox.height > page.mediabox.width  # the edited orientation, A4 portrait
    text = " ".join(page.extract_text().split())
    assert "HUYỆN ĐỊNH HÓA" in text
    assert "Số: 0001/GCN-DH" in text
    assert "Nguyễn Thị Hồng Nhung" in text
    template.refresh_from_db()
    assert template.place == "Thái Nguyên"


def test_the_signature_and_seal_images_are_printed(tree, template):
    def red_image(title):
        buffer = io.BytesIO()
        PillowImage.new("RGB", (120, 120), (200, 20, 20)).save(buffer, "PNG")
        return Image.objects.create(title=title, file=ContentFile(buffer.getvalue(), name=f"{title}.png"))

    template.seal, template.signature = red_image("con-dau"), red_image("chu-ky")
    template.save()
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))

    with certificate.pdf.open("rb") as file:
        assert len(PdfReader(file).pages[0].images) == 2


def test_create_signing_key_makes_a_readable_key_and_keeps_an_existing_one(tmp_path):
    path = tmp_path / "khoa.p12"
    call_command("create_signing_key", "--output", str(path), "--name", "Ủy ban MTTQ thử", stdout=io.StringIO())
    _key, certificate, _others = pkcs12.load_key_and_certificates(
        path.read_bytes(), settings.CERTIFICATE_SIGNING_PASSPHRASE.encode()
    )

    assert certificate.subject.rfc4514_string() == "CN=Ủy ban MTTQ thử,C=VN"
    with pytest.raises(CommandError):
        call_command("create_signing_key", "--output", str(path), stdout=io.StringIO())


def order(client, template, course, unit):
    return client.post(
        reverse("certificates_batch:add"), {"template": template.pk, "course": course.pk, "unit": unit.pk}
    )


def test_ordering_the_same_bulk_issue_again_while_it_is_pending_gives_the_one_ordered_before(
    client, tree, template, course
):
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))
    first = order(client, template, course, tree["commune"])  # the worker has not taken it yet
    batch = CertificateBatch.objects.get()

    again = order(client, template, course, tree["commune"])
    BackgroundJob.objects.filter(pk=batch.job_id).update(status="running")
    while_running = order(client, template, course, tree["commune"])
    page = client.get(while_running.url)

    assert CertificateBatch.objects.count() == 1
    assert first.url == again.url == while_running.url == reverse("certificates_batch:progress", args=[batch.pk])
    already = "Các giấy chứng nhận này đang được cấp: đây là lượt cấp hàng loạt đã đặt trước đó."
    assert already in page.text


def test_a_bulk_issue_can_be_ordered_again_once_the_last_one_is_over_or_for_another_selection(
    client, tree, template, course
):
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))
    order(client, template, course, tree["commune"])
    order(client, template, course, tree["area"])
    BackgroundJob.objects.update(status="done")
    order(client, template, course, tree["commune"])

    assert sorted(CertificateBatch.objects.values_list("unit__name", "job__status")) == [
        ("Phường Phan Đình Phùng", "done"),
        ("Phường Phan Đình Phùng", "waiting"),
        ("Tổ dân phố 1", "done"),
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_fifty_parallel_orders_of_one_bulk_issue_make_one_batch_and_one_task_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    tree = make_unit_tree()
    template = CertificateTemplate.objects.create(name="Song song", issuer="X", place="Y", signer_name="Z")
    course = make_course(make_catalogue(), lessons=1)
    organiser = make_organiser(is_staff=True, managed_unit=tree["commune"])
    requests = 50
    barrier = threading.Barrier(requests)
    locations, errors = [], []

    def post():
        try:
            browser = Client()
            browser.force_login(organiser)
            barrier.wait()
            locations.append(order(browser, template, course, tree["commune"]).url)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _request in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    batch = CertificateBatch.objects.get()
    assert locations == [reverse("certificates_batch:progress", args=[batch.pk])] * requests
    assert DBTaskResult.objects.filter(task_path="certificates.tasks.run_batch").count() == 1


def test_the_names_in_a_bulk_zip_are_plain_file_names_without_paths_and_without_repeats(
    tree, template, course, django_capture_on_commit_callbacks
):
    names = ["../../etc/cron.d/x", "..\\..\\Windows\\win.ini", ".bashrc", "Lê\x1bVăn\nTám", "Nguyễn Văn An"]
    for name in names:
        complete(learner(tree["area"], full_name=name), course)
    namesake = learner(tree["area"], full_name="Nguyễn Văn An")
    other_series = CertificateTemplate.objects.create(
        name="Hội Phụ nữ", issuer="X", place="Y", signer_name="Z", serial_suffix="GCN-HPN"
    )
    services.issue_certificate(template=other_series, record=complete(namesake, course))  # also number 0001
    organiser = make_organiser(is_staff=True, managed_unit=tree["commune"])

    with django_capture_on_commit_callbacks(execute=True):
        batch, _ordered = services.order_batch(
            template=template, course=course, session=None, unit=tree["commune"], user=organiser
        )

    batch.refresh_from_db()
    with batch.archive.open("rb") as archive:
        entries = zipfile.ZipFile(archive).namelist()
    assert sorted(entries) == [
        "0001-Nguyễn Văn An (2).pdf",
        "0001-Nguyễn Văn An.pdf",
        "0002-.bashrc.pdf",
        "0003-.._.._etc_cron.d_x.pdf",
        "0004-Lê_Văn Tám.pdf",
        "0005-.._.._Windows_win.ini.pdf",
    ]


def test_an_entry_name_never_starts_with_a_dot_nor_holds_a_separator():
    taken = set()

    assert services.archive_entry_name("../../x", taken) == "_.._x.pdf"
    assert services.archive_entry_name("/etc/passwd", taken) == "_etc_passwd.pdf"
    assert services.archive_entry_name("...", taken) == "_.pdf"
    assert services.archive_entry_name("Ngô Thị Hồng", taken) == "Ngô Thị Hồng.pdf"
    assert services.archive_entry_name("NGÔ THỊ HỒNG", taken) == "NGÔ THỊ HỒNG (2).pdf"
    assert services.archive_entry_name("Ngô Thị Hồng", taken) == "Ngô Thị Hồng (3).pdf"


def test_an_organiser_cannot_bulk_issue_for_another_unit_nor_see_its_batches(client, tree, template, course):
    complete(learner(tree["other_commune"]), course)
    theirs = CertificateBatch.objects.create(
        job=BackgroundJob.objects.create(kind="certificates.certificatebatch"),
        template=template,
        course=course,
        unit=tree["other_commune"],
    )
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))

    ordered = client.post(
        reverse("certificates_batch:add"),
        {"template": template.pk, "course": course.pk, "unit": tree["other_commune"].pk},
    )

    assert ordered.status_code == 200
    assert ordered.context["form"].errors["unit"]
    assert CertificateBatch.objects.count() == 1
    assert not Certificate.objects.exists()
    assert client.get(reverse("certificates_batch:progress", args=[theirs.pk])).status_code == 404
    assert list(client.get(reverse("certificates_batch:index")).context["object_list"]) == []


def test_learners_reach_no_certificate_screen_of_the_admin(client, tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    client.force_login(learner(tree["area"]).user)

    for name, args in (
        ("certificates_certificate:index", []),
        ("certificates_certificate:pdf", [certificate.pk]),
        ("certificates_certificate:revoke", [certificate.pk]),
        ("certificates_template:index", []),
        ("certificates_batch:add", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("wagtailadmin_login")), name


@pytest.mark.parametrize("typed", ["0001/GCN-MTTQ", "a;b", "x" * 33, "mã"])
def test_a_code_that_cannot_be_a_verification_code_is_refused_naming_the_field(client, typed):
    response = client.get(reverse("certificate_verify_form"), {"code": typed})

    assert response.status_code == 400
    assert "Mã xác minh: gồm các chữ cái" in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_download_address_with_characters_no_code_has_is_not_found(client):
    client.force_login(make_learner())

    response = client.get("/giay-chung-nhan/%00/tai-ve/")  # PostgreSQL cannot even compare a text holding NUL

    assert response.status_code == 404


# What a certificate prints


def test_a_sentence_whose_field_has_no_value_is_left_out_and_the_rest_of_its_line_kept(tree, template):
    person = learner(tree["area"], full_name="Hà Văn Sơn", birth_date=None)

    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(person))

    text = pdf_text(certificate)
    assert "Sinh ngày" not in text  # no date of birth
    assert "Thời lượng" not in text  # no hours
    assert "Kết quả: Đã hoàn thành." in text  # the second sentence of the hours' line
    assert f"Đơn vị: {tree['area'].name}" in text


def test_a_template_prints_only_the_fields_it_ticks(tree, template):
    template.printed_fields = ["ho_ten", "noi_dung", "ket_qua"]
    template.save()
    person = learner(tree["area"], full_name="Hà Văn Sơn", birth_date=datetime.date(1980, 2, 1))

    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(person))

    text = pdf_text(certificate)
    assert "Hà Văn Sơn" in text
    assert "01/02/1980" not in text
    assert "Sinh ngày" not in text
    assert "Đơn vị" not in text


def test_a_certificate_issued_before_templates_chose_their_fields_prints_them_all(tree, template):
    person = learner(tree["area"], birth_date=datetime.date(1980, 2, 1))
    certificate, _issued = services.issue_certificate(template=template, record=record_for(person))
    del certificate.snapshot["template"]["printed_fields"]
    certificate.save()

    services.make_pdf(certificate)

    assert "Sinh ngày: 01/02/1980" in pdf_text(certificate)


# The register


def test_the_register_gives_the_issue_time_in_vietnams_time_and_the_status_in_words(client, tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    issued_at_utc = datetime.datetime(2026, 3, 4, 18, 30, tzinfo=datetime.UTC)  # 01:30 on 05/03 in Vietnam
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued_at_utc)
    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))

    csv_rows = b"".join(
        client.get(reverse("certificates_certificate:index"), {"export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    xlsx = b"".join(client.get(reverse("certificates_certificate:index"), {"export": "xlsx"}).streaming_content)
    sheet = list(load_workbook(io.BytesIO(xlsx), read_only=True).active.iter_rows(values_only=True))

    assert "05/03/2026 01:30" in csv_rows
    assert "Còn hiệu lực" in csv_rows
    assert sheet[1][7] == datetime.datetime(2026, 3, 5, 1, 30)
    assert sheet[1][8] == "Còn hiệu lực"


# Revoking and reissuing from the list


def test_the_certificate_list_offers_revoke_and_reissue_for_valid_certificates_to_organisers_and_administrators(
    client, tree, template
):
    valid, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))
    revoked, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))
    services.revoke_certificate(certificate=revoked, reason="Cấp nhầm", user=None)

    for user in (
        make_organiser(is_staff=True, managed_unit=tree["commune"]),
        make_user(is_superuser=True, is_staff=True),
    ):
        client.force_login(user)
        listing = client.get(reverse("certificates_certificate:index")).text
        for action in ("revoke", "reissue"):
            assert reverse(f"certificates_certificate:{action}", args=[valid.pk]) in listing
            assert reverse(f"certificates_certificate:{action}", args=[revoked.pk]) not in listing
        assert reverse("certificates_certificate:pdf", args=[revoked.pk]) in listing


# Verification codes


def test_new_codes_use_no_letters_or_digits_that_look_alike_and_carry_at_least_96_bits(tree, template):
    codes = [
        services.issue_certificate(template=template, record=record_for(learner(tree["area"])))[0].code
        for _n in range(5)
    ]

    assert len(set(codes)) == 5
    for code in codes:
        assert not set(code) & set("0O1IlLo"), code
        assert set(code) <= set(CODE_ALPHABET)
        assert len(CODE_ALPHABET) ** len(code) >= 2**96


def test_a_code_is_checked_in_any_case_and_with_spaces(client, tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    typed = " ".join(certificate.printed_code.lower().split(" ")[:2]) + "  " + certificate.code[8:].lower()

    redirected = client.get(reverse("certificate_verify_form"), {"code": typed})
    page = client.get(redirected.url)

    assert redirected.status_code == 302
    assert page.status_code == 200
    assert page.context["certificate"] == certificate


def test_a_code_made_before_the_present_alphabet_stays_valid_exactly_as_printed(client, tree, template):
    certificate, _issued = services.issue_certificate(template=template, record=record_for(learner(tree["area"])))
    old_code = "Il1O0-aBcD_efGh9"  # made by the former generator: URL-safe base64, case matters
    Certificate.objects.filter(pk=certificate.pk).update(code=old_code)

    found = client.get(reverse("certificate_verify", args=[old_code]))
    other_case = client.get(reverse("certificate_verify", args=[old_code.upper()]))

    assert found.status_code == 200
    assert found.context["certificate"] == certificate
    assert other_case.status_code == 404


def test_the_pdf_prints_the_code_in_groups_of_four(tree, template):
    certificate, _issued = services.issue_with_pdf(template=template, record=record_for(learner(tree["area"])))

    groups = [certificate.code[start : start + 4] for start in range(0, 20, 4)]
    assert f"Mã xác thực:\n{' '.join(groups)}" in pdf_text(certificate)
    assert certificate.printed_code == " ".join(groups)
