"""Server time of saving one answer and of submitting a 30-question attempt, with the demo data.

    .venv/bin/python bench/quiz.py [--requests 50]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by DATABASE_URL,
whose tables it drops first), loads `seed_demo`, adds a 30-question quiz (drawn from the demo bank) to the
demo learner's first course and, logged in as `hocvien`, posts through Django's whole stack with
DEBUG off: the autosave of one answer (--requests times, in one attempt), then the submission of
--requests attempts whose 30 answers were saved first. Prints the median, the 90th percentile
and the number of queries of each.
"""

import argparse
import statistics
import time

from demo_database import prepare_database


def thirty_question_quiz():
    from courses.demo import DEMO_BANK
    from courses.models import CoursePage, QuestionCategory, QuizPage, QuizSlot

    course = CoursePage.objects.get(slug="ky-nang-so-co-ban")
    quiz = QuizPage(title="Bài kiểm tra 30 câu", slug="bai-kiem-tra-30-cau", attempts_allowed=0)
    quiz.slots = [QuizSlot(category=QuestionCategory.objects.get(name=DEMO_BANK, parent=None), count=30)]
    course.add_child(instance=quiz)
    quiz.save_revision().publish()
    return quiz


def right_answers(attempt):
    """The form posting the right answer to every question of ``attempt``."""
    data = {"shown": []}
    for answer in attempt.questions.all():
        question = answer.as_question
        data["shown"].append(str(answer.pk))
        response = question.right_response()
        name = f"answer-{answer.pk}"
        if isinstance(response, dict):
            data.update({f"{name}-{item}": pair for item, pair in response.items()})
        elif isinstance(response, bool):
            data[name] = "true" if response else "false"
        else:
            data[name] = response
    return data


def timed(client, url, data, **headers):
    started = time.perf_counter()
    response = client.post(url, data, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 302), (url, response.status_code)
    return elapsed


def counted_queries(client, url, data, **headers):
    """The number of queries of one request (the test client empties the query log when a request starts)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.post(url, data, headers=headers)
    return len(captured)


def report(name, durations, queries):
    p90 = statistics.quantiles(durations, n=10)[-1]
    print(f"{name:<32} {statistics.median(durations):>10.1f} {p90:>8.1f} {queries:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    options = parser.parse_args()
    prepare_database("quiz")

    from django.test import Client
    from django.urls import reverse

    from courses import quizzes
    from courses.models import AttemptState, Enrolment

    quiz = thirty_question_quiz()
    enrolment = Enrolment.objects.get(person__user__username="hocvien", course=quiz.get_parent())
    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/tai-khoan/login/", {"username": "hocvien", "password": "MatTran@2026"})
    print(f"{'request':<32} {'median ms':>10} {'p90 ms':>8} {'queries':>8}  ({options.requests} each)")

    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    assert attempt.questions.count() == 30
    answers = right_answers(attempt)
    save_url = reverse("quiz_save", args=[attempt.pk])
    one_each = [
        {"shown": [shown], **{key: value for key, value in answers.items() if key.startswith(f"answer-{shown}")}}
        for shown in answers["shown"]
    ]
    durations = [
        timed(client, save_url, one_each[index % 30], Accept="application/json") for index in range(options.requests)
    ]
    report(
        "save one answer (autosave)",
        durations,
        counted_queries(client, save_url, one_each[0], Accept="application/json"),
    )
    quizzes.submit_attempt(attempt=attempt)

    def answered_attempt():
        """A new attempt with its 30 answers saved; the URL that submits it."""
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
        client.post(reverse("quiz_save", args=[attempt.pk]), right_answers(attempt))
        return reverse("quiz_submit", args=[attempt.pk])

    queries = counted_queries(client, answered_attempt(), {})
    durations = [timed(client, answered_attempt(), {}) for _attempt in range(options.requests)]
    graded = quiz.attempts.filter(enrolment=enrolment, state=AttemptState.GRADED)
    assert graded.filter(passed=True).count() == graded.count() == options.requests + 2
    report("submit a 30-question attempt", durations, queries)


if __name__ == "__main__":
    main()
