"""Certificate templates belong to a unit (those there are become shared ones, kept by administrators), and the
history of templates, certificates and bulk issues moves to the unit-scoped log, so that organisers read only
their own units' entries."""

import django.db.models.deletion
from django.db import migrations, models

LOGGED_FIELDS = ("label", "action", "data", "timestamp", "uuid", "user_id", "revision_id", "content_changed", "deleted")


def units_by_object_id(apps, model):
    """The unit each object of ``model`` belongs to (its ``audit_unit_id`` now), by the object's id as logged."""
    unit_lookup = "person__unit_id" if model == "certificate" else "unit_id"
    rows = apps.get_model("certificates", model).objects.values_list("pk", unit_lookup)
    return {str(pk): unit_id for pk, unit_id in rows}


def move_log_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    UnitLogEntry = apps.get_model("lms", "UnitLogEntry")
    models_logged = ("certificate", "certificatebatch", "certificatetemplate")
    for content_type in ContentType.objects.filter(app_label="certificates", model__in=models_logged):
        entries = ModelLogEntry.objects.filter(content_type=content_type)
        if not entries.exists():
            continue
        units = units_by_object_id(apps, content_type.model)
        UnitLogEntry.objects.bulk_create(
            (
                UnitLogEntry(
                    content_type=content_type,
                    object_id=entry.object_id,
                    unit_id=units.get(entry.object_id),
                    **{name: getattr(entry, name) for name in LOGGED_FIELDS},
                )
                for entry in entries.iterator()
            ),
            batch_size=1000,
        )
        entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0008_batch_job_required"),
        ("lms", "0006_background_jobs"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificatetemplate",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "Kept by the organisers of this unit and of the units above it; used for the people of this unit "
                    "and of the units below it. Empty: shared by every unit, kept by administrators."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="lms.unit",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(move_log_entries, migrations.RunPython.noop),
    ]
