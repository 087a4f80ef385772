"""Demo targets: the four plans of the kind organisers are judged by, and a year of monthly snapshots."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage
from lms.demo import DEMO_PROVINCE_CODE
from lms.models import PersonCategory, Unit, UnitLevel
from lms.services import CENTRAL_UNIT_CODE
from targets import services
from targets.models import Target, TargetThreshold

FULL_TIME = "chuyen-trach"
HEAD_OF_AREA = "truong-ban-cong-tac-mat-tran"


def demo_targets():
    """(fields, category codes, course slugs, level thresholds) of each demo target."""
    this_year = timezone.localdate().year
    return [
        (
            {
                "slug": "chuyen-trach-ky-nang-so-2025",
                "name": "100% cán bộ chuyên trách được tập huấn, bồi dưỡng kỹ năng số",
                "unit_code": DEMO_PROVINCE_CODE,
                "levels": [UnitLevel.PROVINCE, UnitLevel.COMMUNE],
                "min_records": 1,
                "starts_on": date(2021, 1, 1),
                "deadline": date(2025, 12, 31),
            },
            [FULL_TIME],
            [],
            {},
        ),
        (
            {
                "slug": "3-lan-nhiem-ky-2025-2030",
                "name": "100% cán bộ chuyên trách và Trưởng Ban công tác Mặt trận được tập huấn ít nhất 03 lần "
                "trong nhiệm kỳ 2025-2030",
                "unit_code": DEMO_PROVINCE_CODE,
                "min_records": 3,
                "window_start": date(2025, 1, 1),
                "window_end": date(2030, 12, 31),
                "starts_on": date(2025, 1, 1),
                "deadline": date(2030, 12, 31),
            },
            [FULL_TIME, HEAD_OF_AREA],
            [],
            {},
        ),
        (
            {
                "slug": f"50-phan-tram-nam-{this_year}",
                "name": f"Ít nhất 50% cán bộ được bồi dưỡng trong năm {this_year}",
                "unit_code": CENTRAL_UNIT_CODE,
                "min_records": 1,
                "window_start": date(this_year, 1, 1),
                "window_end": date(this_year, 12, 31),
                "threshold": 50,
                "starts_on": date(this_year, 1, 1),
                "deadline": date(this_year, 12, 31),
            },
            [],
            [],
            {},
        ),
        (
            {
                "slug": "ky-nang-so-co-ban-theo-cap",
                "name": "Cán bộ hoàn thành khóa Kỹ năng số cơ bản: tỉnh 90%, xã 80%, khu dân cư 60%",
                "unit_code": DEMO_PROVINCE_CODE,
                "threshold": 90,
                "starts_on": date(2026, 1, 1),
                "deadline": date(2027, 6, 30),
            },
            [],
            ["ky-nang-so-co-ban"],
            {UnitLevel.PROVINCE: 90, UnitLevel.COMMUNE: 80, UnitLevel.RESIDENTIAL_AREA: 60},
        ),
    ]


@transaction.atomic
def seed_demo_targets():
    """Create the demo targets that do not exist yet (by slug), each with a snapshot at the end of each of
    the last twelve months since it started, so the dashboard shows a trend. Idempotent."""
    today = timezone.localdate()
    for fields, category_codes, course_slugs, thresholds in demo_targets():
        fields = dict(fields)
        unit = Unit.objects.get(code=fields.pop("unit_code"))
        target, created = Target.objects.get_or_create(slug=fields.pop("slug"), defaults={"unit": unit, **fields})
        if not created:
            continue
        target.categories.set(PersonCategory.objects.filter(code__in=category_codes))
        target.courses.set(CoursePage.objects.filter(slug__in=course_slugs))
        target.save()  # parental many-to-many relations are written when the target is saved
        TargetThreshold.objects.bulk_create(
            TargetThreshold(target=target, level=level, percent=percent) for level, percent in thresholds.items()
        )
        for month_end in month_ends(today, 12):
            if month_end >= target.starts_on:
                services.take_snapshot(target=target, as_of=month_end)


def month_ends(today, count):
    """The last days of the ``count`` months before this one, oldest first."""
    ends = []
    day = today.replace(day=1) - timedelta(days=1)
    for _month in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends[::-1]
