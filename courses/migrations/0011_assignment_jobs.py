"""Course assignments run as background jobs: each assignment's status, counts, author and times move to a job
of its own (“pending” is now “waiting”; the people newly enrolled are counted from the enrolments)."""

import django.db.models.deletion
from django.db import migrations, models

KIND = "courses.courseassignment"


def jobs_for_assignments(apps, schema_editor):
    BackgroundJob = apps.get_model("lms", "BackgroundJob")
    CourseAssignment = apps.get_model("courses", "CourseAssignment")
    for assignment in CourseAssignment.objects.filter(job__isnull=True):
        assignment.job = BackgroundJob.objects.create(
            kind=KIND,
            status="waiting" if assignment.status == "pending" else assignment.status,
            total=assignment.total,
            done=assignment.processed,
            created_by_id=assignment.created_by_id,
            created_at=assignment.created_at,
            finished_at=assignment.finished_at,
        )
        assignment.save(update_fields=["job"])


def assignments_from_jobs(apps, schema_editor):
    CourseAssignment = apps.get_model("courses", "CourseAssignment")
    for assignment in CourseAssignment.objects.select_related("job"):
        job = assignment.job
        assignment.status = "pending" if job.status == "waiting" else job.status
        assignment.total, assignment.processed = job.total, job.done
        assignment.enrolled = assignment.enrolments.count()
        assignment.created_by_id, assignment.created_at, assignment.finished_at = (
            job.created_by_id,
            job.created_at,
            job.finished_at,
        )
        assignment.job = None
        assignment.save()
        job.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0010_question_block_labels"),
        ("lms", "0006_background_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="courseassignment",
            name="job",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, to="lms.backgroundjob"),
        ),
        migrations.RunPython(jobs_for_assignments, assignments_from_jobs),
    ]
