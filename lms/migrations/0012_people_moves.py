import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """People's history of units: a move or a merger records where each person was and until when. No move
    recorded means the person was always where they are now, so the history starts from today's lists as
    they are, with no rows to write."""

    dependencies = [
        ("lms", "0011_activation_codes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonMove",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("moved_on", models.DateField(verbose_name="moved on")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "from_unit",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="lms.unit"),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="moves", to="lms.person"
                    ),
                ),
                (
                    "to_unit",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="lms.unit"),
                ),
            ],
            options={
                "verbose_name": "move of a person",
                "verbose_name_plural": "moves of people",
                "indexes": [models.Index(fields=["person", "moved_on"], name="lms_personm_person__cce43c_idx")],
            },
        ),
    ]
