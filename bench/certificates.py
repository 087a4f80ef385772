"""Time to render and sign one certificate, and the throughput of a bulk issue of 1,000.

    .venv/bin/python bench/certificates.py [--single 20] [--people 1000]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by DATABASE_URL,
whose tables it drops first) with `seed_demo` loaded. Issues --single certificates one by one and
prints the median and 90th percentile of rendering (WeasyPrint) and signing (pyHanko) each; then
gives --people cadres of the demo commune a completion of the demo course and runs a bulk issue for
the commune as the background job does (in this process), printing certificates per second.
"""

import argparse
import statistics
import time

from demo_database import prepare_database


def completions(count):
    """``count`` new cadres of the demo commune, each with a completion of the demo's first course."""
    from courses.demo_content import COURSES
    from courses.models import CoursePage
    from lms import ledger
    from lms.demo import DEMO_COMMUNE_CODE
    from lms.models import Person, PersonCategory, Unit

    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    course = CoursePage.objects.get(slug=COURSES[0]["slug"])
    category = PersonCategory.objects.get(code="chuyen-trach")
    people = [Person(full_name=f"Nguyễn Thị Thử {number}", unit=commune, category=category) for number in range(count)]
    for person in people:
        person.prepare_for_save()
    people = Person.objects.bulk_create(people, batch_size=1000)
    for person in people:
        ledger.record_course_completion(
            person=person,
            course_id=course.pk,
            title=course.title,
            date=course.first_published_at.date(),
            hours=course.estimated_hours,
            result="",
        )
    return commune, course


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single", type=int, default=20)
    parser.add_argument("--people", type=int, default=1000)
    options = parser.parse_args()
    prepare_database("certificates")

    from certificates import services
    from certificates.models import Certificate, CertificateBatch, CertificateTemplate
    from certificates.rendering import certificate_pdf
    from certificates.signing import sign_pdf
    from lms import ledger
    from lms.models import BackgroundJob, TrainingRecord

    template = CertificateTemplate.objects.get()
    commune, course = completions(options.single + options.people)
    records = list(
        TrainingRecord.objects.filter(
            source_key=ledger.course_key(course.pk), person__full_name__startswith="Nguyễn Thị Thử"
        )
    )
    rendering, signing = [], []
    for record in records[: options.single]:
        certificate, _issued = services.issue_certificate(template=template, record=record)
        started = time.perf_counter()
        pdf = certificate_pdf(certificate)
        rendered = time.perf_counter()
        sign_pdf(pdf)
        rendering.append((rendered - started) * 1000)
        signing.append((time.perf_counter() - rendered) * 1000)
    print(f"{'one certificate':<24} {'median ms':>10} {'p90 ms':>8}  ({options.single} certificates)")
    for name, durations in (("render (WeasyPrint)", rendering), ("sign (pyHanko)", signing)):
        p90 = statistics.quantiles(durations, n=10)[-1]
        print(f"{name:<24} {statistics.median(durations):>10.1f} {p90:>8.1f}")
    totals = [r + s for r, s in zip(rendering, signing, strict=True)]
    print(f"{'render and sign':<24} {statistics.median(totals):>10.1f} {statistics.quantiles(totals, n=10)[-1]:>8.1f}")

    before = Certificate.objects.count()
    job = BackgroundJob.objects.create(kind="certificates.certificatebatch")
    batch = CertificateBatch.objects.create(job=job, template=template, course=course, unit=commune)
    started = time.perf_counter()
    services.run_batch(batch)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    issued = Certificate.objects.count() - before
    print(
        f"bulk issue of {job.total:,} completions: {issued:,} new certificates, {job.done:,} in the ZIP, "
        f"{job.failed} failed, in {elapsed:.1f} s ({job.done / elapsed:.1f} a second)"
    )


if __name__ == "__main__":
    main()
