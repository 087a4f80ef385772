from django.db import migrations
from django.db.models import OuterRef, Subquery


def link_training_records(apps, schema_editor):
    """Each certificate to the record of its person and source key, the pair that linked them until now
    (unique on the record, so at most one matches)."""
    Certificate = apps.get_model("certificates", "Certificate")
    TrainingRecord = apps.get_model("lms", "TrainingRecord")
    Certificate.objects.update(
        training_record=Subquery(
            TrainingRecord.objects.filter(person=OuterRef("person"), source_key=OuterRef("source_key")).values("pk")
        )
    )
    unlinked = list(Certificate.objects.filter(training_record__isnull=True).values_list("pk", flat=True))
    if unlinked:
        # Certificates are issued from records and records are never deleted: stop rather than guess one.
        raise RuntimeError(f"Certificates without the training record of their person and source key: {unlinked}")


def copy_source_keys(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    TrainingRecord = apps.get_model("lms", "TrainingRecord")
    Certificate.objects.update(
        source_key=Subquery(TrainingRecord.objects.filter(pk=OuterRef("training_record")).values("source_key"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_certificate_training_record"),
    ]

    operations = [migrations.RunPython(link_training_records, copy_source_keys)]
