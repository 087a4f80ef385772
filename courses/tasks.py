"""Background work of the courses app (django-tasks)."""

from django_tasks import task

from courses.models import Attempt, CourseAssignment
from courses.quizzes import close_if_overdue
from courses.services import enrol_assigned_people


@task()
def run_assignment(assignment_id):
    """Enrol the people of one course assignment."""
    enrol_assigned_people(CourseAssignment.objects.select_related("unit", "job").get(pk=assignment_id))


@task()
def close_overdue_attempt(attempt_id):
    """At a timed attempt's deadline: grade it with the answers saved, unless the learner submitted it."""
    close_if_overdue(Attempt.objects.get(pk=attempt_id))
