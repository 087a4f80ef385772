"""Bulk issues keep only what was ordered and its ZIP; where the issuing stands is their job's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_batch_jobs"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="certificatebatch",
            options={
                "ordering": ["-job__created_at"],
                "verbose_name": "bulk issue",
                "verbose_name_plural": "bulk issues",
            },
        ),
        migrations.RemoveField(model_name="certificatebatch", name="created_at"),
        migrations.RemoveField(model_name="certificatebatch", name="created_by"),
        migrations.RemoveField(model_name="certificatebatch", name="done"),
        migrations.RemoveField(model_name="certificatebatch", name="failures"),
        migrations.RemoveField(model_name="certificatebatch", name="status"),
        migrations.RemoveField(model_name="certificatebatch", name="total"),
        migrations.AlterField(
            model_name="certificatebatch",
            name="job",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, to="lms.backgroundjob"),
        ),
    ]
