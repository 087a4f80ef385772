import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every certificate now has its training record, which holds the source key."""

    dependencies = [
        ("certificates", "0005_link_certificates_to_training_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="training_record",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="lms.trainingrecord",
                verbose_name="training record",
            ),
        ),
        # A default lets the column come back filled when this is undone, for 0005 to copy the keys into.
        migrations.AlterField(
            model_name="certificate",
            name="source_key",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.RemoveField(
            model_name="certificate",
            name="source_key",
        ),
    ]
