"""The migration that links each certificate to the training record it certifies, and its undoing; the one that
moves the history of certificates to the unit-scoped log."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateTemplate
from lms import ledger
from lms.models import UnitLogEntry
from tests.factories import make_person, make_unit_tree, migrate_back, migrate_forward

BEFORE = [("certificates", "0003_private_storage")]


def completion(person, course_id):
    return ledger.record_course_completion(
        person=person,
        course_id=course_id,
        title=f"Khóa học {course_id}",
        date=datetime.date(2026, 3, 5),
        hours=None,
        result="",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_certificates_are_linked_to_the_record_of_their_person_and_source_key_and_unlinked_when_undone():
    tree = make_unit_tree()
    person, other = make_person(unit=tree["area"]), make_person(unit=tree["area"])
    first, second, others = completion(person, 1), completion(person, 2), completion(other, 2)
    template = CertificateTemplate.objects.create(name="Mẫu", issuer="MTTQ", place="Thái Nguyên", signer_name="An")
    old = migrate_back(*BEFORE).get_model("certificates", "Certificate")
    for number, (record, status) in enumerate([(second, "revoked"), (second, "valid"), (others, "valid")], 1):
        old.objects.create(
            template_id=template.pk,
            person_id=record.person_id,
            source_key=record.source_key,
            what=record.reference,
            completed_on=record.date,
            year=2026,
            suffix="CN",
            number=number,
            status=status,
        )

    migrate_forward()

    linked = Certificate.objects.order_by("number").values_list("training_record", "status")
    assert list(linked) == [(second.pk, "revoked"), (second.pk, "valid"), (others.pk, "valid")]
    assert not Certificate.objects.filter(training_record=first).exists()
    undone = migrate_back(*BEFORE).get_model("certificates", "Certificate")
    assert list(undone.objects.order_by("number").values_list("person", "source_key")) == [
        (person.pk, second.source_key),
        (person.pk, second.source_key),
        (other.pk, others.source_key),
    ]
    migrate_forward()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_history_of_certificates_moves_to_the_unit_of_their_person():
    tree = make_unit_tree()
    record = completion(make_person(unit=tree["area"]), 1)
    template = CertificateTemplate.objects.create(name="Mẫu", issuer="MTTQ", place="Thái Nguyên", signer_name="An")
    certificate = Certificate.objects.create(
        template=template,
        person=record.person,
        training_record=record,
        what=record.reference,
        completed_on=record.date,
        year=2026,
        suffix="CN",
        number=1,
    )
    migrate_back(("certificates", "0008_batch_job_required"))
    for instance, action in ((certificate, "certificates.issue"), (template, "wagtail.edit")):
        ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=str(instance.pk),
            label=str(instance),
            action=action,
            timestamp=timezone.now(),
        )

    migrate_forward()

    moved = UnitLogEntry.objects.filter(content_type__app_label="certificates")
    assert sorted(moved.values_list("action", "unit")) == [
        ("certificates.issue", tree["area"].pk),
        ("wagtail.edit", None),
    ]
    assert not ModelLogEntry.objects.filter(content_type__app_label="certificates").exists()
