"""Learner actions on courses: enrol, open a lesson, mark it done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from courses import services
from courses.models import CoursePage, Enrolment, EnrolmentMode, LessonPage, QuizPage
from courses.selectors import learner_courses, learner_enrolment, learner_person, unique_or_none
from lms.pages import keep_site, pages_version, public_page_or_404, rendered_once
from lms.selectors import trainings_of
from lms.services import link_person


def refuse(request, message, status=403):
    return TemplateResponse(request, "courses/refused.html", {"message": message}, status=status)


def not_a_learner(request):
    return refuse(
        request,
        _(
            "Your account is not linked to a cadre on a unit's list, so it cannot take courses. "
            "Ask your unit's organiser to add you with this phone number."
        ),
    )


def learner_or_refusal(request):
    """For a learner's write: the person the logged-in user is (the account linked to it now if it was not
    yet), or a page saying why they cannot take courses."""
    person = link_person(user=request.user)
    if person is None:
        return None, not_a_learner(request)
    return person, None


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def enrol(request, course_id):
    course = public_page_or_404(request, CoursePage, course_id)
    person, refusal = learner_or_refusal(request)
    if refusal:
        return refusal
    try:
        enrolment = services.enrol(person=person, course=course)
    except PermissionDenied as error:
        return refuse(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.url)
    messages.success(request, _("You are enrolled. Start with the first lesson."))
    lessons = course.lessons()
    target = enrolment.last_lesson or lessons.first()
    return redirect(target.url if target else course.url)


# What a learner not enrolled in an open course is told on its course page, by the page they tried.
NOT_ENROLLED_MESSAGES = {
    LessonPage: gettext_lazy("Enrol in the course to read its lessons."),
    QuizPage: gettext_lazy("Enrol in the course to take its quizzes."),
}


def refusal_unless_enrolled(request, step):
    """None for a learner enrolled in the course of ``step`` (a lesson or a quiz); for anyone else, the
    response: log in, not a learner, assigned-only course, or "enrol first" on the course page. Only reads.

    (Wagtail runs it before serving a page, not for previews in the admin.)
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = step.get_parent()  # the page the route read above it: its specific fields only when refusing
    person, enrolment = learner_enrolment(request, course)
    if person is None:
        return not_a_learner(request)
    if enrolment is not None:
        return None
    if course.specific.enrolment_mode != EnrolmentMode.OPEN:
        return refuse(request, _("This course is open only to the people an organiser assigns to it."))
    messages.info(request, NOT_ENROLLED_MESSAGES[type(step)])
    return redirect(course.url)


def own_enrolment(request, step):
    """For a learner's write on ``step`` (a lesson or a quiz): their enrolment in its course, or the page
    refusing it."""
    person, refusal = learner_or_refusal(request)
    if refusal:
        return None, refusal
    course_path = step.path[: -step.steplen]  # its course is the page above it
    enrolment = unique_or_none(
        Enrolment.objects.filter(person=person, course__path=course_path).select_related("course")
    )
    if enrolment is None:
        return None, refuse(request, _("You are not enrolled in this course."))
    return enrolment, None


@login_required
@require_POST
def lesson_opened(request, lesson_id):
    """Posted by the lesson page as it opens (a button where scripts do not run): the reading clock starts
    and the course resumes here."""
    lesson = public_page_or_404(request, LessonPage, lesson_id)
    enrolment, refusal = own_enrolment(request, lesson)
    if refusal:
        return refusal
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    if wants_json(request):
        return JsonResponse({"opened": True})
    return redirect(lesson.url)


@login_required
@require_POST
def lesson_done(request, lesson_id):
    lesson = public_page_or_404(request, LessonPage, lesson_id)
    enrolment, refusal = own_enrolment(request, lesson)
    if refusal:
        return refusal
    course = enrolment.course
    try:
        completed = services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(lesson.url)
    if completed:
        messages.success(
            request, _("Congratulations! You have completed the course “%(course)s”.") % {"course": course.title}
        )
        return redirect(course.url)
    following = course.lessons().filter(path__gt=lesson.path).first()
    messages.success(request, _("Lesson done."))
    return redirect(following.url if following else course.url)


@login_required
def my_courses(request):
    """The learner's own page, "Khóa học của tôi": their learning record (``learning_record``) and their account.

    Apps above courses add their own parts with Wagtail hooks, each a function of ``(request, person)`` returning
    HTML or nothing: ``learner_record_sections`` for a part made of the learner's learning record alone (it is kept
    rendered with the record: certificates add the learner's certificates), ``learner_dashboard_sections`` for
    any other part.
    """
    person = learner_person(request.user)
    sections = [section(request, person) for section in hooks.get_hooks("learner_dashboard_sections")]
    return TemplateResponse(
        request,
        "courses/my_courses.html",
        {"learning_record": learning_record(request, person), "sections": [section for section in sections if section]},
    )


def learning_record(request, person):
    """The learner's courses (due by a date, the soonest first, those overdue marked; in progress, each with its next
    step; completed), the ``learner_record_sections`` and their trainings. Rendered once and kept until the record
    changes (``Person.learning_version``), a page does, the language or the day (the days left)."""

    def render():
        keep_site(request)  # its page links find the site as the process keeps it, before the header does
        enrolments = learner_courses(person, request) if person else []
        sections = [section(request, person) for section in hooks.get_hooks("learner_record_sections")]
        context = {
            "due": sorted(
                (enrolment for enrolment in enrolments if enrolment.days_left is not None),
                key=lambda enrolment: enrolment.due_date,
            ),
            "current": [
                enrolment for enrolment in enrolments if not enrolment.completed_at and enrolment.days_left is None
            ],
            "completed": [enrolment for enrolment in enrolments if enrolment.completed_at],
            "record_sections": [section for section in sections if section],
            "trainings": trainings_of(person)[:50],
        }
        return render_to_string("courses/learning_record.html", context, request)

    if person is None:
        return render()
    return rendered_once(
        f"learning-record:{person.pk}:{person.learning_version}:{pages_version(request)}:{get_language()}:"
        f"{timezone.localdate().isoformat()}",
        render,
    )
