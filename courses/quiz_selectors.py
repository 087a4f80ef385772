"""Reads on quizzes: what a learner sees of a quiz, an attempt and its result; what trainers grade and
the statistics of each quiz."""

from decimal import Decimal

from django.db.models import Count, IntegerField, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from courses.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    CoursePage,
    DescriptionQuestion,
    Question,
    QuizPage,
    ReviewOption,
)
from courses.models.quiz import kept_attempt
from courses.quizzes import DEADLINE_GRACE
from courses.selectors import learner_enrolment
from lms.pages import pages_version, rendered_once


def quiz_context(quiz, request):
    """The learner's attempts at ``quiz``, the one in progress, the grade kept and whether they may start."""
    course = quiz.get_parent()  # for its title and link: read by the route already
    _person, enrolment = learner_enrolment(request, course)
    attempts = list(quiz.attempts.filter(enrolment=enrolment).order_by("number")) if enrolment else []
    kept = None
    for attempt in attempts:
        if attempt.state == AttemptState.GRADED:
            kept = kept_attempt(quiz.grading_method, kept, attempt)
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
    """An attempt's question with what its template needs: the question as frozen and its parts in order, each
    choice with whether the learner chose it (``answer.choices``: id, choice, chosen) and each item to match with
    the option the learner matched to it (``answer.items``: id, item, option id or None)."""
    question = answer.as_question
    answer.q = question
    answer.name = f"answer-{answer.pk}"
    answer.template = f"courses/questions/{question._meta.model_name}.html"
    answer.is_description = isinstance(question, DescriptionQuestion)
    answer.matched = question.matching_answer(answer.response) if hasattr(question, "matching_answer") else None
    # what the learner chose is told apart here, once, not by the template for every choice and option it lists
    if "order" in answer.frozen and hasattr(question, "choices"):
        chosen = answer.response if isinstance(answer.response, list) else [answer.response]
        answer.choices = [
            (choice_id, choice, choice_id in chosen)
            for choice_id, choice in question.choices_in(answer.frozen["order"])
        ]
    if "options" in answer.frozen:
        matched = answer.response if isinstance(answer.response, dict) else {}
        answer.items = [
            (item_id, item, matched.get(item_id)) for item_id, item in question.items_in(answer.frozen["order"])
        ]
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


def result_context(attempt, request):
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
        "reviewed_answers": attempt_review(attempt, review, request) if show_answers else "",
        "review_later": review != quiz.review,
        "awaiting_grading": attempt.state == AttemptState.AWAITING_GRADING,
        "time_is_up": time_is_up,
    }


def attempt_review(attempt, review, request):
    """The questions of a submitted attempt as the learner answered them and as graded (with the right answers if
    ``review`` shows them), rendered once and kept until the attempt's grading changes, a page changes (the links in
    a question's text) or the review shown does: the learners of a hall open it as they submit and again soon
    after."""
    revised = attempt.revised_at.isoformat() if attempt.revised_at else ""
    return rendered_once(
        f"attempt-review:{attempt.pk}:{revised}:{review}:{pages_version(request)}:{get_language()}",
        lambda: render_to_string(
            "courses/attempt_review.html",
            {
                "questions": [prepared(answer) for answer in attempt.questions.all()],
                "show_correct": review == ReviewOption.CORRECT,
            },
        ),
    )


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


def figures_of(attempts, shares):
    """The statistics of one quiz from its graded ``attempts`` ``[(pk, score, max_score, passed)]`` and the
    ``shares`` earned ``[(attempt pk, question pk, share)]``: count, mean and median score (%), pass rate; per
    question (in ``questions``, by question id), its answers, facility (mean share of its points earned) and
    discrimination index (facility among the best 27% of attempts minus among the worst 27%)."""
    percent = {pk: 100 * score / max_score if max_score else Decimal(0) for pk, score, max_score, _passed in attempts}
    ranked = sorted(percent, key=percent.get)
    group = max(1, round(len(ranked) * DISCRIMINATION_GROUP)) if len(ranked) >= 2 else 0
    worst, best = set(ranked[:group]), set(ranked[len(ranked) - group :])
    by_question = {}
    for attempt_id, question_id, share in shares:
        by_question.setdefault(question_id, {})[attempt_id] = share
    questions = []
    for question_id, by_attempt in by_question.items():
        in_best = [share for attempt_id, share in by_attempt.items() if attempt_id in best]
        in_worst = [share for attempt_id, share in by_attempt.items() if attempt_id in worst]
        questions.append(
            {
                "question_id": question_id,
                "answers": len(by_attempt),
                "facility": mean(list(by_attempt.values())),
                "discrimination": mean(in_best) - mean(in_worst) if in_best and in_worst else None,
            }
        )
    return {
        "attempts": len(attempts),
        "mean": mean(list(percent.values())),
        "median": median(percent.values()),
        "pass_rate": mean([100 * Decimal(bool(passed)) for *_score, passed in attempts]),
        "questions": questions,
    }


def quiz_statistics(quiz, user):
    """``figures_of`` the graded attempts of ``quiz`` within ``user``'s subtree, each question with its name,
    questions by name."""
    attempts = list(
        attempts_for(user)
        .filter(quiz=quiz, state=AttemptState.GRADED)
        .values_list("pk", "score", "max_score", "passed")
    )
    shares = AttemptQuestion.objects.filter(attempt__in=[attempt[0] for attempt in attempts]).values_list(
        "attempt_id", "question_id", "share"
    )
    figures = figures_of(attempts, shares)
    names = dict(
        Question.objects.filter(pk__in=[row["question_id"] for row in figures["questions"]]).values_list("pk", "name")
    )
    for row in figures["questions"]:
        row["name"] = names.get(row["question_id"], "")
    figures["questions"].sort(key=lambda row: row["name"])
    return figures


# A question is weak when few earn its points, or when the weaker attempts do better on it than the stronger.
LOW_FACILITY = Decimal("0.3")
# Below this many graded attempts, a quiz's figures say more about chance than about its questions.
MIN_ATTEMPTS_FOR_STATISTICS = 5


def is_weak(question):
    """Whether a question's figures (a row of ``figures_of``) call for a trainer's look."""
    facility, discrimination = question["facility"], question["discrimination"]
    return (facility is not None and facility < LOW_FACILITY) or (discrimination is not None and discrimination < 0)


def weak_quizzes(user):
    """The live quizzes whose graded attempts within ``user``'s subtree (at least
    ``MIN_ATTEMPTS_FOR_STATISTICS``) show weak questions: ``[{"quiz_id", "title", "course_title", "attempts",
    "weak": number of weak questions}]`` by course and quiz; the same figures as each quiz's statistics, read
    for every quiz in two queries."""
    graded = attempts_for(user).filter(state=AttemptState.GRADED, quiz__live=True)
    parent_path = Substr(OuterRef("quiz__path"), 1, Length(OuterRef("quiz__path")) - QuizPage.steplen)
    attempts_by_quiz, quizzes = {}, {}
    for quiz_id, title, course_title, *attempt in graded.annotate(
        course_title=Subquery(CoursePage.objects.filter(path=parent_path).values("title")[:1])
    ).values_list("quiz_id", "quiz__title", "course_title", "pk", "score", "max_score", "passed"):
        attempts_by_quiz.setdefault(quiz_id, []).append(tuple(attempt))
        quizzes[quiz_id] = (title, course_title)
    counted = {
        quiz_id for quiz_id, attempts in attempts_by_quiz.items() if len(attempts) >= MIN_ATTEMPTS_FOR_STATISTICS
    }
    shares_by_quiz = {}
    for quiz_id, *share in AttemptQuestion.objects.filter(attempt__in=graded.filter(quiz__in=counted)).values_list(
        "attempt__quiz_id", "attempt_id", "question_id", "share"
    ):
        shares_by_quiz.setdefault(quiz_id, []).append(share)
    weak = []
    for quiz_id in counted:
        figures = figures_of(attempts_by_quiz[quiz_id], shares_by_quiz.get(quiz_id, []))
        weak_questions = sum(is_weak(question) for question in figures["questions"])
        if weak_questions:
            title, course_title = quizzes[quiz_id]
            weak.append(
                {
                    "quiz_id": quiz_id,
                    "title": title,
                    "course_title": course_title,
                    "attempts": figures["attempts"],
                    "weak": weak_questions,
                }
            )
    return sorted(weak, key=lambda row: (row["course_title"] or "", row["title"], row["quiz_id"]))


def essays_waiting_by_quiz(user):
    """For each quiz with essays waiting for a trainer within ``user``'s subtree: its id, title and course,
    how many essays and since when the oldest waits; oldest first, one query."""
    parent_path = Substr(OuterRef("attempt__quiz__path"), 1, Length(OuterRef("attempt__quiz__path")) - QuizPage.steplen)
    return (
        essays_to_grade(user)
        .select_related(None)
        .order_by()
        .values("attempt__quiz_id", "attempt__quiz__title")
        .annotate(
            course_title=Subquery(CoursePage.objects.filter(path=parent_path).values("title")[:1]),
            essays=Count("pk"),
            oldest=Min("attempt__submitted_at"),
        )
        .order_by("oldest")
    )
