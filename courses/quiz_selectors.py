"""Reads on quizzes: what a learner sees of a quiz, an attempt and its result; what trainers grade and
the statistics of each quiz."""

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from courses.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    CoursePage,
    DescriptionQuestion,
    Enrolment,
    Question,
    QuizPage,
    ReviewOption,
)
from courses.quizzes import DEADLINE_GRACE
from courses.selectors import learner_person


def quiz_context(quiz, user):
    """The learner's attempts at ``quiz``, the one in progress, the grade kept and whether they may start."""
    person = learner_person(user)
    course = quiz.get_parent().specific
    enrolment = Enrolment.objects.filter(person=person, course=course).first() if person else None
    attempts = list(quiz.attempts.filter(enrolment=enrolment).order_by("number")) if enrolment else []
    kept = None
    for attempt in attempts:
        if attempt.state == AttemptState.GRADED:
            kept = quiz.kept(kept, attempt)
    current = next((attempt for attempt in attempts if attempt.state == AttemptState.IN_PROGRESS), None)
    attempts_left = max(0, quiz.attempts_allowed - len(attempts)) if quiz.attempts_allowed else None
    now = timezone.now()
    is_open = quiz.is_open(now)
    return {
        "course": course,
        "enrolment": enrolment,
        "attempts": attempts,
        "current_attempt": current,
        "time_is_up": current is not None and current.is_overdue(now),
        "kept_attempt": kept,
        "attempts_left": attempts_left,
        "is_open": is_open,
        "can_start": current is None and attempts_left != 0 and is_open,
    }


def prepared(answer):
    """An attempt's question with what its template needs: the question as frozen and its parts in order."""
    question = answer.as_question
    answer.q = question
    answer.name = f"answer-{answer.pk}"
    answer.template = f"courses/questions/{question._meta.model_name}.html"
    answer.is_description = isinstance(question, DescriptionQuestion)
    answer.matched = question.matching_answer(answer.response) if hasattr(question, "matching_answer") else None
    if "order" in answer.frozen and hasattr(question, "choices"):
        answer.choices = question.choices_in(answer.frozen["order"])
    if "options" in answer.frozen:
        answer.items = question.items_in(answer.frozen["order"])
        answer.options = [(pair_id, pair["match"]) for pair_id, pair in question.items_in(answer.frozen["options"])]
    return answer


def attempt_context(attempt):
    questions = [prepared(answer) for answer in attempt.questions.all()]
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "course": attempt.enrolment.course,
        "questions": questions,
        "answered": sum(answer.response is not None for answer in questions),
        "to_answer": sum(not answer.is_description for answer in questions),
        "seconds_left": (
            max(0, int((attempt.deadline - timezone.now()).total_seconds())) if attempt.deadline else None
        ),
        "grace_seconds": int(DEADLINE_GRACE.total_seconds()),
    }


def result_context(attempt):
    """The attempt's score, and as much of the review as the quiz shows now; or, for an attempt whose time
    ran out and that no write has graded yet, that it is over."""
    quiz = attempt.quiz
    review = quiz.review
    if quiz.review_after_close and (quiz.closes_at is None or timezone.now() < quiz.closes_at):
        review = ReviewOption.SCORE
    time_is_up = attempt.state == AttemptState.IN_PROGRESS
    show_answers = review in (ReviewOption.ANSWERS, ReviewOption.CORRECT) and not time_is_up
    return {
        "attempt": attempt,
        "quiz": quiz,
        "course": attempt.enrolment.course,
        "questions": [prepared(answer) for answer in attempt.questions.all()] if show_answers else [],
        "show_correct": review == ReviewOption.CORRECT,
        "review_later": review != quiz.review,
        "awaiting_grading": attempt.state == AttemptState.AWAITING_GRADING,
        "time_is_up": time_is_up,
    }


def attempts_for(user):
    """The attempts of the people in ``user``'s unit subtree."""
    return Attempt.objects.visible_to(user)


def live_quizzes_with_course():
    """Live quizzes, each with its course's title (``course_title``): many quizzes share one name, “Bài kiểm
    tra cuối khóa”, and only their course tells them apart."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - QuizPage.steplen)
    return QuizPage.objects.live().annotate(
        course_title=Subquery(CoursePage.objects.filter(path=parent_path).values("title")[:1])
    )


def quizzes_overview(user):
    """Every live quiz with its course's title, its graded attempts and those awaiting grading counted
    within ``user``'s subtree; one query."""
    attempts = attempts_for(user).filter(quiz=OuterRef("pk")).order_by().values("quiz")

    def count_of(state):
        counted = attempts.filter(state=state).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return (
        live_quizzes_with_course()
        .annotate(
            graded_count=count_of(AttemptState.GRADED),
            waiting_count=count_of(AttemptState.AWAITING_GRADING),
        )
        .order_by("path")
    )


def essays_to_grade(user):
    """Essay answers of submitted attempts waiting for a trainer, oldest first, within ``user``'s subtree."""
    return (
        AttemptQuestion.objects.filter(
            attempt__in=attempts_for(user).filter(state=AttemptState.AWAITING_GRADING), share__isnull=True
        )
        .select_related("attempt__quiz", "attempt__enrolment__course", "attempt__enrolment__person__unit")
        .order_by("attempt__submitted_at", "position")
    )


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return None
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def mean(values):
    return sum(values) / len(values) if values else None


# The share of attempts, best and worst, compared by the discrimination index (Kelley's 27%).
DISCRIMINATION_GROUP = Decimal("0.27")


def quiz_statistics(quiz, user):
    """Graded attempts of ``quiz`` within ``user``'s subtree: count, mean and median score (%), pass rate;
    per question, its facility (mean share of its points earned) and discrimination index (facility among
    the best 27% of attempts minus among the worst 27%)."""
    attempts = list(
        attempts_for(user)
        .filter(quiz=quiz, state=AttemptState.GRADED)
        .values_list("pk", "score", "max_score", "passed")
    )
    percent = {pk: 100 * score / max_score if max_score else Decimal(0) for pk, score, max_score, _passed in attempts}
    ranked = sorted(percent, key=percent.get)
    group = max(1, round(len(ranked) * DISCRIMINATION_GROUP)) if len(ranked) >= 2 else 0
    worst, best = set(ranked[:group]), set(ranked[len(ranked) - group :])
    shares = {}
    for attempt_id, question_id, share in AttemptQuestion.objects.filter(attempt__in=percent).values_list(
        "attempt_id", "question_id", "share"
    ):
        shares.setdefault(question_id, {})[attempt_id] = share
    names = dict(Question.objects.filter(pk__in=shares).values_list("pk", "name"))
    questions = []
    for question_id, by_attempt in shares.items():
        in_best = [share for attempt_id, share in by_attempt.items() if attempt_id in best]
        in_worst = [share for attempt_id, share in by_attempt.items() if attempt_id in worst]
        questions.append(
            {
                "question_id": question_id,
                "name": names.get(question_id, ""),
                "answers": len(by_attempt),
                "facility": mean(list(by_attempt.values())),
                "discrimination": mean(in_best) - mean(in_worst) if in_best and in_worst else None,
            }
        )
    questions.sort(key=lambda row: row["name"])
    return {
        "attempts": len(attempts),
        "mean": mean(list(percent.values())),
        "median": median(percent.values()),
        "pass_rate": mean([100 * Decimal(bool(passed)) for *_score, passed in attempts]),
        "questions": questions,
    }
