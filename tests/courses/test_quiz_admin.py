"""Quizzes in the admin: trainers grade essays from a queue, statistics per quiz and per question, all
scoped to the viewer's units."""

import io
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from courses import quizzes, services
from courses.models import AttemptState, EssayQuestion, QuestionCategory, QuizPage
from lms.models import TrainingRecord
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, make_quiz, make_single_choice
from tests.exports import FORMULA_NAME, NEUTRALISED, exported_formula_cell, exported_rows
from tests.factories import make_admin_user_without_a_role, make_organiser, make_trainer, make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Kỹ năng số")


@pytest.fixture
def course():
    return make_course(make_catalogue(), lessons=0)


def logged_in(client, user):
    client.force_login(user)
    return client


def submitted(course, quiz, unit, answers, **person_fields):
    """A new learner of ``unit`` takes ``quiz``: ``answers`` are the responses in question order."""
    enrolment = services.enrol(person=make_learner_person(unit, **person_fields), course=course)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    data = QueryDict(mutable=True)
    for answer, response in zip(attempt.questions.order_by("position"), answers, strict=True):
        data.appendlist("shown", str(answer.pk))
        data[f"answer-{answer.pk}"] = response
    quizzes.save_answers(attempt=attempt, data=data)
    return quizzes.submit_attempt(attempt=attempt)[0]


# Essays


@pytest.fixture
def essay_quiz(category, course):
    essay = EssayQuestion.objects.create(
        category=category,
        name="Hướng dẫn VNeID",
        text="<p>Anh/chị hướng dẫn bà con cài VNeID thế nào?</p>",
        points=Decimal(2),
        grading_notes="Đủ 3 bước: tải ứng dụng, đăng ký, kích hoạt.",
    )
    return make_quiz(course, questions=[make_single_choice(category), essay], pass_mark=60)


def test_a_trainer_grades_an_essay_and_the_attempt_passes_and_completes_the_course(client, tree, course, essay_quiz):
    attempt = submitted(course, essay_quiz, tree["area"], ["a", "Tải ứng dụng, đăng ký rồi kích hoạt."])
    assert (attempt.state, attempt.score) == (AttemptState.AWAITING_GRADING, None)
    trainer = logged_in(client, make_trainer(is_staff=True, managed_unit=tree["commune"]))

    queue = trainer.get(reverse("courses_quiz:essays"))
    (answer,) = queue.context["object_list"]
    form_page = trainer.get(reverse("courses_quiz:grade", args=[answer.pk]))
    too_many = trainer.post(reverse("courses_quiz:grade", args=[answer.pk]), {"points": "2.5", "feedback": ""})
    graded = trainer.post(
        reverse("courses_quiz:grade", args=[answer.pk]), {"points": "1.5", "feedback": "Thiếu bước kích hoạt."}
    )

    assert "Tải ứng dụng, đăng ký rồi kích hoạt." in form_page.text
    assert "Đủ 3 bước" in form_page.text
    assert too_many.status_code == 200
    assert too_many.context["form"].errors["points"]
    assert graded.status_code == 302
    attempt.refresh_from_db()
    answer.refresh_from_db()
    assert (answer.share, answer.grader_feedback) == (Decimal("0.75"), "Thiếu bước kích hoạt.")
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.GRADED, Decimal("2.5"), True)
    assert attempt.enrolment.__class__.objects.get(pk=attempt.enrolment_id).completed_at is not None
    assert TrainingRecord.objects.filter(person=attempt.enrolment.person).count() == 1
    assert list(trainer.get(reverse("courses_quiz:essays")).context["object_list"]) == []


def test_the_attempt_waits_until_its_last_essay_is_graded(client, tree, category, course):
    essays = [EssayQuestion.objects.create(category=category, name=f"Tự luận {n}", text="<p>?</p>") for n in (1, 2)]
    quiz = make_quiz(course, questions=essays)
    attempt = submitted(course, quiz, tree["area"], ["Một", "Hai"])
    first, second = attempt.questions.order_by("position")
    trainer = make_trainer(is_staff=True, managed_unit=tree["commune"])

    quizzes.grade_essay(answer=first, points=Decimal(1), feedback="", user=trainer)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (AttemptState.AWAITING_GRADING, None)
    quizzes.grade_essay(answer=second, points=Decimal(0), feedback="", user=trainer)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.GRADED, 1, False)


def test_essays_of_other_units_are_neither_listed_nor_gradable(client, tree, course, essay_quiz):
    attempt = submitted(course, essay_quiz, tree["other_commune"], ["a", "Bài của xã khác"])
    answer = attempt.questions.get(share__isnull=True)
    trainer = logged_in(client, make_trainer(is_staff=True, managed_unit=tree["commune"]))

    assert list(trainer.get(reverse("courses_quiz:essays")).context["object_list"]) == []
    assert trainer.get(reverse("courses_quiz:grade", args=[answer.pk])).status_code == 404
    assert trainer.post(reverse("courses_quiz:grade", args=[answer.pk]), {"points": "2"}).status_code == 404
    answer.refresh_from_db()
    assert answer.share is None


def test_organisers_see_statistics_but_do_not_grade(client, tree, course, essay_quiz):
    submitted(course, essay_quiz, tree["area"], ["a", "Bài làm"])
    organiser = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["commune"]))

    assert organiser.get(reverse("courses_quiz:index")).status_code == 200
    assert organiser.get(reverse("courses_quiz:statistics", args=[essay_quiz.pk])).status_code == 200
    refused = organiser.get(reverse("courses_quiz:essays"))
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))


# Statistics


@pytest.fixture
def two_question_quiz(category, course):
    return make_quiz(
        course, questions=[make_single_choice(category, "Câu A"), make_single_choice(category, "Câu B")], pass_mark=50
    )


RIGHT_AND_WRONG = [["a", "a"], ["a", "b"], ["b", "a"], ["b", "b"], ["a", "b"]]  # 100, 50, 50, 0, 50 %


def test_statistics_of_a_quiz_and_its_questions(client, tree, course, two_question_quiz):
    for answers in RIGHT_AND_WRONG:
        submitted(course, two_question_quiz, tree["area"], answers)
    submitted(course, two_question_quiz, tree["other_commune"], ["b", "b"])  # outside the organiser's commune
    organiser = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["commune"]))

    page = organiser.get(reverse("courses_quiz:statistics", args=[two_question_quiz.pk]))

    context = page.context
    assert (context["attempts"], context["mean"], context["median"], context["pass_rate"]) == (5, 50, 50, 80)
    rows = {row["name"]: (row["answers"], row["facility"], row["discrimination"]) for row in context["questions"]}
    # The best attempt (100%) got both right, the worst (0%) both wrong.
    assert rows == {"Câu A": (5, Decimal("0.60"), Decimal("1.00")), "Câu B": (5, Decimal("0.40"), Decimal("1.00"))}
    listing = organiser.get(reverse("courses_quiz:index")).context["object_list"]
    assert [(quiz.title, quiz.graded_count) for quiz in listing] == [(two_question_quiz.title, 5)]


def test_the_discrimination_index_is_negative_for_a_question_the_weak_get_right(client, tree, course, category):
    tricky, sound = make_single_choice(category, "Câu đánh đố"), make_single_choice(category, "Câu tốt")
    extra = [make_single_choice(category, f"Câu {n}") for n in range(2)]
    quiz = make_quiz(course, questions=[tricky, sound, *extra], pass_mark=50)
    # Best: everything right but the tricky one; worst: only the tricky one right.
    for answers in (["b", "a", "a", "a"], ["b", "a", "a", "b"], ["a", "b", "b", "b"], ["a", "b", "b", "b"]):
        submitted(course, quiz, tree["area"], answers)
    superuser = logged_in(client, make_organiser(is_staff=True, is_superuser=True))

    rows = {
        row["name"]: row
        for row in superuser.get(reverse("courses_quiz:statistics", args=[quiz.pk])).context["questions"]
    }

    assert rows["Câu đánh đố"]["discrimination"] == Decimal("-1.00")
    assert rows["Câu tốt"]["discrimination"] == Decimal("1.00")


def test_the_statistics_export_as_xlsx(client, tree, course, two_question_quiz):
    for answers in RIGHT_AND_WRONG:
        submitted(course, two_question_quiz, tree["area"], answers)
    organiser = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["commune"]))

    response = organiser.get(reverse("courses_quiz:statistics", args=[two_question_quiz.pk]), {"export": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert response["Content-Disposition"].endswith('.xlsx"')
    values = {row[0]: row[1:] for row in rows if row and row[0]}
    assert values["Câu A"][:2] == (5, 0.6)
    assert values["Câu B"][:2] == (5, 0.4)
    assert 5 in values[rows[1][0]]  # the attempts, first line under the headings


def test_learners_and_other_units_see_no_statistics(client, tree, course, two_question_quiz):
    submitted(course, two_question_quiz, tree["area"], ["a", "a"])
    learner = make_learner_person(tree["area"])
    other = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["other_commune"]))

    assert other.get(reverse("courses_quiz:statistics", args=[two_question_quiz.pk])).context["attempts"] == 0
    client.force_login(learner.user)
    refused = client.get(reverse("courses_quiz:statistics", args=[two_question_quiz.pk]))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("wagtailadmin_login"))


# The reports' refusals, exports and queries


def test_a_learner_and_an_organiser_without_the_grading_permission_are_refused_the_essay_queue(
    client, tree, course, essay_quiz
):
    submitted(course, essay_quiz, tree["area"], ["a", "Bài làm"])
    assert (
        logged_in(client, make_trainer(is_staff=True, managed_unit=tree["commune"]))
        .get(reverse("courses_quiz:essays_results"))
        .status_code
        == 200
    )

    client.force_login(make_organiser(is_staff=True, managed_unit=tree["commune"]))
    for view in ("courses_quiz:essays", "courses_quiz:essays_results"):
        refused = client.get(reverse(view), {"export": "csv"})
        assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
    client.force_login(make_learner_person(tree["area"]).user)
    assert client.get(reverse("courses_quiz:index"))["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_learner_and_an_admin_user_without_a_role_are_refused_the_quiz_list_and_its_export(client, tree):
    organiser = make_organiser(is_staff=True, managed_unit=tree["commune"])
    for query in ({}, {"export": "xlsx"}, {"export": "csv"}):
        client.force_login(organiser)
        assert client.get(reverse("courses_quiz:index"), query).status_code == 200

        client.force_login(make_learner_person(tree["area"]).user)
        refused = client.get(reverse("courses_quiz:index"), query)
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("wagtailadmin_login"))

        client.force_login(make_admin_user_without_a_role(tree["commune"]))
        refused = client.get(reverse("courses_quiz:index"), query)
        assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))


def test_the_quiz_list_counts_nothing_of_another_commune(client, tree, course, two_question_quiz):
    submitted(course, two_question_quiz, tree["area"], ["a", "a"])
    other = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["other_commune"]))

    listing = other.get(reverse("courses_quiz:index")).context["object_list"]

    assert [(quiz.title, quiz.course_title, quiz.graded_count) for quiz in listing] == [
        (two_question_quiz.title, course.title, 0)
    ]


def test_the_quiz_list_is_filtered_by_course(client, tree, course, two_question_quiz):
    other_course = make_course(course.get_parent(), lessons=0)
    other_quiz = make_quiz(other_course, questions=[make_single_choice(QuestionCategory.objects.get())])
    organiser = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["commune"]))

    everything = organiser.get(reverse("courses_quiz:index")).context["object_list"]
    of_course = organiser.get(reverse("courses_quiz:index_results"), {"course": other_course.pk})

    assert [quiz.title for quiz in everything] == [two_question_quiz.title, other_quiz.title]
    assert [quiz.title for quiz in of_course.context["object_list"]] == [other_quiz.title]


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_the_quiz_list_exports_each_quiz_with_its_counts_and_neutralises_formulas(
    client, tree, course, category, export_format
):
    quiz = make_quiz(course, questions=[make_single_choice(category)], title=FORMULA_NAME)
    for answers in (["a"], ["b"]):
        submitted(course, quiz, tree["area"], answers)
    submitted(course, quiz, tree["other_commune"], ["a"])
    organiser = logged_in(client, make_organiser(is_staff=True, managed_unit=tree["commune"]))

    response = organiser.get(reverse("courses_quiz:index"), {"export": export_format})

    assert exported_rows(response, export_format) == [
        ["Bài kiểm tra", "Khóa học", "Số bài đã chấm", "Đang chờ chấm"],
        [NEUTRALISED["csv"] if export_format == "csv" else FORMULA_NAME, course.title, "2", "0"],
    ]
    assert (
        exported_formula_cell(response_again(organiser, export_format), export_format, "HYPERLINK")
        == (NEUTRALISED[export_format])
    )


def response_again(client, export_format):
    return client.get(reverse("courses_quiz:index"), {"export": export_format})


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_the_essay_queue_exports_the_essays_of_the_subtree_only(client, tree, course, essay_quiz, export_format):
    submitted(course, essay_quiz, tree["area"], ["a", "Bài làm"])
    submitted(course, essay_quiz, tree["other_commune"], ["a", "Bài của xã khác"])
    submitted(course, essay_quiz, tree["area"], ["a", "Bài làm"], full_name=FORMULA_NAME)
    trainer = logged_in(client, make_trainer(is_staff=True, managed_unit=tree["commune"]))

    response = trainer.get(reverse("courses_quiz:essays"), {"export": export_format})

    headings, *rows = exported_rows(response, export_format)
    assert headings == ["Khóa học", "Bài kiểm tra", "Câu hỏi", "Người học", "Đơn vị", "Nộp lúc"]
    assert [row[:5] for row in rows] == [
        [course.title, essay_quiz.title, "2", rows[0][3], "Tổ dân phố 1"],
        [
            course.title,
            essay_quiz.title,
            "2",
            NEUTRALISED["csv"] if export_format == "csv" else FORMULA_NAME,
            "Tổ dân phố 1",
        ],
    ]
    assert rows[0][3].startswith("Nguyễn Văn Thử")
    assert all(row[5] for row in rows)  # when it was submitted
    again = trainer.get(reverse("courses_quiz:essays"), {"export": export_format})
    assert exported_formula_cell(again, export_format, "HYPERLINK") == NEUTRALISED[export_format]


def test_quizzes_of_the_same_name_are_told_apart_by_their_course_in_the_essay_queue_and_statistics(
    client, tree, course, essay_quiz
):
    other_course = make_course(course.get_parent().specific, lessons=0, title="Khóa học VNeID")
    other_quiz = make_quiz(
        other_course, title=essay_quiz.title, questions=[make_single_choice(QuestionCategory.objects.get())]
    )
    attempt = submitted(course, essay_quiz, tree["area"], ["a", "Bài làm"])
    answer = attempt.questions.get(share__isnull=True)
    trainer = logged_in(client, make_trainer(is_staff=True, managed_unit=tree["commune"]))

    queue = trainer.get(reverse("courses_quiz:essays")).text
    grading = trainer.get(reverse("courses_quiz:grade", args=[answer.pk])).text
    statistics = trainer.get(reverse("courses_quiz:statistics", args=[other_quiz.pk])).text

    assert f"{course.title} · {essay_quiz.title} · câu 2" in queue
    assert f">{other_course.title} · {other_quiz.title}</option>" in queue  # the quiz filter
    assert f"{course.title} · {essay_quiz.title} · câu 2" in grading
    assert f"<h2>{other_course.title} · {other_quiz.title}</h2>" in statistics


@pytest.mark.parametrize("view", ["courses_quiz:index", "courses_quiz:essays"])
def test_the_quiz_reports_take_no_more_queries_for_more_rows(
    client, tree, course, essay_quiz, view, django_assert_max_num_queries
):
    trainer = logged_in(client, make_trainer(is_staff=True, managed_unit=tree["commune"]))
    submitted(course, essay_quiz, tree["area"], ["a", "Bài làm"])
    trainer.get(reverse(view))  # fills the caches
    with django_assert_max_num_queries(20) as few:
        assert trainer.get(reverse(view)).status_code == 200

    for number in range(10):
        submitted(course, essay_quiz, tree["area"], ["a", f"Bài {number}"])
        make_quiz(course, questions=[make_single_choice(QuestionCategory.objects.get())])
    with django_assert_max_num_queries(len(few)):
        response = trainer.get(reverse(view))

    assert len(response.context["object_list"]) == 11


def test_a_quiz_offers_its_editor_only_the_questions_and_categories_they_may_use(tree, course):
    banks = {role: QuestionCategory.objects.create(name=role, unit=tree.get(role)) for role in ("shared", "province")}
    theirs = QuestionCategory.objects.create(name="other_province", unit=tree["other_province"])
    usable_questions = {make_single_choice(category) for category in banks.values()}
    their_question = make_single_choice(theirs)
    quiz = make_quiz(course, questions=[their_question])
    trainer = make_trainer(is_staff=True, managed_unit=tree["commune"])

    form = QuizPage.get_edit_handler().get_form_class()(instance=quiz, for_user=trainer)
    slots = form.formsets["slots"]

    for slot_form in (slots.forms[0], slots.empty_form):
        assert set(slot_form.fields["category"].queryset) == set(banks.values())
        assert set(slot_form.fields["question"].queryset) == usable_questions
