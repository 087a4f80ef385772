"""Course assignments keep only what was ordered; where the enrolment stands is their job's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_assignment_jobs"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="courseassignment",
            options={
                "ordering": ["-job__created_at"],
                "verbose_name": "course assignment",
                "verbose_name_plural": "course assignments",
            },
        ),
        migrations.RemoveField(model_name="courseassignment", name="created_at"),
        migrations.RemoveField(model_name="courseassignment", name="created_by"),
        migrations.RemoveField(model_name="courseassignment", name="enrolled"),
        migrations.RemoveField(model_name="courseassignment", name="finished_at"),
        migrations.RemoveField(model_name="courseassignment", name="processed"),
        migrations.RemoveField(model_name="courseassignment", name="status"),
        migrations.RemoveField(model_name="courseassignment", name="total"),
        migrations.AlterField(
            model_name="courseassignment",
            name="job",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, to="lms.backgroundjob"),
        ),
    ]
