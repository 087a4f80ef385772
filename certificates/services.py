"""Issuing certificates: one per training record, serial numbers without gaps, signed PDFs, revoking."""

import hashlib
import re
import tempfile
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateSerial,
    CertificateStatus,
    CertificateTemplate,
)
from certificates.rendering import TEMPLATE_FIELDS, certificate_pdf, format_hours
from certificates.signing import sign_pdf
from lms import ledger
from lms.models import BackgroundJob, JobStatus, Person, TrainingRecord
from lms.services import run_job


def next_number(suffix, year):
    """The next serial number of ``suffix`` in ``year``, taken under a lock on its counter: numbers are
    unique and, as the certificate is saved in the same transaction, without gaps."""
    CertificateSerial.objects.get_or_create(suffix=suffix, year=year)
    counter = CertificateSerial.objects.select_for_update().get(suffix=suffix, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def printed_values(person, record):
    return {
        "ho_ten": person.full_name,
        "ngay_sinh": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
        "don_vi": person.unit.name,
        "noi_dung": record.reference,
        "ngay_hoan_thanh": record.date.strftime("%d/%m/%Y"),
        "so_gio": format_hours(record.hours),
        "ket_qua": record.result or _("Completed"),
    }


def valid_certificates(record):
    return Certificate.objects.filter(training_record=record, status=CertificateStatus.VALID)


def issue_certificate(*, template, record, user=None, replaces=None):
    """The valid certificate of the training ``record``, issued now to its person unless it exists.

    Idempotent: a double click, a retried job or two workers give one certificate (a unique constraint on
    the valid certificates' training record backs the check). The PDF is made by ``make_pdf``, outside this
    transaction.
    """
    existing = valid_certificates(record).first()
    if existing is not None:
        return existing, False
    person = Person.objects.select_related("unit").get(pk=record.person_id)
    issued_on = timezone.localdate()
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                template=template,
                person=person,
                training_record=record,
                what=record.reference,
                completed_on=record.date,
                hours=record.hours,
                result=record.result,
                year=issued_on.year,
                suffix=template.serial_suffix,
                number=next_number(template.serial_suffix, issued_on.year),
                issued_by=user,
                replaces=replaces,
                snapshot={
                    "template": {name: getattr(template, name) for name in TEMPLATE_FIELDS},
                    "values": printed_values(person, record),
                    "issued_on": issued_on.isoformat(),
                },
            )
            Person.objects.filter(pk=person.pk).learning_record_changed()
    except IntegrityError:  # a parallel request issued it first
        return valid_certificates(record).get(), False
    log(instance=certificate, action="certificates.issue", user=user, data={"serial": certificate.serial})
    return certificate, True


def make_pdf(certificate):
    """Render, sign, store and hash the certificate's PDF (once; calling it again changes nothing)."""
    if certificate.pdf:
        return certificate
    signed = sign_pdf(certificate_pdf(certificate))
    certificate.sha256 = hashlib.sha256(signed).hexdigest()
    certificate.pdf.save(
        f"{certificate.year}-{certificate.number:04d}-{certificate.code}.pdf", ContentFile(signed), save=False
    )
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name, sha256=certificate.sha256)
        Person.objects.filter(pk=certificate.person_id).learning_record_changed()  # its download link shows
    return certificate


def issue_with_pdf(*, template, record, user=None):
    certificate, issued = issue_certificate(template=template, record=record, user=user)
    return make_pdf(certificate), issued


@transaction.atomic
def revoke_certificate(*, certificate, reason, user):
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking it."))
    updated = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.VALID).update(
        status=CertificateStatus.REVOKED, revoked_at=timezone.now(), revoked_reason=reason.strip()
    )
    if not updated:
        raise ValidationError(_("This certificate is already revoked."))
    Person.objects.filter(pk=certificate.person_id).learning_record_changed()
    certificate.refresh_from_db()
    log(instance=certificate, action="certificates.revoke", user=user, data={"reason": certificate.revoked_reason})
    return certificate


def reissue_certificate(*, certificate, reason, user):
    """Revoke ``certificate`` and issue its person a new one for the same training record, with a new serial
    number and the person's and template's details as they are now."""
    with transaction.atomic():
        revoke_certificate(certificate=certificate, reason=reason, user=user)
        new, _issued = issue_certificate(
            template=certificate.template, record=certificate.training_record, user=user, replaces=certificate
        )
        log(instance=new, action="certificates.reissue", user=user, data={"replaces": certificate.serial})
    return make_pdf(new)


def template_for(source, *, unit):
    """The template that grants the people of ``unit`` a certificate for a course or a session, if any: the one of
    the nearest unit at or above ``unit``, else one the whole install shares (a unit's template never reaches
    people outside its subtree)."""
    templates = CertificateTemplate.objects.filter(**source).for_unit(unit)
    return templates.order_by(F("unit__depth").desc(nulls_last=True), "pk").first()


@transaction.atomic
def order_batch(*, template, course, session, unit, user):
    """Order a bulk issue for the records of ``course`` or ``session`` in ``unit``'s subtree; the worker issues
    the certificates (``run_batch``) once the order is saved. While a bulk issue of the same selection is
    waiting or running, ordering it again (a double click, a second organiser) returns that one.

    Returns the batch and whether it was ordered now.
    """
    from certificates.tasks import run_batch

    # Orders of one template are checked one at a time: the row lock on PostgreSQL, the write lock that an
    # IMMEDIATE transaction takes at its start on SQLite.
    CertificateTemplate.objects.select_for_update().get(pk=template.pk)
    pending = CertificateBatch.objects.filter(
        template=template,
        course=course,
        session=session,
        unit=unit,
        job__status__in=[JobStatus.WAITING, JobStatus.RUNNING],
    ).first()
    if pending is not None:
        return pending, False
    batch = CertificateBatch.objects.create(
        job=BackgroundJob.order(CertificateBatch, by=user), template=template, course=course, session=session, unit=unit
    )
    transaction.on_commit(lambda: run_batch.enqueue(batch.pk))
    return batch, True


def batch_records(batch):
    """The training records a bulk issue covers: of its course or session, for people of its unit's subtree."""
    source_key = ledger.course_key(batch.course_id) if batch.course_id else ledger.session_key(batch.session_id)
    return (
        TrainingRecord.objects.in_force()
        .filter(source_key=source_key)
        .in_unit(batch.unit)
        .order_by("person__sort_key", "pk")
    )


# \w is Unicode-aware: Vietnamese letters (composed by NFC) stay, path separators and control characters go.
NOT_IN_FILE_NAMES = re.compile(r"[^\w \-.,()]")


def archive_entry_name(stem, taken):
    """A name for ``stem``.pdf inside a ZIP that no unzip program reads as a path or hidden file: letters
    (Vietnamese too), digits, spaces and a few marks kept, anything else "_", no leading dot; "(2)", "(3)"...
    after a name already in ``taken``, to which the name is added."""
    safe = " ".join(NOT_IN_FILE_NAMES.sub("_", unicodedata.normalize("NFC", stem)).split()).lstrip(". ")[:150] or "_"
    name, copy = f"{safe}.pdf", 1
    while name.casefold() in taken:
        copy += 1
        name = f"{safe} ({copy}).pdf"
    taken.add(name.casefold())
    return name


def run_batch(batch):
    """Issue the batch's certificates as its job (once), one by one, saving progress; a failure on one is noted
    and the others go on. Ends with a ZIP of the PDFs, written to disk as it grows (a province's batch is
    gigabytes)."""

    def issue(job):
        records = batch_records(batch).select_related("person")
        job.report(total=records.count())
        errors, done, names = [], 0, set()
        with tempfile.TemporaryFile() as archive:
            with zipfile.ZipFile(archive, "w") as zipped:  # PDFs are compressed already
                for record in records.iterator(chunk_size=500):
                    try:
                        certificate, _issued = issue_with_pdf(
                            template=batch.template, record=record, user=job.created_by
                        )
                        with certificate.pdf.open("rb") as pdf:
                            name = archive_entry_name(f"{certificate.number:04d}-{record.person.full_name}", names)
                            zipped.writestr(name, pdf.read())
                        done += 1
                    except Exception as error:
                        errors.append({"item": record.person.full_name, "error": str(error)})
                    job.report(done=done, errors=errors)
            archive.seek(0)
            batch.archive.save(f"chung-nhan-{batch.pk}.zip", File(archive), save=False)
        CertificateBatch.objects.filter(pk=batch.pk).update(archive=batch.archive.name)

    run_job(batch.job, issue)
