"""Quizzes as learners take them: drawing and freezing questions, saving and resuming, the deadline,
submitting once, attempts and dates, review, and passing a required quiz completing the course."""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import QueryDict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import default_task_backend
from wagtail.test.utils import WagtailPageTestCase

from courses import quizzes, services
from courses.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    CoursePage,
    DescriptionQuestion,
    EssayQuestion,
    GradingMethod,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    QuestionCategory,
    QuizPage,
    QuizSlot,
    ReviewOption,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.quiz_selectors import prepared
from courses.tasks import close_overdue_attempt
from lms.models import TrainingRecord
from tests.courses.helpers import (
    accepting,
    choice_blocks,
    make_catalogue,
    make_course,
    make_learner_person,
    make_lesson,
    make_quiz,
    make_single_choice,
    number_answer,
    run_side_by_side,
)
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Kỹ năng số")


@pytest.fixture
def course():
    return make_course(make_catalogue(), lessons=0)


@pytest.fixture
def learner():
    return make_learner_person(make_unit(name="Phường Phan Đình Phùng"))


@pytest.fixture
def enrolment(learner, course):
    return services.enrol(person=learner, course=course)


def three_questions(category):
    """Three single choice questions of one point; "a" is right."""
    return [make_single_choice(category) for _n in range(3)]


def vietnamese(message):
    with translation.override("vi"):
        return gettext(message)


def answer_form(attempt, answers):
    """The form a learner posts: ``answers`` maps an AttemptQuestion to its form value(s)."""
    data = {"shown": [str(answer.pk) for answer in answers]}
    for answer, value in answers.items():
        data[f"answer-{answer.pk}"] = value
    return data


def form_data(data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def post_answers(client, attempt, answers, *, action="quiz_save", json=False):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(reverse(action, args=[attempt.pk]), answer_form(attempt, answers), headers=headers)


def questions_of(attempt):
    return list(attempt.questions.order_by("position"))


# Drawing and freezing


def test_an_attempt_draws_the_fixed_questions_and_random_ones_without_repeats(category, course, enrolment):
    fixed = make_single_choice(category, "Cố định")
    inner = QuestionCategory.objects.create(name="Bên trong", parent=category)
    drawable = [make_single_choice(inner) for _n in range(6)] + [make_single_choice(category) for _n in range(3)]
    make_single_choice(category, "Đã ngừng dùng", is_active=False)
    elsewhere = make_single_choice(QuestionCategory.objects.create(name="Khác"), "Nhóm khác")
    quiz = make_quiz(course, questions=[fixed], draws=[(category, 5)])

    drawn = set()
    for _try in range(5):
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
        ids = [answer.question_id for answer in questions_of(attempt)]
        quizzes.submit_attempt(attempt=attempt)
        assert ids[0] == fixed.pk
        assert len(ids) == len(set(ids)) == 6
        assert set(ids[1:]) <= {question.pk for question in drawable}
        assert attempt.max_score == 6
        drawn |= set(ids[1:])
    assert elsewhere.pk not in drawn
    assert len(drawn) > 5  # random, not always the same five


def queries_to_start(enrolment, quiz):
    with CaptureQueriesContext(connection) as queries:
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    quizzes.submit_attempt(attempt=attempt)
    return len(queries), attempt


def test_each_draw_reads_its_pool_and_the_categories_are_read_once(category, course, enrolment):
    inner = QuestionCategory.objects.create(name="Bên trong", parent=category)
    for _n in range(3):
        make_single_choice(category), make_single_choice(inner)

    one_draw, _attempt = queries_to_start(enrolment, make_quiz(course, draws=[(category, 1)]))
    three_draws, _attempt = queries_to_start(
        enrolment, make_quiz(course, draws=[(category, 1), (inner, 1), (category, 1)])
    )

    assert three_draws == one_draw + 2


def test_a_draw_larger_than_its_category_takes_all_it_has(category, course, enrolment):
    questions = three_questions(category)
    quiz = make_quiz(course, draws=[(category, 10)])

    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)

    assert {answer.question_id for answer in questions_of(attempt)} == {question.pk for question in questions}


def test_questions_and_choices_are_shuffled_once_and_kept_in_that_order(category, course, enrolment, client, learner):
    question = SingleChoiceQuestion.objects.create(
        category=category,
        name="Nhiều lựa chọn",
        text="<p>Chọn một</p>",
        choices=[
            {"type": "choice", "id": f"c{n}", "value": {"text": f"Lựa chọn {n}", "correct": n == 0, "feedback": ""}}
            for n in range(8)
        ],
    )
    quiz = make_quiz(course, questions=[question], shuffle_choices=True)
    orders = set()
    for _try in range(4):
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
        (answer,) = questions_of(attempt)
        orders.add(tuple(answer.frozen["order"]))
        client.force_login(learner.user)
        page = client.get(reverse("quiz_attempt", args=[attempt.pk])).text
        shown = [page.index(f"Lựa chọn {choice_id[1:]}<") for choice_id in answer.frozen["order"]]
        assert shown == sorted(shown)
        assert sorted(answer.frozen["order"]) == [f"c{n}" for n in range(8)]
        quizzes.submit_attempt(attempt=attempt)
    assert len(orders) > 1


def test_editing_the_bank_does_not_change_a_started_attempt(category, course, enrolment, client, learner):
    question = make_single_choice(category, right="a")
    quiz = make_quiz(course, questions=[question])
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    (answer,) = questions_of(attempt)

    question.text = "<p>Câu hỏi đã sửa</p>"
    question.choices = [
        dict(block, value={**block["value"], "correct": block["id"] == "b"}) for block in question.choices.raw_data
    ]
    question.points = Decimal(5)
    question.version += 1
    question.save()
    client.force_login(learner.user)
    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).text
    post_answers(client, attempt, {answer: "a"}, action="quiz_submit")

    attempt.refresh_from_db()
    assert "Câu hỏi số" in page
    assert "Câu hỏi đã sửa" not in page
    assert (answer.version, attempt.score, attempt.max_score, attempt.passed) == (1, 1, 1, True)
    assert quizzes.start_attempt(enrolment=enrolment, quiz=quiz).questions.get().version == 2


def start_and_submit(enrolment, quiz):
    """The attempt's questions as frozen, by question id."""
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    quizzes.submit_attempt(attempt=attempt)
    return {answer.question_id: answer.frozen for answer in questions_of(attempt)}


def test_later_starts_draw_from_the_bank_as_it_is_now_though_each_process_keeps_the_draw(category, course, enrolment):
    kept = three_questions(category)
    quiz = make_quiz(course, draws=[(category, 10)])
    start_and_submit(enrolment, quiz)

    kept[0].is_active = False
    kept[0].save()
    added = make_single_choice(category, "Câu mới")
    kept[1].text = "<p>Câu hỏi đã sửa</p>"
    kept[1].save()
    frozen = start_and_submit(enrolment, quiz)
    assert set(frozen) == {kept[1].pk, kept[2].pk, added.pk}
    for question in SingleChoiceQuestion.objects.filter(pk__in=frozen):
        assert frozen[question.pk]["fields"] == question.snapshot()
    assert frozen[kept[1].pk]["fields"]["text"] == "<p>Câu hỏi đã sửa</p>"

    elsewhere = QuestionCategory.objects.create(name="Nhóm khác")
    moved_in = make_single_choice(elsewhere, "Câu của nhóm chuyển vào")
    start_and_submit(enrolment, quiz)
    elsewhere.parent = category
    elsewhere.save()
    assert set(start_and_submit(enrolment, quiz)) == {kept[1].pk, kept[2].pk, added.pk, moved_in.pk}


# Saving, resuming, refusing


def test_answers_are_saved_one_question_at_a_time_and_shown_again_on_return(
    category, course, enrolment, client, learner
):
    short = ShortAnswerQuestion.objects.create(
        category=category, name="Ngắn", text="<p>Viết tắt?</p>", answers=accepting("VNeID")
    )
    true_false = TrueFalseQuestion.objects.create(
        category=category, name="Đúng sai", text="<p>?</p>", correct_answer=True
    )
    quiz = make_quiz(course, questions=[make_single_choice(category), short, true_false])
    client.force_login(learner.user)
    client.post(reverse("quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    choice, typed, statement = questions_of(attempt)

    saved = post_answers(client, attempt, {choice: "b"}, json=True)
    post_answers(client, attempt, {typed: "vneid"}, json=True)
    post_answers(client, attempt, {statement: "true"})

    assert saved.status_code == 200
    assert saved.json()["saved"] == 1
    assert [answer.response for answer in questions_of(attempt)] == ["b", "vneid", True]
    # The connection dropped; the learner opens the quiz again and continues the same attempt.
    client.post(reverse("quiz_start", args=[quiz.pk]))
    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).text
    assert Attempt.objects.count() == 1
    assert f'name="answer-{choice.pk}" value="b" checked' in page
    assert 'value="vneid"' in page
    assert f'name="answer-{statement.pk}" value="true" checked' in page


def test_saved_choices_and_matches_are_shown_again_and_only_they(category, course, enrolment, client, learner):
    several = MultipleChoiceQuestion.objects.create(
        category=category,
        name="Nhiều",
        text="<p>Chọn các thói quen an toàn</p>",
        choices=choice_blocks(("a", "Bật 2FA", True), ("b", "Cập nhật", True), ("c", "Dùng chung", False)),
    )
    matching = MatchingQuestion.objects.create(
        category=category,
        name="Ghép",
        text="<p>Ghép</p>",
        pairs=[
            {"type": "pair", "id": "p1", "value": {"prompt": "VNeID", "match": "Định danh"}},
            {"type": "pair", "id": "p2", "value": {"prompt": "Zalo", "match": "Nhắn tin"}},
        ],
    )
    quiz = make_quiz(course, questions=[several, matching], shuffle_choices=False)  # the choices in a-b-c order
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    chosen, pairs = questions_of(attempt)
    data = answer_form(attempt, {chosen: ["a", "c"]})
    data.update({f"answer-{pairs.pk}-p1": "p2", "shown": data["shown"] + [str(pairs.pk)]})
    quizzes.save_answers(attempt=attempt, data=form_data(data))
    client.force_login(learner.user)

    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).text

    checked = re.findall(rf'name="answer-{chosen.pk}" value="(\w+)"( checked)?', page)
    assert checked == [("a", " checked"), ("b", ""), ("c", " checked")]
    selected = {  # the options of each item, in the order they were shuffled into: which one is selected
        item: dict(re.findall(r'<option value="(\w*)"( selected)?', options))
        for item, options in re.findall(rf'name="answer-{pairs.pk}-(\w+)"[^>]*>(.*?)</select>', page, re.S)
    }
    assert selected == {"p1": {"": "", "p1": "", "p2": " selected"}, "p2": {"": "", "p1": "", "p2": ""}}


def test_a_learner_changes_and_clears_an_answer(category, course, enrolment):
    quiz = make_quiz(course, questions=three_questions(category))
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    first = questions_of(attempt)[0]
    for value, expected in (("a", "a"), ("c", "c"), ("", None)):
        data = answer_form(attempt, {first: value})
        quizzes.save_answers(attempt=attempt, data=form_data(data))
        first.refresh_from_db()
        assert first.response == expected


def test_answers_to_another_persons_attempt_are_refused(category, course, enrolment, client):
    quiz = make_quiz(course, questions=three_questions(category))
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    first = questions_of(attempt)[0]
    intruder = make_learner_person(make_unit())
    services.enrol(person=intruder, course=course)
    client.force_login(intruder.user)

    responses = [
        client.get(reverse("quiz_attempt", args=[attempt.pk])),
        post_answers(client, attempt, {first: "a"}),
        post_answers(client, attempt, {first: "a"}, action="quiz_submit"),
        client.get(reverse("quiz_attempt_result", args=[attempt.pk])),
    ]

    assert [response.status_code for response in responses] == [404] * 4
    first.refresh_from_db()
    attempt.refresh_from_db()
    assert (first.response, attempt.state) == (None, AttemptState.IN_PROGRESS)


def test_answers_for_questions_not_in_the_attempt_are_refused(category, course, learner, enrolment, client):
    quiz = make_quiz(course, questions=three_questions(category))
    mine = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    other = make_learner_person(make_unit())
    theirs = quizzes.start_attempt(enrolment=services.enrol(person=other, course=course), quiz=quiz)
    my_question, their_question = questions_of(mine)[0], questions_of(theirs)[0]
    client.force_login(learner.user)

    json_response = post_answers(client, mine, {my_question: "a", their_question: "a"}, json=True)
    page_response = post_answers(client, mine, {their_question: "a"})
    unknown = client.post(reverse("quiz_save", args=[mine.pk]), {"shown": ["999999"], "answer-999999": "a"})
    submitted = post_answers(client, mine, {my_question: "a", their_question: "a"}, action="quiz_submit")

    assert (json_response.status_code, page_response.status_code, unknown.status_code) == (403, 403, 403)
    assert vietnamese("These answers are for questions that are not in this attempt.") in page_response.text
    assert AttemptQuestion.objects.filter(response__isnull=False).count() == 0
    # the submit is refused whole: nothing saved, nothing graded
    assert submitted.status_code == 403
    mine.refresh_from_db()
    assert (mine.state, AttemptQuestion.objects.filter(share__isnull=False).count()) == (AttemptState.IN_PROGRESS, 0)


# Time limit


def test_answers_after_the_deadline_are_refused_and_the_attempt_is_graded_with_what_was_saved(
    category, course, enrolment, client, learner
):
    quiz = make_quiz(course, questions=three_questions(category), time_limit_minutes=10, pass_mark=30)
    start = timezone.now() - timedelta(minutes=20)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz, at=start)
    first, second, _third = questions_of(attempt)
    quizzes.save_answers(
        attempt=attempt, data=form_data(answer_form(attempt, {first: "a"})), at=start + timedelta(minutes=9)
    )
    assert attempt.deadline == start + timedelta(minutes=10)
    client.force_login(learner.user)

    late = post_answers(client, attempt, {second: "a"}, json=True)

    assert late.status_code == 409
    assert late.json()["result"] == reverse("quiz_attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    second.refresh_from_db()
    assert second.response is None
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.GRADED, 1, True)


def test_an_answer_arriving_within_the_grace_after_the_deadline_is_taken(category, course, enrolment):
    quiz = make_quiz(course, questions=three_questions(category), time_limit_minutes=5)
    start = timezone.now()
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz, at=start)
    first = questions_of(attempt)[0]
    at = attempt.deadline + quizzes.DEADLINE_GRACE - timedelta(seconds=1)

    quizzes.save_answers(attempt=attempt, data=form_data(answer_form(attempt, {first: "a"})), at=at)

    first.refresh_from_db()
    assert first.response == "a"


def test_an_attempt_left_open_shows_its_time_is_up_and_is_graded_when_the_learner_asks_for_the_result(
    category, course, enrolment, client, learner
):
    quiz = make_quiz(course, questions=three_questions(category), time_limit_minutes=10)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz, at=timezone.now() - timedelta(hours=1))
    client.force_login(learner.user)
    result_url = reverse("quiz_attempt_result", args=[attempt.pk])
    time_is_up = vietnamese("The time is up for this attempt. It is graded with the answers you saved in time.")

    response = client.get(reverse("quiz_attempt", args=[attempt.pk]))

    assert response.status_code == 302
    assert response.url == result_url
    assert time_is_up in client.get(result_url).text
    assert time_is_up in client.get(quiz.url).text
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    late = answer_form(attempt, dict.fromkeys(questions_of(attempt), "a"))  # the page sends its answers, too late
    late["shown"].append("999999")  # even with a question not in the attempt: the form is no longer read
    graded = client.post(reverse("quiz_submit", args=[attempt.pk]), late, follow=True)
    assert graded.redirect_chain == [(result_url, 302)]
    assert vietnamese("The time is up. Your attempt was graded with the answers you had saved.") in graded.text
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.GRADED, 0, False)
    assert [answer.response for answer in questions_of(attempt)] == [None, None, None]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_timed_attempt_is_closed_by_a_background_task_at_its_deadline(
    category, course, enrolment, django_capture_on_commit_callbacks
):
    quiz = make_quiz(course, questions=three_questions(category), time_limit_minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)

    (queued,) = [result for result in default_task_backend.results if result.task.func == close_overdue_attempt.func]
    assert queued.args == [attempt.pk]
    assert queued.task.run_after == attempt.deadline + quizzes.DEADLINE_GRACE
    close_overdue_attempt.call(attempt.pk)  # too early: nothing happens
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    close_overdue_attempt.call(attempt.pk)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED


def test_an_attempt_ends_when_the_quiz_closes_even_with_time_left(category, course, enrolment):
    closes = timezone.now() + timedelta(minutes=5)
    quiz = make_quiz(course, questions=three_questions(category), time_limit_minutes=60, closes_at=closes)

    assert quizzes.start_attempt(enrolment=enrolment, quiz=quiz).deadline == closes


# Submitting


def test_submitting_twice_gives_one_graded_attempt(category, course, enrolment, client, learner):
    quiz = make_quiz(course, questions=three_questions(category), pass_mark=60)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    first, second, third = questions_of(attempt)
    client.force_login(learner.user)

    one = post_answers(client, attempt, {first: "a", second: "a", third: "b"}, action="quiz_submit")
    two = post_answers(client, attempt, {first: "b", second: "b", third: "b"}, action="quiz_submit")

    assert one.url == two.url == reverse("quiz_attempt_result", args=[attempt.pk])
    time_is_up = vietnamese("The time is up. Your attempt was graded with the answers you had saved.")
    assert time_is_up not in client.get(one.url).text  # in time: no such warning
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.GRADED, 2, True)
    assert [answer.response for answer in questions_of(attempt)] == ["a", "a", "b"]
    assert Attempt.objects.count() == 1


def test_a_submit_that_finds_the_attempt_graded_by_another_tab_says_so_and_changes_nothing(
    category, course, enrolment, client, learner, monkeypatch
):
    quiz = make_quiz(course, questions=three_questions(category))
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    first = questions_of(attempt)[0]
    submit = quizzes.submit_attempt

    def graded_by_another_tab_first(**arguments):
        submit(attempt=arguments["attempt"])  # the other tab's submit took the lock just before this one
        return submit(**arguments)

    monkeypatch.setattr(quizzes, "submit_attempt", graded_by_another_tab_first)
    client.force_login(learner.user)

    late = post_answers(client, attempt, {first: "a"}, action="quiz_submit")

    assert (
        vietnamese("This attempt has been submitted; its answers can no longer be changed.")
        in client.get(late.url).text
    )
    first.refresh_from_db()
    assert (first.response, first.share) == (None, 0)


def test_submitting_a_graded_attempt_again_grades_nothing(category, course, enrolment, monkeypatch):
    quiz = make_quiz(course, questions=three_questions(category), pass_mark=60)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    quizzes.save_answers(
        attempt=attempt, data=form_data(answer_form(attempt, dict.fromkeys(questions_of(attempt), "a")))
    )
    gradings = []
    grade = SingleChoiceQuestion.grade

    def counted_grade(question, response):
        gradings.append(response)
        return grade(question, response)

    monkeypatch.setattr(SingleChoiceQuestion, "grade", counted_grade)
    submitted_at = timezone.now()

    first = quizzes.submit_attempt(attempt=attempt, at=submitted_at)[1]
    second = quizzes.submit_attempt(attempt=attempt, at=submitted_at + timedelta(minutes=5))[1]

    assert (first, second) == (True, False)
    assert gradings == ["a", "a", "a"]
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.submitted_at) == (AttemptState.GRADED, 3, submitted_at)
    assert set(attempt.questions.values_list("graded_at", flat=True)) == {submitted_at}
    assert TrainingRecord.objects.filter(person=enrolment.person).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_submits_grade_an_attempt_once_and_complete_the_course_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    category = QuestionCategory.objects.create(name="Song song")
    course = make_course(make_catalogue(), lessons=0)
    quiz = make_quiz(course, questions=three_questions(category))
    learner = make_learner_person(make_unit())
    enrolment = services.enrol(person=learner, course=course)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    data = form_data(answer_form(attempt, dict.fromkeys(questions_of(attempt), "a")))
    requests = 50
    barrier = threading.Barrier(requests)
    results = []

    def click():
        try:
            mine = Attempt.objects.get(pk=attempt.pk)
            barrier.wait()
            try:
                quizzes.save_answers(attempt=mine, data=data)
            except Exception as error:  # the attempt was graded by another request first
                results.append(type(error).__name__)
            results.append(quizzes.submit_attempt(attempt=mine)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _request in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    graded = [result for result in results if isinstance(result, bool)]
    assert sorted(graded) == [False] * (requests - 1) + [True]
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (AttemptState.GRADED, 3)
    assert TrainingRecord.objects.filter(person=learner).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_submit_arriving_while_another_is_grading_waits_for_it_and_grades_nothing_on_postgresql():
    # The first request has graded but not yet committed; were the second not made to wait, it would
    # still see the attempt in progress and grade it a second time.
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    category = QuestionCategory.objects.create(name="Song song")
    course = make_course(make_catalogue(), lessons=0)
    quiz = make_quiz(course, questions=three_questions(category))
    enrolment = services.enrol(person=make_learner_person(make_unit()), course=course)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    first_graded, second_finished = threading.Event(), threading.Event()
    results = {}

    def first_request():
        try:
            with transaction.atomic():
                results["first"] = quizzes.submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk))[1]
                first_graded.set()
                second_finished.wait(timeout=3)  # commit once the second is through, or is waiting on a lock
        finally:
            first_graded.set()
            connection.close()

    def second_request():
        try:
            first_graded.wait(timeout=10)
            results["second"] = quizzes.submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk))[1]
        finally:
            second_finished.set()
            connection.close()

    run_side_by_side(first_request, second_request)

    assert results == {"first": True, "second": False}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_learners_submitting_one_quiz_do_not_wait_for_each_other_on_postgresql():
    # Each write locks its own attempt's row, not the quiz's that every attempt of the hall joins to.
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    category = QuestionCategory.objects.create(name="Song song")
    course = make_course(make_catalogue(), lessons=0)
    quiz = make_quiz(course, questions=three_questions(category))
    attempts = [
        quizzes.start_attempt(
            enrolment=services.enrol(person=make_learner_person(make_unit()), course=course), quiz=quiz
        )
        for _learner in range(2)
    ]
    first_locked, second_finished = threading.Event(), threading.Event()
    results = {}

    def first_request():
        try:
            with transaction.atomic():
                quizzes.locked(attempts[0])
                first_locked.set()
                results["second finished while the first held its lock"] = second_finished.wait(timeout=5)
        finally:
            first_locked.set()
            connection.close()

    def second_request():
        try:
            first_locked.wait(timeout=10)
            results["second graded"] = quizzes.submit_attempt(attempt=attempts[1])[1]
        finally:
            second_finished.set()
            connection.close()

    run_side_by_side(first_request, second_request)

    assert results == {"second graded": True, "second finished while the first held its lock": True}


# Attempts, dates, grading method


def test_no_attempt_beyond_those_allowed(category, course, enrolment, client, learner):
    quiz = make_quiz(course, questions=three_questions(category), attempts_allowed=2)
    for _try in range(2):
        quizzes.submit_attempt(attempt=quizzes.start_attempt(enrolment=enrolment, quiz=quiz))
    client.force_login(learner.user)

    response = client.post(reverse("quiz_start", args=[quiz.pk]), follow=True)

    assert Attempt.objects.count() == 2
    assert vietnamese("You have used all your attempts at this quiz.") in response.text


def test_a_quiz_can_be_taken_only_between_its_dates(category, course, enrolment):
    now = timezone.now()
    not_yet = make_quiz(course, questions=three_questions(category), opens_at=now + timedelta(days=1))
    closed = make_quiz(course, questions=three_questions(category), closes_at=now - timedelta(days=1))

    for quiz in (not_yet, closed):
        with pytest.raises(Exception, match=vietnamese("This quiz is not open now.")):
            quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    assert not Attempt.objects.exists()


def take(enrolment, quiz, right):
    """An attempt answering the first ``right`` questions right and the rest wrong."""
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    answers = {answer: "a" if index < right else "b" for index, answer in enumerate(questions_of(attempt))}
    quizzes.save_answers(attempt=attempt, data=form_data(answer_form(attempt, answers)))
    return quizzes.submit_attempt(attempt=attempt)[0]


@pytest.mark.parametrize(("method", "passed"), [(GradingMethod.HIGHEST, True), (GradingMethod.LAST, False)])
def test_the_grading_method_decides_which_attempt_counts(category, course, enrolment, client, learner, method, passed):
    quiz = make_quiz(course, questions=three_questions(category), pass_mark=60, grading_method=method, required=True)
    take(enrolment, quiz, right=3)
    take(enrolment, quiz, right=1)
    client.force_login(learner.user)

    page = client.get(quiz.url)

    assert page.context["kept_attempt"].score == (3 if passed else 1)
    assert services.rule_is_met(enrolment) is passed


# Completion


def test_passing_a_required_quiz_after_the_lessons_completes_the_course(category, learner, client):
    course = make_course(make_catalogue(), lessons=1)
    (lesson,) = course.lessons()
    quiz = make_quiz(course, questions=three_questions(category), pass_mark=100)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    assert services.mark_lesson_done(enrolment=enrolment, lesson=lesson) is False
    client.force_login(learner.user)
    course_page = client.get(course.url)
    assert (course_page.context["required_done"], course_page.context["required_count"]) == (1, 2)
    # The lesson counts as a lesson and the quiz as a quiz, as the lesson page counts lessons ("Bài 1/1").
    assert "Đã học xong 1/1 bài học bắt buộc, đạt 0/1 bài kiểm tra." in course_page.text
    my_courses = client.get(reverse("my_courses")).text
    assert "Đã học xong 1/1 bài học bắt buộc, đạt 0/1 bài kiểm tra" in my_courses
    assert course_page.context["next_lesson"].pk == quiz.pk  # a page of the base type: read with its course's others

    take(enrolment, quiz, right=2)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    take(enrolment, quiz, right=3)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert TrainingRecord.objects.filter(person=learner).count() == 1
    my_courses = client.get(reverse("my_courses"))
    assert [e.course for e in my_courses.context["completed"]] == [course]


def test_an_optional_quiz_is_not_needed_to_complete_the_course(category, learner):
    course = make_course(make_catalogue(), lessons=1)
    (lesson,) = course.lessons()
    make_quiz(course, questions=three_questions(category), required=False)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)

    assert services.mark_lesson_done(enrolment=enrolment, lesson=lesson) is True


def test_a_learner_not_enrolled_is_sent_to_the_course_page(category, course, client):
    quiz = make_quiz(course, questions=three_questions(category))
    outsider = make_learner_person(make_unit())
    client.force_login(outsider.user)

    page = client.get(quiz.url)
    start = client.post(reverse("quiz_start", args=[quiz.pk]))

    assert page.status_code == 302
    assert page.url == course.url
    assert start.status_code == 403
    assert not Attempt.objects.exists()


# Review


def reviewed(client, learner, enrolment, quiz):
    attempt = take(enrolment, quiz, right=1)
    client.force_login(learner.user)
    return client.get(reverse("quiz_attempt_result", args=[attempt.pk]))


@pytest.mark.parametrize(
    ("review", "answers_shown", "correct_shown"),
    [(ReviewOption.SCORE, False, False), (ReviewOption.ANSWERS, True, False), (ReviewOption.CORRECT, True, True)],
)
def test_the_review_shows_what_the_quiz_allows(
    category, course, enrolment, client, learner, review, answers_shown, correct_shown
):
    quiz = make_quiz(course, questions=three_questions(category), review=review)

    page = reviewed(client, learner, enrolment, quiz)

    assert "33.3%" in page.text or "33,3%" in page.text
    assert ("Câu hỏi số" in page.text) is answers_shown
    assert ("is-correct" in page.text) is correct_shown


def test_the_review_marks_the_learners_wrong_choice_in_words_and_its_feedback_as_wrong(
    category, course, enrolment, client, learner
):
    quiz = make_quiz(course, questions=[make_single_choice(category)], review=ReviewOption.CORRECT)

    attempt = take(enrolment, quiz, right=0)  # answers "b"; "a" is right
    client.force_login(learner.user)
    page = client.get(reverse("quiz_attempt_result", args=[attempt.pk]))

    chosen = re.search(
        r'<label class="choice is-chosen is-wrong">(.*?)</label>\s*<p class="([^"]*)">([^<]*)</p>', page.text, re.S
    )
    assert chosen is not None
    assert "Phương án b" in chosen.group(1)
    assert "✗ bạn đã chọn: sai" in chosen.group(1)
    assert (chosen.group(2), chosen.group(3)) == ("feedback is-wrong", "Về Phương án b")
    right = re.search(r'<label class="choice is-correct">(.*?)</label>', page.text, re.S)
    assert "Phương án a" in right.group(1)
    assert "✓ đáp án đúng" in right.group(1)


def test_a_review_after_the_quiz_closes_shows_only_the_score_until_then(category, course, enrolment, client, learner):
    quiz = make_quiz(
        course,
        questions=three_questions(category),
        review=ReviewOption.CORRECT,
        review_after_close=True,
        closes_at=timezone.now() + timedelta(days=3),
    )

    page = reviewed(client, learner, enrolment, quiz)

    assert "Câu hỏi số" not in page.text
    assert vietnamese("Your answers can be reviewed once the quiz has closed.") in page.text


def test_the_review_gives_the_feedback_of_the_short_or_numerical_answer_the_learner_typed(
    category, course, enrolment, client, learner
):
    short = ShortAnswerQuestion.objects.create(
        category=category,
        name="Ngắn",
        text="<p>Ứng dụng định danh?</p>",
        answers=[
            ("answer", {"text": "VNeID", "weight": 100, "feedback": "Chính xác."}),
            ("answer", {"text": "VNe*", "weight": 50, "feedback": "Gần đúng: viết đủ tên."}),
        ],
    )
    number = NumericalQuestion.objects.create(
        category=category,
        name="Số",
        text="<p>Số khẩn cấp?</p>",
        answers=[
            ("answer", {"value": 113, "tolerance": 0, "weight": 100, "feedback": ""}),
            ("answer", {"value": None, "tolerance": 0, "weight": 0, "feedback": "Gọi 113 khi cần công an."}),
        ],
    )
    quiz = make_quiz(course, questions=[short, number], review=ReviewOption.CORRECT)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    typed, dialled = questions_of(attempt)
    quizzes.save_answers(attempt=attempt, data=form_data(answer_form(attempt, {typed: "VNe", dialled: "115"})))
    quizzes.submit_attempt(attempt=attempt)
    client.force_login(learner.user)

    page = client.get(reverse("quiz_attempt_result", args=[attempt.pk])).text

    assert "Gần đúng: viết đủ tên." in page
    assert "Chính xác." not in page
    assert "Gọi 113 khi cần công an." in page
    assert [answer.share for answer in questions_of(attempt)] == [Decimal("0.5"), 0]


def rendered_questions(response):
    return [template.name for template in response.templates].count("courses/questions/question.html")


def test_a_review_is_rendered_once_and_again_each_time_a_trainer_grades_the_attempt(
    category, course, enrolment, client, learner
):
    essay = EssayQuestion.objects.create(category=category, name="Tự luận", text="<p>Kể lại</p>", points=Decimal(2))
    quiz = make_quiz(course, questions=[essay], review=ReviewOption.ANSWERS)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    (answer,) = questions_of(attempt)
    quizzes.save_answers(attempt=attempt, data=form_data(answer_form(attempt, {answer: "Một vụ lừa đảo qua Zalo"})))
    quizzes.submit_attempt(attempt=attempt)
    client.force_login(learner.user)
    result = reverse("quiz_attempt_result", args=[attempt.pk])

    first, again = client.get(result), client.get(result)
    assert (rendered_questions(first), rendered_questions(again)) == (1, 0)
    assert vietnamese("Awaiting grading") in again.text
    assert "Một vụ lừa đảo qua Zalo" in again.text

    quizzes.grade_essay(answer=answer, points=1, feedback="Cần nêu cách phòng tránh.", user=None)
    graded = client.get(result).text
    assert "Cần nêu cách phòng tránh." in graded
    assert vietnamese("Awaiting grading") not in graded

    # the same points again, with other feedback: the attempt's score does not change, its review does
    quizzes.grade_essay(answer=answer, points=1, feedback="Đã nêu đủ cách phòng tránh.", user=None)
    regraded = client.get(result).text
    assert "Đã nêu đủ cách phòng tránh." in regraded
    assert "Cần nêu cách phòng tránh." not in regraded


def test_a_site_without_a_cache_for_rendered_fragments_keeps_reviews_in_its_default_cache(
    category, course, enrolment, client, learner
):
    quiz = make_quiz(course, questions=three_questions(category), review=ReviewOption.ANSWERS)
    attempt = take(enrolment, quiz, right=1)
    client.force_login(learner.user)
    result = reverse("quiz_attempt_result", args=[attempt.pk])

    with override_settings(CACHES={"default": settings.CACHES["default"]}):  # a Wagtail site the apps install into
        first, again = client.get(result), client.get(result)

    assert (rendered_questions(first), rendered_questions(again)) == (3, 0)


def test_a_review_kept_rendered_follows_the_review_shown_the_pages_its_questions_link_to_and_the_language(
    category, course, enrolment, client, learner
):
    lesson = make_lesson(course, title="Nhận biết lừa đảo", slug="nhan-biet")
    question = make_single_choice(category)
    question.text = f'<p>Xem <a linktype="page" id="{lesson.pk}">bài học</a>.</p>'
    question.save()
    quiz = make_quiz(course, questions=[question], review=ReviewOption.ANSWERS)
    attempt = take(enrolment, quiz, right=1)
    client.force_login(learner.user)
    result = reverse("quiz_attempt_result", args=[attempt.pk])
    assert "is-correct" not in client.get(result).text
    assert f'href="{lesson.url}"' in client.get(result).text

    quiz.review = ReviewOption.CORRECT  # a trainer publishes the quiz showing the right answers too
    quiz.save_revision().publish()
    assert "is-correct" in client.get(result).text

    lesson.slug = "nhan-biet-lua-dao"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert f'href="{lesson.url}"' in client.get(result).text

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switcher
    assert "your answer: right" in client.get(result).text


# Every question type on the page


def test_every_question_type_is_answered_through_the_page(category, course, enrolment, client, learner):
    matching = MatchingQuestion.objects.create(
        category=category,
        name="Ghép",
        text="<p>Ghép</p>",
        pairs=[
            {"type": "pair", "id": "p1", "value": {"prompt": "VNeID", "match": "Định danh"}},
            {"type": "pair", "id": "p2", "value": {"prompt": "Zalo", "match": "Nhắn tin"}},
        ],
    )
    essay = EssayQuestion.objects.create(category=category, name="Tự luận", text="<p>Viết</p>", points=2)
    quiz = make_quiz(course, questions=[make_single_choice(category), matching, essay])
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    choice, pairs, written = questions_of(attempt)
    client.force_login(learner.user)
    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).text
    for answer in (choice, pairs, written):
        assert f'name="shown" value="{answer.pk}"' in page
    assert f'name="answer-{pairs.pk}-p1"' in page
    assert f'name="answer-{written.pk}"' in page

    data = answer_form(attempt, {choice: "a", written: "Em sẽ hướng dẫn bà con cài VNeID."})
    data.update({f"answer-{pairs.pk}-p1": "p1", f"answer-{pairs.pk}-p2": "p1"})
    data["shown"].append(str(pairs.pk))
    client.post(reverse("quiz_submit", args=[attempt.pk]), data)

    attempt.refresh_from_db()
    assert [answer.share for answer in questions_of(attempt)] == [1, Decimal("0.5"), None]
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.AWAITING_GRADING, None, None)
    assert prepared(questions_of(attempt)[2]).template == "courses/questions/essayquestion.html"


# The page tree and the quiz's form


class QuizTreeTests(WagtailPageTestCase):
    def test_a_quiz_lives_in_a_course_and_holds_no_pages(self):
        self.assertAllowedParentPageTypes(QuizPage, {CoursePage})
        self.assertAllowedSubpageTypes(QuizPage, set())


@pytest.mark.parametrize("pick", ["nothing", "both"])
def test_a_slot_is_either_a_question_or_a_draw(category, pick):
    question = make_single_choice(category) if pick == "both" else None
    slot = QuizSlot(question=question, category=category if pick == "both" else None, count=1)

    with pytest.raises(ValidationError):
        slot.clean()


def test_a_description_is_shown_in_its_place_without_a_number_points_or_an_answer(
    category, course, enrolment, client, learner
):
    description = DescriptionQuestion.objects.create(
        category=category, name="Tình huống", text="<p>Bà Lan nhận được cuộc gọi lạ.</p>", points=5
    )
    quiz = make_quiz(course, questions=[description, make_single_choice(category)])
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    client.force_login(learner.user)

    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).text
    quizzes.submit_attempt(attempt=attempt)

    assert "Bà Lan nhận được cuộc gọi lạ." in page
    assert f'name="answer-{questions_of(attempt)[0].pk}"' not in page
    assert "/1 " in page  # one question to answer
    attempt.refresh_from_db()
    assert (attempt.max_score, description.points) == (1, 0)


def test_a_description_is_never_drawn_at_random(category, course, enrolment):
    DescriptionQuestion.objects.create(category=category, name="Tình huống", text="<p>Đọc.</p>")
    question = make_single_choice(category)
    quiz = make_quiz(course, draws=[(category, 2)])

    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)

    assert [answer.question_id for answer in questions_of(attempt)] == [question.pk]


def test_an_attempt_holding_a_numerical_answer_too_large_to_compare_is_graded(category, course, enrolment):
    number = NumericalQuestion.objects.create(
        category=category, name="Số", text="<p>Số khẩn cấp?</p>", answers=number_answer("113", "0.5")
    )
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=make_quiz(course, questions=[number]))
    (answer,) = questions_of(attempt)
    answer.response = "1e999999999"  # as saved before numbers were bounded: such attempts were stuck
    answer.save(update_fields=["response"])

    quizzes.submit_attempt(attempt=attempt)

    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, questions_of(attempt)[0].share) == (AttemptState.GRADED, 0, 0)


def test_answers_for_question_ids_that_are_no_ids_are_refused(client, course, enrolment, category, learner):
    attempt = quizzes.start_attempt(
        enrolment=enrolment, quiz=make_quiz(course, questions=[make_single_choice(category)])
    )
    client.force_login(learner.user)

    response = client.post(reverse("quiz_save", args=[attempt.pk]), {"shown": ["²"], "answer-²": "a"})

    assert response.status_code == 403
