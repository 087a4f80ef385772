"""Bulk issues run as background jobs: each batch's status, counts, failures, author and time move to a job of
its own (a failure's “person” is now the job error's “item”)."""

import django.db.models.deletion
from django.db import migrations, models

KIND = "certificates.certificatebatch"


def jobs_for_batches(apps, schema_editor):
    BackgroundJob = apps.get_model("lms", "BackgroundJob")
    CertificateBatch = apps.get_model("certificates", "CertificateBatch")
    for batch in CertificateBatch.objects.filter(job__isnull=True):
        batch.job = BackgroundJob.objects.create(
            kind=KIND,
            status=batch.status,
            total=batch.total,
            done=batch.done,
            errors=[{"item": failure["person"], "error": failure["error"]} for failure in batch.failures],
            created_by_id=batch.created_by_id,
            created_at=batch.created_at,
        )
        batch.save(update_fields=["job"])


def batches_from_jobs(apps, schema_editor):
    CertificateBatch = apps.get_model("certificates", "CertificateBatch")
    for batch in CertificateBatch.objects.select_related("job"):
        job = batch.job
        batch.status, batch.total, batch.done = job.status, job.total, job.done
        batch.failures = [{"person": error["item"], "error": error["error"]} for error in job.errors]
        batch.created_by_id, batch.created_at = job.created_by_id, job.created_at
        batch.job = None
        batch.save()
        job.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_certificate_training_record_required"),
        ("lms", "0006_background_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificatebatch",
            name="job",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, to="lms.backgroundjob"),
        ),
        migrations.RunPython(jobs_for_batches, batches_from_jobs),
    ]
