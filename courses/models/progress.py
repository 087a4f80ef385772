"""Who is enrolled in which course, and how far they are."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.models.scoping import UnitScopedQuerySet


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Enrolled themselves")
    ASSIGNED = "assigned", _("Assigned by an organiser")


class EnrolmentStatus(models.TextChoices):
    """Where an enrolment stands (computed, not stored: see ``courses.selectors.enrolments_for``)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("learning", "In progress")
    COMPLETED = "completed", _("Completed")


class EnrolmentQuerySet(UnitScopedQuerySet):
    unit_path = "person__unit__path"

    def delete(self):
        raise ValidationError(_("Enrolments are never deleted."))


class Enrolment(models.Model):
    """A person taking a course; completed once, when the course's rule is first met."""

    person = models.ForeignKey("lms.Person", on_delete=models.PROTECT, related_name="enrolments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="enrolments")
    source = models.CharField(_("how"), max_length=20, choices=EnrolmentSource.choices)
    assignment = models.ForeignKey(
        "courses.CourseAssignment", null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    last_lesson = models.ForeignKey(
        "courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint("person", "course", name="courses_enrolment_once_per_course")]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.person}: {self.course}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Enrolments are never deleted."))

    @staticmethod
    def overdue_on(day):
        """The condition of enrolments overdue on ``day``: not completed, and due before it."""
        return models.Q(completed_at__isnull=True, due_date__lt=day)

    @property
    def status_label(self):
        """The label of the ``status`` that ``courses.selectors.enrolments_for`` annotates, and "overdue" when it
        is (``overdue``, annotated there too)."""
        label = EnrolmentStatus(self.status).label
        return _("%(status)s, overdue") % {"status": label} if self.overdue else label


class LessonProgress(models.Model):
    """A learner opened a lesson (when first), and marked it done (when)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint("enrolment", "lesson", name="courses_lesson_progress_once")]

    def __str__(self):
        return f"{self.enrolment}: {self.lesson_id}"


class CourseAssignmentQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class CourseAssignment(models.Model):
    """An organiser's order to enrol the people of a unit subtree (of some categories) in a course.

    The enrolments are made in the background by its ``job``, which counts the people processed; those newly
    enrolled are the enrolments that point back at the assignment.
    """

    job = models.OneToOneField("lms.BackgroundJob", on_delete=models.PROTECT)
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey("lms.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    categories = models.ManyToManyField(
        "lms.PersonCategory",
        verbose_name=_("categories"),
        blank=True,
        help_text=_("None means every category."),
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    objects = CourseAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        ordering = ["-job__created_at"]

    def __str__(self):
        return f"{self.course} → {self.unit}"

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this assignment's history (see ``lms.UnitLogEntry``)."""
        return self.unit_id
