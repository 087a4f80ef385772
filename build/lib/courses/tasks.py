"""Background work of the courses app (django-tasks)."""

from django_tasks import task

from courses.models import AssignmentStatus, Attempt, CourseAssignment
from courses.quizzes import close_if_overdue
from courses.services import enrol_assigned_people


@task()
def run_assignment(assignment_id):
    """Enrol the people of one course assignment."""
    assignment = CourseAssignment.objects.select_related("unit").get(pk=assignment_id)
    try:
        enrol_assigned_people(assignment)
    except Exception:
        CourseAssignment.objects.filter(pk=assignment_id).update(status=AssignmentStatus.FAILED)
        raise


@task()
def close_overdue_attempt(attempt_id):
    """At a timed attempt's deadline: grade it with the answers saved, unless the learner submitted it."""
    close_if_overdue(Attempt.objects.get(pk=attempt_id))
