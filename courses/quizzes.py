"""Writes on quiz attempts: start one (drawing and freezing its questions), save answers, submit, grade essays.

Every write on an attempt locks its row first, so a save racing a submit, a double click on "Submit", a
retried request or a second tab are taken one after the other: an attempt is graded exactly once, and no
answer is written after it was graded.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    DescriptionQuestion,
    Enrolment,
    Question,
    QuestionCategory,
)
from courses.models.quiz import DEADLINE_GRACE
from courses.services import complete_if_rule_met
from lms.converters import parse_id
from lms.models import Person
from lms.pages import keep, kept, kept_else_read, pages_version

ALREADY_SUBMITTED = gettext_lazy("This attempt has been submitted; its answers can no longer be changed.")


def draw_questions(quiz, pages_read=None):
    """The questions of a new attempt: the fixed ones and random draws of active questions (never a description),
    none twice; each an unsaved instance of its type, as it is now, with its id.

    The draw's pools and the questions are read as this process keeps them until a page or a question changes
    (lms.pages: under the pages' version ``pages_read``, or read now), so that a hall of learners starting one quiz
    does not read the same bank once each."""
    version = pages_read or pages_version()
    chosen = []
    for fixed, pool, count in kept_else_read(version, ("quiz draw", quiz.pk), lambda: draw_plan(quiz)):
        if fixed is not None:
            if fixed not in chosen:
                chosen.append(fixed)
            continue
        pool = [pk for pk in pool if pk not in chosen]
        chosen += random.sample(pool, min(count, len(pool)))
    if quiz.shuffle_questions:
        random.shuffle(chosen)
    return questions_as_now(chosen, version)


def draw_plan(quiz):
    """Each slot of the quiz in order, as (the fixed question's id, None, 1) or (None, the ids of the active
    questions it draws from, how many)."""
    plan, tree = [], None
    for slot in quiz.slots.select_related("category").order_by("sort_order", "pk"):
        if slot.question_id:
            plan.append((slot.question_id, None, 1))
            continue
        tree = tree or QuestionCategory.tree()  # read once for all the draws
        pool = (
            Question.objects.filter(category__in=slot.category.with_descendants(tree), is_active=True)
            .not_instance_of(DescriptionQuestion)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        plan.append((None, list(pool), slot.count))
    return plan


def questions_as_now(ids, version):
    """The questions of these ids, in this order, each rebuilt from its snapshot (``Question.from_snapshot``)."""
    snapshots = {pk: kept(("question", pk), version) for pk in ids}
    missing = [pk for pk, snapshot in snapshots.items() if snapshot is None]
    for question in Question.objects.filter(pk__in=missing):
        snapshots[question.pk] = (question._meta.label_lower, question.snapshot())
        keep(("question", question.pk), version, snapshots[question.pk])
    questions = []
    for pk in ids:
        label, fields = snapshots[pk]
        question = apps.get_model(label).from_snapshot(fields)
        question.pk = pk
        questions.append(question)
    return questions


@transaction.atomic
def start_attempt(*, enrolment, quiz, at=None, pages_read=None):
    """The learner's attempt in progress, or a new one whose questions are drawn and frozen now (from what the
    process keeps of the bank under ``pages_read``, the pages' version the request read, if given)."""
    moment = at or timezone.now()
    Enrolment.objects.select_for_update().get(pk=enrolment.pk)  # one start at a time per learner
    attempts = list(quiz.attempts.filter(enrolment=enrolment))
    current = next((attempt for attempt in attempts if attempt.state == AttemptState.IN_PROGRESS), None)
    if current is not None and not close_if_overdue(current, at=moment):
        return current
    if not quiz.is_open(moment):
        raise ValidationError(_("This quiz is not open now."))
    used = len(attempts)
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise ValidationError(_("You have used all your attempts at this quiz."))
    questions = draw_questions(quiz, pages_read)
    if not questions:
        raise ValidationError(_("This quiz has no questions yet."))
    deadline = moment + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.closes_at is not None:
        deadline = min(deadline or quiz.closes_at, quiz.closes_at)
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        quiz=quiz,
        number=used + 1,
        started_at=moment,
        deadline=deadline,
        max_score=sum(question.points for question in questions),
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            position=position,
            question_id=question.pk,
            version=question.version,
            frozen={
                "type": question._meta.label_lower,
                "fields": question.snapshot(),
                **question.layout(quiz.shuffle_choices),
            },
        )
        for position, question in enumerate(questions, start=1)
    )
    if deadline is not None:
        transaction.on_commit(lambda: schedule_closing(attempt))
    return attempt


def schedule_closing(attempt):
    """Grade the attempt at its deadline if the learner has not submitted it (where the task queue can wait)."""
    from courses.tasks import close_overdue_attempt

    if close_overdue_attempt.get_backend().supports_defer:
        close_overdue_attempt.using(run_after=attempt.deadline + DEADLINE_GRACE).enqueue(attempt.pk)


def close_if_overdue(attempt, *, at=None):
    """Grade an attempt left open past its deadline with what was saved; True if it was closed."""
    moment = at or timezone.now()
    if not attempt.is_overdue(moment):
        return False
    submit_attempt(attempt=attempt, at=moment)
    attempt.refresh_from_db()
    return True


def locked(attempt):
    """The attempt read again with its row and its enrolment's locked, in one statement as a start takes them, with
    the quiz and the course as the caller read them (a learner's request: as their process keeps the pages). Not the
    quiz's row, which the learners of a hall share: they would queue behind each other on it."""
    fresh = Attempt.objects.select_for_update(of=("self", "enrolment")).select_related("enrolment").get(pk=attempt.pk)
    fresh.quiz = attempt.quiz
    fresh.enrolment.course = attempt.enrolment.course
    return fresh


def save_answers(*, attempt, data, at=None):
    """Save the answers in a submitted form for the questions it shows (its "shown" ids).

    Refused for a question that is not in the attempt, after the attempt was submitted, or after its
    deadline (the attempt is then graded with what was saved before).
    """
    moment = at or timezone.now()
    with transaction.atomic():
        attempt = locked(attempt)
        shown = shown_questions(attempt.questions.filter(pk__in=shown_ids(data)), data)
        if attempt.state != AttemptState.IN_PROGRESS:
            refusal = ALREADY_SUBMITTED
        elif attempt.is_overdue(moment):
            submit_attempt(attempt=attempt, at=moment)
            refusal = _("The time is up: answers are no longer accepted.")
        else:
            read_answers(shown, data, moment)
            write_answers(shown, ["response", "saved_at"])
            return len(shown)
    raise ValidationError(refusal)


def write_answers(answers, fields):
    """Write ``fields`` of each of the ``answers`` (an attempt's AttemptQuestion rows) in one UPDATE, each row its
    own values, joined on the primary key from a VALUES list. Django's ``bulk_update`` builds a CASE of one arm per
    row for each field instead, and building and compiling it cost a ten-question submit 4.5 ms of CPU against 0.4
    here (in-process, PostgreSQL): more than the grading itself. PostgreSQL is told each value's type, which it
    cannot infer from a parameter; SQLite takes the values as Django's own writes give them."""
    if not answers:
        return
    meta = AttemptQuestion._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    if connection.vendor == "postgresql":
        row = ", ".join(f"CAST(%s AS {column.cast_db_type(connection)})" for column in columns)
    else:
        row = ", ".join("%s" for _column in columns)
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    names = [quote(column.column) for column in columns]
    settings = ", ".join(f"{name} = v.{name}" for name in names[1:])
    rows = ", ".join(f"({row})" for _answer in answers)
    sql = (
        f"WITH v ({', '.join(names)}) AS (VALUES {rows}) "
        f"UPDATE {table} SET {settings} FROM v WHERE {table}.{key} = v.{key}"
    )
    values = [
        column.get_db_prep_save(getattr(answer, column.attname), connection) for answer in answers for column in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def shown_ids(data):
    return [parse_id(value) for value in data.getlist("shown")]


def shown_questions(questions, data):
    """Those of the attempt's ``questions`` that the form ``data`` shows; refused if it shows any other."""
    by_pk = {question.pk: question for question in questions}
    wanted = shown_ids(data)
    if any(pk not in by_pk for pk in wanted):
        raise PermissionDenied(_("These answers are for questions that are not in this attempt."))
    return [by_pk[pk] for pk in dict.fromkeys(wanted)]


def read_answers(questions, data, moment):
    for question in questions:
        question.response = question.as_question.read_answer(data, f"answer-{question.pk}")
        question.saved_at = moment


@transaction.atomic
def submit_attempt(*, attempt, data=None, at=None):
    """Grade the attempt once. Returns it and whether this call graded it (False when it already was).

    With the page's form ``data``, its answers are saved in the same pass if the time is not up, refused with
    nothing saved or graded if the form shows a question that is not in the attempt; past the deadline the form is
    not read and what was saved in time is graded."""
    attempt = locked(attempt)
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt, False
    attempt.submitted_at = at or timezone.now()
    questions = list(attempt.questions.all())
    fields = ["share", "graded_at"]
    if data is not None and not attempt.is_overdue(attempt.submitted_at):
        read_answers(shown_questions(questions, data), data, attempt.submitted_at)
        fields += ["response", "saved_at"]
    for question in questions:
        question.share = Decimal(0) if question.response is None else question.as_question.grade(question.response)
        question.graded_at = attempt.submitted_at if question.share is not None else None
    write_answers(questions, fields)
    finish_grading(attempt, questions)
    return attempt, True


def finish_grading(attempt, questions):
    """Score the attempt once every answer has its share (essays wait for a trainer); passing a required
    quiz may complete the course."""
    attempt.revised_at = timezone.now()
    if any(question.share is None for question in questions):
        attempt.state = AttemptState.AWAITING_GRADING
    else:
        attempt.state = AttemptState.GRADED
        attempt.score = sum(question.earned for question in questions)
        attempt.passed = attempt.max_score > 0 and 100 * attempt.score >= attempt.quiz.pass_mark * attempt.max_score
    attempt.save(update_fields=["submitted_at", "state", "score", "passed", "revised_at"])
    Person.objects.filter(pk=attempt.enrolment.person_id).learning_record_changed()
    if attempt.passed and attempt.quiz.required:
        complete_if_rule_met(enrolment=attempt.enrolment, at=attempt.submitted_at)


@transaction.atomic
def grade_essay(*, answer, points, feedback, user, at=None):
    """A trainer's score (in points) and feedback on an essay; the attempt is scored when its last essay is."""
    attempt = locked(answer.attempt)
    answer = AttemptQuestion.objects.select_for_update().get(pk=answer.pk)
    if attempt.state == AttemptState.IN_PROGRESS:
        raise ValidationError(_("This attempt has not been submitted yet."))
    if not 0 <= points <= answer.points:
        raise ValidationError(_("The score must be between 0 and %(points)s.") % {"points": answer.points})
    answer.share = (Decimal(points) / answer.points).quantize(Decimal("0.0001")) if answer.points else Decimal(0)
    answer.grader_feedback = feedback
    answer.grader = user
    answer.graded_at = at or timezone.now()
    answer.save(update_fields=["share", "grader_feedback", "grader", "graded_at"])
    finish_grading(attempt, list(attempt.questions.all()))
    return answer
