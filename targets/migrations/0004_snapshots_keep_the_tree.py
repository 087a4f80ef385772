"""A snapshot keeps every unit as it was on its day (place in the tree, name, code, level, open or closed), so
that its reports come out the same whatever becomes of the tree. Snapshots taken before keep only the units
that had people counted: they are given the units as they are now, the best that is known of them."""

from django.db import migrations, models


def units_as_they_are(apps, schema_editor):
    Unit = apps.get_model("lms", "Unit")
    SnapshotCount = apps.get_model("coverage", "SnapshotCount")
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=SnapshotCount.objects.values("unit_id"))}
    rows = list(SnapshotCount.objects.all())
    for row in rows:
        unit = units[row.unit_id]
        row.path, row.name, row.short_name, row.code = unit.path, unit.name, unit.short_name, unit.code
        row.level, row.was_active = unit.level, unit.is_active
    SnapshotCount.objects.bulk_update(
        rows, ["path", "name", "short_name", "code", "level", "was_active"], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0003_tasks_of_the_targets_package"),
        ("lms", "0012_people_moves"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshotcount",
            name="path",
            field=models.CharField(default="", max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="snapshotcount",
            name="name",
            field=models.CharField(default="", max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="snapshotcount", name="short_name", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.AddField(
            model_name="snapshotcount",
            name="code",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="snapshotcount",
            name="level",
            field=models.CharField(
                choices=[
                    ("central", "Central"),
                    ("province", "Province or city"),
                    ("district", "District (before 2025)"),
                    ("commune", "Commune, ward or special zone"),
                    ("residential_area", "Residential area"),
                ],
                default="",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="snapshotcount",
            name="was_active",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.RunPython(units_as_they_are, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="snapshotcount",
            index=models.Index(fields=["snapshot", "path"], name="coverage_sn_snapsho_29353c_idx"),
        ),
    ]
