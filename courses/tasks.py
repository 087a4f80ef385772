"""Background work of the courses app (django-tasks)."""

from django_tasks import task

from courses.models import AssignmentStatus, CourseAssignment
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
