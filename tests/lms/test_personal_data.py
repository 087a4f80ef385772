"""Personal data (Law 91/2025/QH15): erasure keeps every report and removes every trace of the person, learners see
and download only their own data and ask for corrections, staff reads are logged for their unit's organisers, and
the weekly retention rule erases those who left long enough ago."""

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.log_actions import log

from certificates.models import Certificate, CertificateBatch, CertificateTemplate
from certificates.signing import create_signing_key
from courses.models import CourseIndexPage
from lms import ledger, personal_data, services
from lms.models import (
    AccessKind,
    AttendanceMethod,
    BackgroundJob,
    CorrectionRequest,
    CorrectionStatus,
    Person,
    PersonalDataAccess,
    SingleSignOnIdentity,
    TrainingCorrection,
    UnitLogEntry,
)
from targets import selectors as coverage
from targets import services as coverage_services
from targets.models import ReminderLog, Target, ZaloMessage
from targets.tasks import weekly_coverage_work
from tests.certificates.test_certificates import complete
from tests.courses.helpers import make_catalogue, make_course
from tests.factories import (
    make_learner,
    make_organiser,
    make_person,
    make_session,
    make_trainer,
    make_trainings,
    make_unit_tree,
    make_zalo_template,
    run_worker,
)

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Phạm Thị Hồng Nhung", "0987654321", "nhung.pham@example.vn"
PROVIDER_SUBJECT = "mts-nhung-0001"  # the id Mặt trận số gives her account
# what identifies her, the phone also as Zalo writes it
SECRETS = [NAME, PHONE, "84" + PHONE[1:], EMAIL, PROVIDER_SUBJECT]
TERM = (date(2025, 1, 1), date(2030, 12, 31))


@pytest.fixture(autouse=True)
def signing_key():
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa thử"
        )
    cache.clear()


@dataclass
class World:
    units: dict
    person: Person
    neighbour: Person
    target: Target
    certificate: Certificate
    organiser: object


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def staff_client(user):
    """An admin client past two-step verification (the test settings let staff in after ``force_login``)."""
    return logged_in(user)


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    units = make_unit_tree()
    user = make_learner(username=PHONE, phone=PHONE, email=EMAIL, last_name="Phạm", first_name="Thị Hồng Nhung")
    person = make_person(
        unit=units["area"],
        full_name=NAME,
        phone=PHONE,
        email=EMAIL,
        birth_date=date(1985, 3, 5),
        external_id="CCCD-001085012345",
        user=user,
        start_date=date(2024, 1, 1),
    )
    neighbour = make_person(unit=units["area"], full_name="Lê Văn Bình", user=make_learner())
    make_trainings(person, day=date(2025, 3, 1), times=2, reference="Tập huấn kỹ năng số")
    make_trainings(neighbour, day=date(2025, 3, 1))
    session = make_session(organising_unit=units["commune"], invited_units=[units["commune"]])
    services.record_attendance(session=session, people=[person], method=AttendanceMethod.TICKED)
    template = CertificateTemplate.objects.create(
        name="MTTQ Thái Nguyên", issuer="ỦY BAN MTTQ VIỆT NAM", place="Thái Nguyên", signer_name="Hùng"
    )
    course = make_course(make_catalogue(), lessons=1)
    template.courses.add(course)
    with django_capture_on_commit_callbacks(execute=True):
        complete(person, course)
    target = Target.objects.create(
        name="Ít nhất 2 lần trong nhiệm kỳ",
        slug="2-lan",
        unit=units["central"],
        min_records=2,
        window_start=TERM[0],
        window_end=TERM[1],
        starts_on=TERM[0],
        deadline=TERM[1],
    )
    coverage_services.take_snapshot(target=target, as_of=date(2025, 6, 1))
    ReminderLog.objects.create(target=target, person=person, channel="email", address=EMAIL)
    ZaloMessage.objects.create(
        person=person,
        template=make_zalo_template(),
        phone="84" + PHONE[1:],
        template_data={"ten": NAME},
        tracking_id="nhac-1",
        fallback_email=EMAIL,
        fallback_subject=f"Nhắc {NAME}",
        fallback_body=f"Chào {NAME}",
    )
    SingleSignOnIdentity.objects.create(user=user, issuer="https://mattranso.example", subject=PROVIDER_SUBJECT)
    organiser = make_organiser(managed_unit=units["commune"])
    # the trails a person leaves in logs, jobs, queued mail and log-in attempts
    log(instance=person, action="wagtail.edit", user=organiser, data={"note": f"Sửa số {PHONE} của {NAME}"})
    log(instance=user, action="wagtail.edit", user=organiser)
    BackgroundJob.objects.create(kind="tests.work", errors=[{"item": NAME, "error": f"{EMAIL} không nhận thư"}])
    personal_data.request_correction(person=person, message=f"Tôi là {NAME}, số điện thoại đúng là {PHONE}")
    personal_data.log_export(user=organiser, what="Danh sách người", unit=units["commune"], detail=f"q={NAME}")
    AccessAttempt.objects.create(
        username=f"email:{EMAIL}",
        ip_address="127.0.0.1",
        user_agent="thử",
        http_accept="*/*",
        path_info="/dang-nhap/",
        get_data="",
        post_data=f"username={EMAIL}",
        failures_since_start=1,
    )
    logged_in(user)  # a session of the person's account
    return World(units, person, neighbour, target, Certificate.objects.get(person=person), organiser)


def archive_names(batch):
    with batch.archive.open("rb") as archive:
        return zipfile.ZipFile(archive).namelist()


def report_lines(target, unit, as_of):
    report = coverage.coverage(target, unit, as_of=as_of)
    lines = [(row.unit.pk, row.population, row.met, row.trainings, row.status) for row in report.rows]
    total = report.total
    return lines, (total.population, total.met, total.trainings, total.status)


def every_report(world):
    days = [None, date(2025, 6, 1), date(2025, 9, 1)]  # today, a day with a snapshot, a past day without one
    units = [world.units[key] for key in ("central", "province", "commune", "area")]
    reports = {(unit.pk, day): report_lines(world.target, unit, day) for unit in units for day in days}
    for unit in units:
        _requirement, missing = coverage.people_missing(world.target, unit)
        reports[(unit.pk, "missing")] = sorted(missing.values_list("pk", flat=True))
    standings = coverage.unit_standings([world.target], world.units["commune"])
    reports["standings"] = [(row.population, row.met, row.trainings) for row in standings]
    return reports


def text_fields(model):
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [field for field in model._meta.concrete_fields if isinstance(field, kinds)]


def places_quoting(needles):
    """Every (model, field, pk) of the whole database whose text, JSON or file name holds one of ``needles`` (in any
    case); sessions are decoded first."""
    found = []
    needles = [needle.casefold() for needle in needles]
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = text_fields(model)
        if not fields:
            continue
        for row in model._base_manager.values("pk", *(field.attname for field in fields)).iterator():
            for field in fields:
                value = row[field.attname]
                text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                if any(needle in text.casefold() for needle in needles):
                    found.append((model._meta.label, field.name, row["pk"]))
    for session in Session.objects.all():
        if any(needle in json.dumps(session.get_decoded(), ensure_ascii=False).casefold() for needle in needles):
            found.append(("sessions.Session", "session_data", session.pk))
    return found


# Erasure


def test_erasure_keeps_every_report_the_same_and_leaves_nothing_of_the_name_phone_or_email(world, queued_tasks):
    send_mail(f"Chào {NAME}", "Nhắc tập huấn", None, [EMAIL])  # waits in the task queue with the address
    assert {label for label, _field, _pk in places_quoting(SECRETS)} >= {
        "lms.Person",
        "lms.SingleSignOnIdentity",
        "coverage.ZaloMessage",
        "lms.UnitLogEntry",
        "certificates.Certificate",
        "django_tasks_database.DBTaskResult",
        "axes.AccessAttempt",
    }
    user_sessions = [
        session.pk
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(world.person.user_id)
    ]
    assert user_sessions
    before = every_report(world)
    pdf_name = world.certificate.pdf.name
    storage = world.certificate.pdf.storage
    assert storage.exists(pdf_name)

    reason = "Người này đề nghị xóa ngày 05/03/2026"
    personal_data.erase_person(person=world.person, reason=reason, user=world.organiser)

    assert every_report(world) == before
    assert places_quoting(SECRETS) == []
    person = Person.objects.get(pk=world.person.pk)
    assert (person.phone, person.email, person.birth_date, person.external_id) == ("", "", None, "")
    assert person.erased_at is not None
    assert person.unit == world.units["area"]
    assert person.training_records.count() == 4
    user = person.user
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email == user.phone == ""
    assert not storage.exists(pdf_name)
    assert not Session.objects.filter(pk__in=user_sessions).exists()
    certificate = Certificate.objects.get(pk=world.certificate.pk)
    assert (certificate.serial, certificate.sha256, certificate.code) == (
        world.certificate.serial,
        world.certificate.sha256,
        world.certificate.code,
    )
    entry = UnitLogEntry.objects.filter(action="lms.person_erased").get()
    assert (entry.user, entry.data["reason"]) == (world.organiser, reason)
    run_worker()  # the queued mail to the erased address fails to nobody: it was rewritten


def test_erasure_rewrites_a_correction_of_their_training_that_quotes_the_person_and_keeps_what_it_voided(world):
    record = world.person.training_records.order_by("pk").first()
    correction = ledger.correct(record=record, reason=f"Ghi nhầm cho {NAME} ({PHONE}): chị không dự buổi này")

    personal_data.erase_person(person=world.person, reason="Đã nghỉ")

    rewritten = TrainingCorrection.objects.get(pk=correction.pk)
    assert NAME not in rewritten.reason
    assert PHONE not in rewritten.reason
    assert "chị không dự buổi này" in rewritten.reason
    assert (rewritten.record_id, rewritten.replacement_id) == (record.pk, None)


def test_erasure_takes_the_persons_pdf_out_of_the_zip_of_a_bulk_issue_and_keeps_the_others(
    world, django_capture_on_commit_callbacks
):
    course = make_course(CourseIndexPage.objects.get(), lessons=1)
    world.certificate.template.courses.add(course)
    for person in (world.person, world.neighbour):
        complete(person, course)  # no commit: the bulk issue certifies them
    client = staff_client(world.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        form = {"template": world.certificate.template.pk, "course": course.pk, "unit": world.units["commune"].pk}
        client.post(reverse("certificates_batch:add"), form)
    batch = CertificateBatch.objects.get()
    assert len(archive_names(batch)) == 2

    personal_data.erase_person(person=world.person, reason="Đề nghị của người này")

    batch.refresh_from_db()
    names = archive_names(batch)
    assert len(names) == 1
    assert "Lê Văn Bình" in names[0]
    assert places_quoting([NAME]) == []


def test_erasing_a_person_twice_is_refused_and_a_reason_is_required(world):
    with pytest.raises(ValidationError, match="lý do"):
        personal_data.erase_person(person=world.person, reason="  ")
    personal_data.erase_person(person=world.person, reason="Đã nghỉ")
    with pytest.raises(ValidationError, match="đã được xóa trước đó"):
        personal_data.erase_person(person=world.person, reason="Đã nghỉ")


def test_the_check_page_of_an_erased_holders_certificate_says_so_without_a_name(world, client):
    url = reverse("certificate_verify", args=[world.certificate.code])
    assert NAME in client.get(url).content.decode()

    personal_data.erase_person(person=world.person, reason="Đã nghỉ")

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Dữ liệu cá nhân của người được cấp đã được xóa." in page
    assert NAME not in page
    assert personal_data.pseudonym_of(world.person) not in page
    assert world.certificate.serial in page


def test_an_organiser_erases_a_person_of_their_unit_after_confirming_with_a_reason(world):
    client = staff_client(world.organiser)
    url = reverse("lms_person:erase", args=[world.person.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert "Xóa dữ liệu cá nhân" in page.content.decode()

    unconfirmed = client.post(url, {"reason": "Đề nghị của người này"})
    assert unconfirmed.status_code == 200
    assert Person.objects.get(pk=world.person.pk).erased_at is None

    done = client.post(url, {"reason": "Đề nghị của người này", "confirm": "on"})
    assert done.status_code == 302
    assert Person.objects.get(pk=world.person.pk).erased_at is not None


def test_an_organiser_of_another_unit_cannot_erase_the_person(world):
    outsider = make_organiser(managed_unit=world.units["other_commune"])
    client = staff_client(outsider)
    url = reverse("lms_person:erase", args=[world.person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Thử", "confirm": "on"}).status_code == 404
    trainer = make_trainer(managed_unit=world.units["commune"])  # sees the person, may not erase
    assert staff_client(trainer).post(url, {"reason": "Thử", "confirm": "on"})["Location"] == "/admin/"
    assert Person.objects.get(pk=world.person.pk).erased_at is None


# The learner's own data


def test_a_learner_sees_everything_held_about_them_and_no_one_else(world):
    client = logged_in(world.person.user)
    page = client.get(reverse("my_data"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    for held in (NAME, PHONE, EMAIL, "05/03/1985", "Tập huấn kỹ năng số", world.certificate.serial, "Khóa học thử"):
        assert held in page
    assert "Lê Văn Bình" not in page
    assert reverse("my_data") in client.get(reverse("my_courses")).content.decode()


def test_a_learner_downloads_their_own_data_as_json_and_xlsx_and_never_anothers(world):
    own = logged_in(world.person.user)
    document = json.loads(own.get(reverse("my_data_download", args=["json"]), HTTP_ACCEPT_LANGUAGE="vi").content)
    assert document["sections"]["person"]["rows"][0] == {"Trường": "họ và tên", "Giá trị": NAME}
    assert {"person", "account", "training_records", "certificates", "enrolments", "reminders"} <= set(
        document["sections"]
    )
    workbook = load_workbook(BytesIO(own.get(reverse("my_data_download", args=["xlsx"])).content))
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row if cell]
    assert NAME in cells
    assert EMAIL in cells

    other = logged_in(world.neighbour.user)
    theirs = other.get(reverse("my_data_download", args=["json"])).content.decode()
    assert "Lê Văn Bình" in theirs
    assert NAME not in theirs
    assert PHONE not in theirs
    assert Client().get(reverse("my_data_download", args=["json"])).status_code == 302
    assert own.get(reverse("my_data_download", args=["csv"])).status_code == 404


def test_a_learner_asks_for_a_correction_that_their_units_organisers_handle(world):
    client = logged_in(world.neighbour.user)
    client.post(reverse("my_data"), {"message": "Ngày sinh của tôi là 01/02/1980"})
    correction = CorrectionRequest.objects.get(person=world.neighbour)
    assert UnitLogEntry.objects.filter(action="lms.correction_requested", object_id=str(correction.pk)).exists()

    outsider = staff_client(make_organiser(managed_unit=world.units["other_commune"]))
    handle_url = reverse("lms_correctionrequest:handle", args=[correction.pk])
    assert outsider.get(handle_url).status_code == 404
    assert "01/02/1980" not in outsider.get(reverse("lms_correctionrequest:index")).content.decode()

    organiser = staff_client(world.organiser)
    assert "01/02/1980" in organiser.get(reverse("lms_correctionrequest:index")).content.decode()
    organiser.post(handle_url, {"answer": "Đã sửa ngày sinh"})
    correction.refresh_from_db()
    assert (correction.status, correction.handled_by, correction.answer) == (
        CorrectionStatus.HANDLED,
        world.organiser,
        "Đã sửa ngày sinh",
    )
    assert "Đã sửa ngày sinh" in client.get(reverse("my_data")).content.decode()
    assert organiser.get(handle_url).status_code == 404  # handled once


# The access log


def test_staff_views_and_exports_of_personal_data_are_logged(world):
    client = staff_client(world.organiser)
    PersonalDataAccess.objects.all().delete()
    person_pk = world.person.pk
    client.get(reverse("lms_person:edit", args=[person_pk]))
    client.get(reverse("lms_person:trainings", args=[person_pk]))
    client.get(reverse("lms_person:history", args=[person_pk]))
    client.get(reverse("lms_person:activation_person", args=[person_pk]))
    client.get(reverse("lms_person:index") + f"?export=xlsx&unit={world.units['area'].pk}")
    commune = world.units["commune"]
    client.get(reverse("coverage_report:missing") + f"?target={world.target.pk}&unit={commune.pk}&export=csv")
    client.get(reverse("certificates_certificate:index") + "?export=csv")
    client.get(reverse("courses_enrolment:index") + "?export=csv")

    entries = list(PersonalDataAccess.objects.order_by("id"))
    views = [(entry.kind, entry.person_id, entry.user) for entry in entries[:4]]
    assert views == [(AccessKind.VIEW, person_pk, world.organiser)] * 4
    exports = [(entry.kind, entry.unit, entry.person) for entry in entries[4:]]
    assert exports == [
        (AccessKind.EXPORT, world.units["area"], None),
        (AccessKind.EXPORT, world.units["commune"], None),
        (AccessKind.EXPORT, world.units["commune"], None),
        (AccessKind.EXPORT, world.units["commune"], None),
    ]
    assert entries[4].what == "Danh sách người"


def listing_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_access_log_is_read_by_the_units_organisers_only_and_never_edited(world):
    organiser = staff_client(world.organiser)
    organiser.get(reverse("lms_person:edit", args=[world.person.pk]))
    entry = PersonalDataAccess.objects.filter(person=world.person).latest("id")
    url = reverse("lms_personaldataaccess:index")

    few, page = listing_queries(organiser, url)
    assert NAME in page
    for _time in range(5):  # more entries, of more people and users: the same queries
        person = make_person(unit=world.units["area"])
        personal_data.log_view(user=make_organiser(managed_unit=world.units["commune"]), person=person, what="Trang")
    assert listing_queries(organiser, url)[0] == few

    outsider = staff_client(make_organiser(managed_unit=world.units["other_commune"]))
    assert NAME not in outsider.get(url).content.decode()
    trainer = staff_client(make_trainer(managed_unit=world.units["commune"]))
    assert trainer.get(url).status_code == 302  # no permission: back to the admin's home
    assert staff_client(world.organiser).get(f"/admin/personal-data-access/edit/{entry.pk}/").status_code in (302, 403)


# Retention


def test_the_weekly_job_erases_those_who_left_exactly_the_retention_years_ago_and_not_a_day_later(world, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    today = timezone.localdate()
    left_long_ago = make_person(unit=world.units["area"], end_date=today.replace(year=today.year - 5), is_active=False)
    left_recently = make_person(
        unit=world.units["area"], end_date=today.replace(year=today.year - 5) + timedelta(days=1), is_active=False
    )
    weekly_coverage_work.enqueue()

    assert Person.objects.get(pk=left_long_ago.pk).erased_at is not None
    assert Person.objects.get(pk=left_recently.pk).erased_at is None
    assert Person.objects.get(pk=world.person.pk).erased_at is None
    settings.PERSONAL_DATA_RETENTION_YEARS = 0
    assert personal_data.erase_people_past_retention(today=today + timedelta(days=3650)) == 0


def test_the_retention_command_lists_the_people_past_the_rule_and_erases_them(world, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    today = timezone.localdate()
    left = make_person(unit=world.units["area"], full_name="Hoàng Văn Cũ", end_date=today.replace(year=today.year - 6))
    listed = io.StringIO()
    call_command("apply_data_retention", "--dry-run", stdout=listed)
    assert "Hoàng Văn Cũ" in listed.getvalue()
    assert Person.objects.get(pk=left.pk).erased_at is None

    call_command("apply_data_retention", stdout=io.StringIO())
    assert Person.objects.get(pk=left.pk).erased_at is not None


def test_the_correction_requests_list_reads_the_same_queries_for_more_requests(world):
    organiser = staff_client(world.organiser)
    url = reverse("lms_correctionrequest:index")
    few, page = listing_queries(organiser, url)
    assert NAME in page
    for _time in range(5):
        personal_data.request_correction(person=make_person(unit=world.units["area"]), message="Sai ngày sinh")
    assert listing_queries(organiser, url)[0] == few


def test_screens_of_personal_data_are_in_vietnamese(world):
    learner = logged_in(world.person.user).get(reverse("my_data"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Dữ liệu của tôi" in learner
    assert "Tải về" in learner
    assert "Ask for a correction" not in learner
    assert "đưa vào danh sách lúc" in learner
    assert re.search(r"\b(created|updated) at\b", learner) is None  # Django's own names of unnamed fields
    organiser = staff_client(world.organiser)
    access = organiser.get(reverse("lms_personaldataaccess:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Truy cập dữ liệu cá nhân" in access
    requests = organiser.get(reverse("lms_correctionrequest:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Yêu cầu chỉnh sửa" in requests
    correction = CorrectionRequest.objects.get(person=world.person)
    handle = organiser.get(reverse("lms_correctionrequest:handle", args=[correction.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Trả lời người đề nghị" in handle.content.decode()
    assert "Correct the person" not in handle.content.decode()
    erase = organiser.get(reverse("lms_person:erase", args=[world.person.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Tôi hiểu rằng" in erase.content.decode()
    assert "cannot be undone" not in erase.content.decode()
