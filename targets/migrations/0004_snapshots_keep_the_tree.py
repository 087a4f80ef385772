"""A snapshot keeps every unit as it was on its day (place in the tree, name, code, level, open or closed), so
that its reports come out the same whatever becomes of the tree. Snapshots taken before keep only the units
that had people counted: they are given the units as they are now, the best that is known of them. The target's
form says when courses and competences count and what a target without a requirement asks."""

import modelcluster.fields
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
        migrations.AlterField(
            model_name="target",
            name="competences",
            field=modelcluster.fields.ParentalManyToManyField(
                blank=True,
                help_text="A competence counts when the person completed a course that teaches it, within the window above.",
                related_name="+",
                to="courses.competence",
                verbose_name="and trained in these competences",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="courses",
            field=modelcluster.fields.ParentalManyToManyField(
                blank=True,
                help_text="Completed within the window above.",
                related_name="+",
                to="courses.coursepage",
                verbose_name="and completed these courses",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="min_records",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Counted in the window below. Left empty with no course and no competence chosen, the target asks for one training.",
                null=True,
                verbose_name="at least this many trainings",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="window_end",
            field=models.DateField(
                blank=True,
                help_text="And only until this day. Empty: until the day of the report.",
                null=True,
                verbose_name="trainings until",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="window_start",
            field=models.DateField(
                blank=True,
                help_text="Trainings, courses and competences count only from this day on. Empty: from any day.",
                null=True,
                verbose_name="trainings from",
            ),
        ),
    ]
