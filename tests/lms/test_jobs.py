"""Background jobs: their status moves only forward, once; a job's work runs once however often its task is
delivered."""

import pytest
from django.utils import timezone

from lms import services
from lms.models import BackgroundJob, JobStateError, JobStatus
from tests.factories import make_job

pytestmark = pytest.mark.django_db


def stored(job):
    return BackgroundJob.objects.get(pk=job.pk)


def test_a_job_waits_then_runs_reporting_its_progress_then_is_done():
    job = make_job()

    job.start()
    job.report(total=3)
    job.report(done=2, errors=[{"item": "Nguyễn Văn A", "error": "không có ngày sinh"}])
    assert (stored(job).status, stored(job).percent_done, stored(job).failed) == (JobStatus.RUNNING, 100, 1)
    job.finish()

    job = stored(job)
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 3, 2, 1)
    assert job.created_at <= job.started_at <= job.finished_at <= timezone.now()
    assert job.is_finished


def test_a_job_whose_every_item_failed_has_failed():
    job = make_job()
    job.start()
    job.report(total=1, errors=[{"item": "Nguyễn Văn A", "error": "máy in hết giấy"}])

    job.finish()

    assert stored(job).status == JobStatus.FAILED


def test_a_job_with_nothing_to_do_is_done():
    job = make_job()
    job.start()

    job.finish()

    assert (stored(job).status, stored(job).percent_done) == (JobStatus.DONE, 100)


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (JobStatus.RUNNING, "start"),
        (JobStatus.DONE, "start"),
        (JobStatus.FAILED, "start"),
        (JobStatus.WAITING, "report"),
        (JobStatus.DONE, "report"),
        (JobStatus.WAITING, "finish"),
        (JobStatus.FAILED, "finish"),
        (JobStatus.WAITING, "fail"),
        (JobStatus.DONE, "fail"),
        (JobStatus.FAILED, "fail"),
    ],
)
def test_a_job_refuses_a_change_its_status_does_not_allow(status, change):
    job = make_job(status=status)

    with pytest.raises(JobStateError):
        getattr(job, change)()

    assert stored(job).status == status


def test_a_copy_of_a_job_that_another_worker_started_cannot_start_it_again():
    job = make_job()
    other_workers_copy = BackgroundJob.objects.get(pk=job.pk)
    job.start()

    with pytest.raises(JobStateError):
        other_workers_copy.start()  # still "waiting" in memory: the UPDATE checks the stored status


def test_a_job_runs_its_work_once_however_often_its_task_is_delivered():
    job = make_job()
    runs = []

    def work(job):
        runs.append(job.status)
        job.report(total=1, done=1)

    services.run_job(job, work)
    services.run_job(stored(job), work)

    assert runs == [JobStatus.RUNNING]
    assert (stored(job).status, stored(job).done) == (JobStatus.DONE, 1)


def test_a_job_whose_work_raises_has_failed_and_the_error_goes_on():
    job = make_job()

    def work(job):
        job.report(total=10, done=4)
        raise RuntimeError("hết chỗ trên đĩa")

    with pytest.raises(RuntimeError, match="hết chỗ trên đĩa"):
        services.run_job(job, work)

    job = stored(job)
    assert (job.status, job.done) == (JobStatus.FAILED, 4)
    assert job.finished_at is not None
