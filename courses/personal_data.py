"""What the courses app holds about a person, for "Dữ liệu của tôi" and erasure (see ``lms.personal_data``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Attempt, AttemptQuestion, Enrolment, LessonProgress
from lms.personal_data import table


def sections(person):
    """The person's enrolments, lessons opened and done, and quiz attempts."""
    enrolments = Enrolment.objects.filter(person=person).select_related("course").order_by("enrolled_at")
    yield table(
        "enrolments",
        gettext_lazy("Enrolments"),
        [_("course"), _("how"), _("enrolled at"), _("due date"), _("completed at")],
        [[e.course.title, e.get_source_display(), e.enrolled_at, e.due_date, e.completed_at] for e in enrolments],
    )
    progress = (
        LessonProgress.objects.filter(enrolment__person=person)
        .select_related("enrolment__course", "lesson")
        .order_by("opened_at")
    )
    yield table(
        "lesson_progress",
        gettext_lazy("Lessons"),
        [_("course"), _("lesson"), _("opened at"), _("done at")],
        [[p.enrolment.course.title, p.lesson.title, p.opened_at, p.done_at] for p in progress],
    )
    attempts = Attempt.objects.filter(enrolment__person=person).select_related("quiz").order_by("started_at")
    yield table(
        "quiz_attempts",
        gettext_lazy("Quiz attempts"),
        [_("quiz"), _("attempt"), _("started"), _("submitted"), _("state"), _("score"), _("out of"), _("passed")],
        [
            [
                a.quiz.title,
                a.number,
                a.started_at,
                a.submitted_at,
                a.get_state_display(),
                a.score,
                a.max_score,
                a.passed,
            ]
            for a in attempts
        ],
    )


def erase(person, erasure):
    """Answers and graders' feedback that quote the person (an essay signed with their name) lose the quote; the
    attempts and their scores stay."""
    answers = AttemptQuestion.objects.filter(attempt__enrolment__person=person)
    erasure.scrub_field(answers, "response")
    erasure.scrub_field(answers, "grader_feedback")
