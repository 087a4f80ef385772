"""Work run in the background (enrolling a unit's people in a course, issuing a batch of certificates): one
model for its state and progress whatever the work; the model of the work points at its job."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobStateError(Exception):
    """A job was asked to change in a way its status does not allow (started twice, finished before starting)."""


class BackgroundJob(models.Model):
    """A piece of background work: who ordered it and when, where it stands, how far it got and what failed.

    Status changes are methods that move the job only from the statuses they allow, checked in the same
    UPDATE that moves it: two workers given the same job cannot both start it.
    """

    kind = models.CharField(max_length=100)  # the model of the work, e.g. "courses.courseassignment"
    status = models.CharField(_("status"), max_length=10, choices=JobStatus, default=JobStatus.WAITING)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    errors = models.JSONField(default=list)  # [{"item": what failed, "error": why}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.pk}: {self.status}"

    @classmethod
    def order(cls, work_model, *, by):
        """A new job, waiting, for a piece of work of ``work_model`` ordered by the user ``by``."""
        return cls.objects.create(kind=work_model._meta.label_lower, created_by=by)

    @property
    def failed(self):
        return len(self.errors)

    @property
    def is_finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent_done(self):
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * (self.done + self.failed) / self.total) if self.total else 0

    def _move(self, allowed, **changes):
        if not BackgroundJob.objects.filter(pk=self.pk, status__in=allowed).update(**changes):
            raise JobStateError(f"{self} cannot change from {self.status} (allowed from {', '.join(allowed)})")
        for name, value in changes.items():
            setattr(self, name, value)

    def start(self):
        self._move([JobStatus.WAITING], status=JobStatus.RUNNING, started_at=timezone.now())

    def report(self, **progress):
        """Save the ``total``, ``done`` or ``errors`` reached so far, while running."""
        self._move([JobStatus.RUNNING], **progress)

    def finish(self):
        """Done, unless every item failed."""
        status = JobStatus.FAILED if self.errors and not self.done else JobStatus.DONE
        self._move([JobStatus.RUNNING], status=status, finished_at=timezone.now())

    def fail(self):
        self._move([JobStatus.RUNNING], status=JobStatus.FAILED, finished_at=timezone.now())

    # templates must not change a job by reading these names
    start.alters_data = report.alters_data = finish.alters_data = fail.alters_data = True
