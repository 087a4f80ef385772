"""Autosave on a phone with a bad connection: the answer waits on the phone, survives a reload, and the phone
waits longer between each retry while the server fails."""

import itertools
import re
import time

import pytest
from playwright.sync_api import expect

from courses.demo_content import COURSES
from courses.models import Attempt, CoursePage
from tests.e2e.test_courses import answer_right
from tests.e2e.test_organisation import log_in

pytestmark = pytest.mark.e2e

SAVES = "**/lan-lam-bai/*/luu/"


def response_of(answer):
    answer.refresh_from_db()
    return answer.response


def test_an_answer_given_offline_survives_a_reload_and_is_saved_when_the_server_answers_again(demo_site, phone):
    course = CoursePage.objects.get(slug=COURSES[1]["slug"])
    quiz = course.quizzes().get()
    log_in(phone, demo_site, "hocvien")
    expect(phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))
    phone.goto(demo_site + quiz.url)
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    # the page's deferred script runs once the clock counts down instead of saying when the time ends
    expect(phone.locator("[data-seconds-left]")).not_to_have_text(re.compile("lúc"))
    attempt = Attempt.objects.get(enrolment__person__user__username="hocvien", quiz=quiz)
    first, second = attempt.questions.order_by("position")[:2]
    first_state = phone.locator("#question-1 [data-answer-state]")

    # Offline: the answer waits on the phone, and says so.
    phone.context.set_offline(True)
    answer_right(phone, first)
    expect(first_state).to_have_text("Đang chờ gửi")
    expect(phone.locator("[data-save-state]")).to_contain_text("Chưa lưu")

    # The connection is back but saves still fail; the page is reloaded: the answer is still there, waiting.
    phone.route(SAVES, lambda route: route.abort())
    phone.context.set_offline(False)
    phone.reload()
    expect(first_state).to_have_text("Đang chờ gửi")
    assert response_of(first) is None

    # The server is overwhelmed: each retry comes later than the one before.
    tries = []

    def overwhelmed(route):
        tries.append(time.monotonic())
        route.fulfill(status=503, body="<h1>Service Unavailable</h1>", content_type="text/html")

    phone.unroute(SAVES)
    phone.route(SAVES, overwhelmed)
    deadline = time.monotonic() + 30
    while len(tries) < 3 and time.monotonic() < deadline:
        phone.wait_for_timeout(200)
    assert len(tries) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert gaps[0] >= 0.9
    assert gaps[1] >= gaps[0]

    # The server answers again: at the next retry the waiting answer, and one given meanwhile, are saved.
    phone.unroute(SAVES)
    answer_right(phone, second)
    expect(first_state).to_have_text("Đã lưu", timeout=40_000)
    expect(phone.locator("#question-2 [data-answer-state]")).to_have_text("Đã lưu")
    assert response_of(first) is not None
    assert response_of(second) is not None
    assert phone.evaluate("Object.keys(window.localStorage).filter(k => k.startsWith('quiz-answers:')).length") == 0
