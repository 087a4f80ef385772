"""Server time of the learner's course pages with the demo data, and a 100,000-person course assignment.

    .venv/bin/python bench/courses.py [--requests 50] [--people 100000]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by
DATABASE_URL, whose tables it drops first), loads `seed_demo`, then, logged in as the demo learner,
requests each page through Django's whole stack (middleware, sessions, templates) with DEBUG off
and prints the median, the 90th percentile and the number of queries. Then it adds people to
one commune until it has --people, assigns the demo's assigned-only course to the commune and
times the background job's work (run in this process).
"""

import argparse
import statistics
import time

from demo_database import prepare_database


def time_pages(requests):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.demo_content import COURSES
    from courses.models import CoursePage

    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/tai-khoan/login/", {"username": "hocvien", "password": "MatTran@2026"})
    course = CoursePage.objects.get(slug=COURSES[1]["slug"])
    lesson = course.lessons().first()
    pages = {
        "catalogue": "/khoa-hoc/",
        "course page": course.url,
        "lesson page": lesson.url,
        "my courses": "/khoa-hoc-cua-toi/",
    }
    print(f"{'page':<14} {'median ms':>10} {'p90 ms':>8} {'queries':>8}  ({requests} requests each, 3 to warm up)")
    for name, url in pages.items():
        for _warm_up in range(3):
            assert client.get(url).status_code == 200, url
        durations = []
        for _request in range(requests):
            started = time.perf_counter()
            client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p90 = statistics.quantiles(durations, n=10)[-1]
        print(f"{name:<14} {statistics.median(durations):>10.1f} {p90:>8.1f} {len(queries):>8}")


def time_assignment(people):
    from django.contrib.auth import get_user_model

    from courses.demo_content import COURSES
    from courses.models import CoursePage
    from courses.services import enrol_assigned_people
    from lms.demo import DEMO_COMMUNE_CODE
    from lms.models import BackgroundJob, Person, PersonCategory, Unit

    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    areas = list(Unit.objects.in_unit(commune).filter(depth=commune.depth + 1))
    category = PersonCategory.objects.get(code="chuyen-trach")
    missing = people - Person.objects.in_unit(commune).count()
    new_people = [
        Person(full_name=f"Nguyễn Văn Thử {number}", unit=areas[number % len(areas)], category=category)
        for number in range(missing)
    ]
    for person in new_people:
        person.prepare_for_save()
    Person.objects.bulk_create(new_people, batch_size=5000)

    course = CoursePage.objects.get(slug=COURSES[2]["slug"])
    organiser = get_user_model().objects.get(username="tochuc")
    job = BackgroundJob.objects.create(kind="courses.courseassignment", created_by=organiser)
    assignment = course.assignments.create(job=job, unit=commune)
    started = time.perf_counter()
    enrol_assigned_people(assignment)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    enrolled = assignment.enrolments.count()
    print(
        f"assignment of {job.total:,} people: {enrolled:,} enrolled in {elapsed:.1f} s "
        f"({enrolled / elapsed:,.0f} a second)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--people", type=int, default=100_000)
    options = parser.parse_args()

    prepare_database("courses")
    time_pages(options.requests)
    time_assignment(options.people)


if __name__ == "__main__":
    main()
