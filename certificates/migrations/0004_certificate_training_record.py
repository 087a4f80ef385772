import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A certificate points at the training record it certifies; one valid certificate per record.

    The new constraint ignores the link's NULLs until 0005 fills it, and the old one is dropped here so
    that, undone, 0005 fills the source key again before the old constraint comes back.
    """

    dependencies = [
        ("certificates", "0003_private_storage"),
        ("lms", "0005_unit_log_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="training_record",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="lms.trainingrecord",
                verbose_name="training record",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="certificate",
            name="one_valid_certificate_per_source",
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "valid")),
                fields=("training_record",),
                name="one_valid_certificate_per_training_record",
            ),
        ),
    ]
