import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses import quizzes
from courses.demo_content import COURSES
from courses.models import Attempt, CourseAssignment, CoursePage, Enrolment
from lms import ledger
from lms.demo import DEMO_COMMUNE_CODE
from lms.models import Person, TrainingRecord
from tests.e2e.test_organisation import log_in

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 360


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def answer_right(phone, answer):
    """Give the right answer to one question of an attempt, as a learner would on the page."""
    response = answer.as_question.right_response()
    name = f"answer-{answer.pk}"
    if isinstance(response, dict):
        for item, pair in response.items():
            phone.locator(f'select[name="{name}-{item}"]').select_option(pair)
    elif isinstance(response, bool):
        phone.locator(f'input[name="{name}"][value="{str(response).lower()}"]').check()
    elif isinstance(response, list):
        for choice in response:
            phone.locator(f'input[name="{name}"][value="{choice}"]').check()
    elif answer.frozen["type"].endswith("singlechoicequestion"):
        phone.locator(f'input[name="{name}"][value="{response}"]').check()
    else:
        phone.locator(f'[name="{name}"]').fill(response)
        phone.locator(f'[name="{name}"]').blur()


def saved_in_time(attempt, count, seconds=10):
    """Whether ``count`` answers of ``attempt`` are saved within ``seconds`` (autosaves run in parallel)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if attempt.questions.filter(response__isnull=False).count() == count:
            return True
        time.sleep(0.2)
    return False


def test_the_demo_learner_finishes_a_course_and_passes_its_quiz_on_a_phone(demo_site, phone):
    course = CoursePage.objects.get(slug=COURSES[1]["slug"])
    lessons = list(course.lessons())
    quiz = course.quizzes().get()
    log_in(phone, demo_site, "hocvien")
    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))
    assert fits_the_phone(phone)

    # "Khóa học của tôi" says where to go on: the second lesson (the first is done).
    phone.get_by_role("link", name=re.compile(re.escape(lessons[1].title))).first.click()
    for lesson in lessons[1:]:
        expect(phone.get_by_role("heading", level=1)).to_have_text(lesson.title)
        assert fits_the_phone(phone)
        phone.get_by_role("button", name="Đánh dấu đã học xong").click()

    # The lessons are done; the course is not complete until its quiz is passed.
    expect(phone.get_by_role("heading", level=1)).to_have_text(course.title)
    learner = Person.objects.get(user__username="hocvien")
    enrolment = Enrolment.objects.get(person=learner, course=course)
    assert enrolment.completed_at is None
    phone.get_by_role("link", name=re.compile(re.escape(quiz.title))).first.click()
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(phone.get_by_text("Câu 1", exact=False).first).to_be_visible()
    assert fits_the_phone(phone)

    # Each answer is saved as it is given: the page can be left and taken up again.
    attempt = Attempt.objects.get(enrolment=enrolment, quiz=quiz)
    answers = list(attempt.questions.order_by("position"))
    for answer in answers:
        answer_right(phone, answer)
    expect(phone.locator("[data-answered]")).to_have_text(str(len(answers)))
    expect(phone.locator("[data-save-state]")).to_contain_text("Đã lưu lúc")
    assert saved_in_time(attempt, len(answers))
    phone.reload()
    expect(phone.locator("input:checked").first).to_be_visible()

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Nộp bài").click()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("kết quả")
    expect(phone.get_by_text("100", exact=False).first).to_be_visible()
    expect(phone.get_by_text("Đạt", exact=True)).to_be_visible()
    assert fits_the_phone(phone)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert TrainingRecord.objects.filter(person=learner, source_key=ledger.course_key(course.pk)).count() == 1

    # The course's certificate, signed, is theirs to download.
    phone.goto(demo_site + reverse("my_courses"))
    expect(phone.get_by_text(course.title).first).to_be_visible()
    downloads = phone.get_by_role("link", name="Tải giấy chứng nhận (PDF)")
    expect(downloads).to_have_count(2)
    with phone.expect_download() as download:
        downloads.first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert fits_the_phone(phone)


def test_a_learner_finds_a_course_without_diacritics_and_cannot_enrol_in_an_assigned_one(demo_site, phone):
    assigned = CoursePage.objects.get(slug=COURSES[2]["slug"])
    log_in(phone, demo_site, "hocvien")

    phone.goto(demo_site + "/khoa-hoc/?q=chu+ky+so")
    phone.get_by_role("link", name=assigned.title).click()

    expect(phone.get_by_text("Khóa học này chỉ dành cho những người được Ban tổ chức phân công.")).to_be_visible()
    expect(phone.get_by_role("button", name="Đăng ký khóa học")).to_have_count(0)
    assert fits_the_phone(phone)


def test_the_demo_organiser_assigns_a_course_to_their_commune_and_watches_it_finish(demo_site, phone):
    phone.set_viewport_size({"width": 1280, "height": 900})
    course = CoursePage.objects.get(slug=COURSES[2]["slug"])
    log_in(phone, demo_site, "tochuc", admin=True)
    phone.goto(demo_site + reverse("courses_assignment:add"))

    phone.get_by_label("Khóa học").select_option(label=course.title)
    phone.get_by_role("button", name=re.compile("Chọn đơn vị|Choose a unit")).click()
    phone.get_by_role("link", name=re.compile("Phường Phan Đình Phùng")).first.click()
    phone.get_by_label("Cán bộ chuyên trách").check()
    phone.get_by_role("button", name="Phân công và ghi danh").click()

    expect(phone.locator("strong", has_text=re.compile("^Xong$"))).to_be_visible()
    assignment = CourseAssignment.objects.get(course=course)
    chosen = Person.objects.filter(
        unit__code__startswith=DEMO_COMMUNE_CODE, category__code="chuyen-trach", is_active=True
    )
    # Only those who completed the course's prerequisite are enrolled; the others are listed on the page.
    (prerequisite,) = COURSES[2]["prerequisites"]
    ready = chosen.filter(enrolments__course__slug=prerequisite, enrolments__completed_at__isnull=False)
    assert assignment.enrolments.count() == ready.count() > 0
    assert set(Enrolment.objects.filter(course=course).values_list("person_id", flat=True)) == set(
        ready.values_list("pk", flat=True)
    )
    lacking = chosen.exclude(pk__in=ready).first()
    expect(phone.get_by_text(lacking.full_name).first).to_be_visible()


def test_the_review_shows_the_learners_wrong_choice_in_red_words_on_a_phone(demo_site, phone):
    learner = Person.objects.get(user__username="hocvien")
    course = CoursePage.objects.get(slug=COURSES[1]["slug"])
    enrolment = Enrolment.objects.get(person=learner, course=course)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=course.quizzes().get())
    single = next(
        answer for answer in attempt.questions.all() if answer.frozen["type"].endswith("singlechoicequestion")
    )
    right = single.as_question.right_response()
    single.response = next(choice.id for choice in single.as_question.choices if choice.id != right)
    single.save(update_fields=["response"])
    quizzes.submit_attempt(attempt=attempt)
    log_in(phone, demo_site, "hocvien")

    phone.goto(demo_site + reverse("quiz_attempt_result", args=[attempt.pk]))

    chosen = phone.locator(f"#question-{single.position} label.is-wrong")
    expect(chosen).to_be_visible()
    expect(chosen.locator(".verdict")).to_have_text("✗ bạn đã chọn: sai")
    assert chosen.evaluate("label => getComputedStyle(label).backgroundColor") == "rgb(253, 236, 234)"
    assert chosen.locator(".verdict").evaluate("verdict => getComputedStyle(verdict).color") == "rgb(185, 28, 28)"
    expect(phone.locator(f"#question-{single.position} label.is-correct .verdict")).to_have_text("✓ đáp án đúng")
    assert fits_the_phone(phone)


def test_the_demo_learner_sees_an_overdue_course_and_opens_its_next_step_on_a_phone(demo_site, phone):
    course = CoursePage.objects.get(slug=COURSES[1]["slug"])
    learner = Person.objects.get(user__username="hocvien")
    Enrolment.objects.filter(person=learner, course=course).update(due_date=timezone.localdate() - timedelta(days=2))
    log_in(phone, demo_site, "hocvien")
    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))

    card = phone.locator(".card--overdue")
    expect(card).to_contain_text(course.title)
    expect(card).to_contain_text("Quá hạn")
    assert fits_the_phone(phone)
    button = card.locator(".next-step .button")
    assert button.bounding_box()["width"] >= 280  # the whole width of the card: easy to tap
    button.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(list(course.lessons())[1].title)
