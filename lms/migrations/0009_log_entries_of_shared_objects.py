"""The log entries of what the whole install shares have no unit."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0008_organiser_lockout_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unitlogentry",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="lms.unit",
                verbose_name="unit",
            ),
        ),
    ]
