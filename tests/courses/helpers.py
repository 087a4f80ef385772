"""Course factories for tests: a published catalogue, courses with lessons, learners linked to people; two requests
run side by side."""

import itertools
import json
import threading
from decimal import Decimal

from courses.models import CourseIndexPage, CoursePage, LessonPage, QuizPage, QuizSlot, SingleChoiceQuestion
from home.models import HomePage
from tests.factories import make_learner, make_person

_sequence = itertools.count(1)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_catalogue():
    return publish(HomePage.objects.get(), CourseIndexPage(title="Khóa học", slug="khoa-hoc"))


def make_lesson(course, **fields):
    n = next(_sequence)
    defaults = {
        "title": f"Bài học {n}",
        "slug": f"bai-hoc-{n}",
        "body": json.dumps([{"type": "paragraph", "value": f"<p>Nội dung bài học {n}.</p>"}]),
    }
    return publish(course, LessonPage(**{**defaults, **fields}))


def make_course(catalogue, *, lessons=2, **fields):
    """Publish a course under ``catalogue`` with ``lessons`` published, required lessons."""
    n = next(_sequence)
    defaults = {
        "title": f"Khóa học thử {n}",
        "slug": f"khoa-hoc-thu-{n}",
        "summary": "Một khóa học để thử.",
        "estimated_hours": Decimal("2.5"),
    }
    course = publish(catalogue, CoursePage(**{**defaults, **fields}))
    for _lesson in range(lessons):
        make_lesson(course)
    return course


def make_learner_person(unit, **fields):
    """A person on ``unit``'s list linked to a new learner account."""
    return make_person(unit=unit, user=make_learner(), **fields)


def choice_blocks(*items):
    """StreamField data of choices: each item is (id, text, correct)."""
    return [
        {"type": "choice", "id": choice_id, "value": {"text": text, "correct": correct, "feedback": f"Về {text}"}}
        for choice_id, text, correct in items
    ]


def make_single_choice(category, name=None, *, points=1, right="a", **fields):
    """A single choice question whose choices have the ids "a", "b", "c"; ``right`` is the correct one."""
    n = next(_sequence)
    return SingleChoiceQuestion.objects.create(
        category=category,
        name=name or f"Câu {n}",
        text=f"<p>Câu hỏi số {n}?</p>",
        points=Decimal(points),
        choices=choice_blocks(*((key, f"Phương án {key}", key == right) for key in "abc")),
        **fields,
    )


def make_quiz(course, *, questions=(), draws=(), **fields):
    """Publish a quiz in ``course`` with fixed ``questions`` and ``draws`` of (category, count)."""
    n = next(_sequence)
    defaults = {
        "title": f"Bài kiểm tra {n}",
        "slug": f"bai-kiem-tra-{n}",
        "shuffle_questions": False,
        "attempts_allowed": 0,
    }
    quiz = QuizPage(**{**defaults, **fields})
    quiz.slots = [QuizSlot(question=question) for question in questions] + [
        QuizSlot(category=category, count=count) for category, count in draws
    ]
    return publish(course, quiz)


def accepting(*texts):
    """The answers of a short answer question that accepts each of ``texts`` for full marks."""
    return [("answer", {"text": text, "weight": Decimal(100), "feedback": ""}) for text in texts]


def number_answer(value, tolerance=0):
    """The answers of a numerical question right within ``value`` ± ``tolerance``."""
    return [
        ("answer", {"value": Decimal(value), "tolerance": Decimal(tolerance), "weight": Decimal(100), "feedback": ""})
    ]


def run_side_by_side(*requests):
    """Run each function in a thread of its own, all at once, and wait for them (30 s at most each)."""
    threads = [threading.Thread(target=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
