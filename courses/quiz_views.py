"""Learner actions on quizzes: start or resume an attempt, save answers as they go, submit, see the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import quiz_selectors, quizzes
from courses.models import Attempt, AttemptState, CoursePage, QuizPage
from courses.selectors import learner_person
from courses.views import own_enrolment, refuse, wants_json
from lms.pages import kept_page, pages_version, public_page_or_404


def own_attempt(request, attempt_id):
    """The logged-in learner's attempt, with its enrolment, quiz and course; anyone else's is not found. Only reads
    (an attempt's learner was linked to the account when they started it): the attempt's row and its enrolment's,
    the quiz and the course as this process keeps them."""
    person = learner_person(request.user)
    if person is None:
        raise PermissionDenied
    attempt = get_object_or_404(Attempt.objects.select_related("enrolment"), pk=attempt_id, enrolment__person=person)
    attempt.quiz = kept_page(request, QuizPage, attempt.quiz_id)
    attempt.enrolment.course = kept_page(request, CoursePage, attempt.enrolment.course_id)
    return attempt


@login_required
@require_POST
def start_attempt(request, quiz_id):
    quiz = public_page_or_404(request, QuizPage, quiz_id)
    enrolment, refusal = own_enrolment(request, quiz)
    if refusal:
        return refusal
    try:
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz, pages_read=pages_version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(quiz.url)
    return redirect("quiz_attempt", attempt.pk)


@login_required
@require_GET
def attempt_page(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS or attempt.is_overdue(timezone.now()):
        return redirect("quiz_attempt_result", attempt.pk)
    return TemplateResponse(request, "courses/attempt.html", quiz_selectors.attempt_context(attempt))


@login_required
@require_POST
def save_answers(request, attempt_id):
    """Save the answers of the questions the form shows: one question (autosave) or the whole page."""
    attempt = own_attempt(request, attempt_id)
    try:
        saved = quizzes.save_answers(attempt=attempt, data=request.POST)
    except PermissionDenied as error:
        if wants_json(request):
            return JsonResponse({"error": str(error)}, status=403)
        return refuse(request, str(error))
    except ValidationError as error:
        if wants_json(request):
            return JsonResponse({"error": " ".join(error.messages), "result": result_url(attempt)}, status=409)
        messages.error(request, " ".join(error.messages))
        return redirect("quiz_attempt", attempt.pk)
    if wants_json(request):
        return JsonResponse({"saved": saved, "at": timezone.localtime().strftime("%H:%M:%S")})
    messages.success(request, _("Your answers are saved."))
    return redirect("quiz_attempt", attempt.pk)


def result_url(attempt):
    return reverse("quiz_attempt_result", args=[attempt.pk])


@login_required
@require_POST
def submit_attempt(request, attempt_id):
    """Save what the page sends and grade the attempt, in one pass (once, however many times this is posted).
    Past its deadline, only what was saved in time is graded."""
    attempt = own_attempt(request, attempt_id)
    moment = timezone.now()
    try:
        graded = quizzes.submit_attempt(attempt=attempt, data=request.POST, at=moment)[1]
    except PermissionDenied as error:
        return refuse(request, str(error))
    # as the attempt was read before the submit
    if attempt.is_overdue(moment):
        messages.warning(request, _("The time is up. Your attempt was graded with the answers you had saved."))
    elif attempt.state == AttemptState.IN_PROGRESS and not graded:  # another tab's submit was graded first
        messages.warning(request, quizzes.ALREADY_SUBMITTED)
    return redirect("quiz_attempt_result", attempt.pk)


@login_required
@require_GET
def attempt_result(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
    if attempt.state == AttemptState.IN_PROGRESS and not attempt.is_overdue(timezone.now()):
        return redirect("quiz_attempt", attempt.pk)
    return TemplateResponse(request, "courses/attempt_result.html", quiz_selectors.result_context(attempt, request))
