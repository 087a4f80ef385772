import itertools
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

from certificates.models import Certificate, CertificateBatch, CertificateTemplate
from courses.models import Attempt, AttemptQuestion, CourseAssignment, Enrolment, EnrolmentSource, QuestionCategory
from lms.models import Person, TrainingRecord, TrainingSession, Unit, UnitLogEntry
from targets.models import CoverageSnapshot, SnapshotCount, Target
from tests.courses.helpers import make_catalogue, make_course, make_quiz, make_single_choice
from tests.factories import (
    make_job,
    make_organiser,
    make_person,
    make_session,
    make_trainings,
    make_unit_tree,
    make_user,
)

pytestmark = pytest.mark.django_db

_sequence = itertools.count(1)
REPOSITORY = Path(__file__).resolve().parents[2]


class Shared:
    """What the rows of the scoped models hang from besides their unit, made when first asked for: a course
    with a quiz, a certificate template, a target's snapshot."""

    def __init__(self, central):
        self.central = central

    @cached_property
    def course(self):
        return make_course(make_catalogue(), lessons=0)

    @cached_property
    def quiz(self):
        return make_quiz(self.course)

    @cached_property
    def question(self):
        return make_single_choice(QuestionCategory.objects.create(name="Chung"))

    @cached_property
    def template(self):
        return CertificateTemplate.objects.create(name="MTTQ", issuer="ỦY BAN MTTQ", place="Hà Nội")

    @cached_property
    def snapshot(self):
        return CoverageSnapshot.objects.create(target=make_target(self.central), taken_on=date(2026, 3, 1))


def make_target(unit):
    n = next(_sequence)
    return Target.objects.create(
        name=f"Chỉ tiêu {n}", slug=f"chi-tieu-{n}", unit=unit, starts_on=date(2026, 1, 1), deadline=date(2030, 1, 1)
    )


def make_record(unit, shared):
    (record,) = make_trainings(make_person(unit=unit), day=date(2026, 3, 1))
    return record


def make_enrolment(unit, shared):
    return Enrolment.objects.create(person=make_person(unit=unit), course=shared.course, source=EnrolmentSource.SELF)


def make_attempt(unit, shared):
    return Attempt.objects.create(
        enrolment=make_enrolment(unit, shared), quiz=shared.quiz, number=1, started_at=timezone.now()
    )


def make_attempt_question(unit, shared):
    attempt = make_attempt(unit, shared)
    return AttemptQuestion.objects.create(attempt=attempt, position=1, question=shared.question, version=1, frozen={})


def make_certificate(unit, shared):
    record = make_record(unit, shared)
    return Certificate.objects.create(
        template=shared.template,
        person=record.person,
        training_record=record,
        what=shared.course.title,
        completed_on=date(2026, 3, 1),
        year=2026,
        number=next(_sequence),
        suffix="GCN-MTTQ",
    )


# One row of each scoped model belonging to a unit, made by a function of the unit and the shared objects.
ROW_OF_UNIT = {
    Unit: lambda unit, shared: unit,
    Person: lambda unit, shared: make_person(unit=unit),
    TrainingSession: lambda unit, shared: make_session(organising_unit=unit),
    TrainingRecord: make_record,
    UnitLogEntry: lambda unit, shared: UnitLogEntry.objects.get(unit=unit),  # logged as the unit was added
    Enrolment: make_enrolment,
    Attempt: make_attempt,
    AttemptQuestion: make_attempt_question,
    CourseAssignment: lambda unit, shared: CourseAssignment.objects.create(
        course=shared.course, unit=unit, job=make_job(CourseAssignment._meta.label_lower)
    ),
    Certificate: make_certificate,
    CertificateBatch: lambda unit, shared: CertificateBatch.objects.create(
        template=shared.template, course=shared.course, unit=unit, job=make_job(CertificateBatch._meta.label_lower)
    ),
    Target: lambda unit, shared: make_target(unit),
    SnapshotCount: lambda unit, shared: SnapshotCount.objects.create(
        snapshot=shared.snapshot,
        unit=unit,
        path=unit.path,
        name=unit.name,
        code=unit.code,
        level=unit.level,
        was_active=True,
        population=1,
        met=0,
        trainings=0,
    ),
}


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture(params=ROW_OF_UNIT, ids=lambda model: model.__name__)
def rows(request, tree):
    """The model, and one of its rows in each unit of the tree, by the unit's role."""
    model = request.param
    shared = Shared(tree["central"])
    return model, {role: ROW_OF_UNIT[model](unit, shared) for role, unit in tree.items()}


def commune_subtree(rows):
    return {rows[role].pk for role in ("commune", "area", "other_area")}


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_the_sibling_units_of_the_tree_share_a_path_prefix(tree):
    # the boundary the next tests cross: a sibling's path starts like the unit's and differs in its last step
    assert tree["other_commune"].path[:-1] == tree["commune"].path[:-1]
    assert not tree["other_commune"].path.startswith(tree["commune"].path)


def test_in_unit_gives_the_rows_of_the_unit_and_of_the_units_below_but_not_of_a_sibling_or_above(rows, tree):
    model, by_role = rows

    assert pks(model.objects.in_unit(tree["commune"])) == commune_subtree(by_role)


def test_in_unit_of_a_leaf_gives_its_own_rows_only(rows, tree):
    model, by_role = rows

    assert pks(model.objects.in_unit(tree["area"])) == {by_role["area"].pk}


def test_an_organiser_sees_the_rows_of_their_unit_subtree(rows, tree):
    model, by_role = rows
    organiser = make_organiser(managed_unit=tree["commune"])

    assert pks(model.objects.visible_to(organiser)) == commune_subtree(by_role)


def test_a_superuser_sees_every_row(rows):
    model, by_role = rows
    administrator = make_user(is_superuser=True)

    visible = pks(model.objects.visible_to(administrator))

    assert visible >= {row.pk for row in by_role.values()}
    assert visible == pks(model.objects.all())


def test_a_user_without_a_unit_sees_nothing(rows):
    model, _by_role = rows

    assert not model.objects.visible_to(make_organiser()).exists()


def test_in_unit_takes_the_path_of_the_outer_unit_in_a_subquery(tree):
    for role in ("commune", "area", "other_area", "other_province"):
        make_person(unit=tree[role])
    people_below = Person.objects.in_unit(OuterRef("path")).order_by().values("is_active").annotate(n=Count("pk"))

    counts = dict(
        Unit.objects.annotate(below=Subquery(people_below.values("n"))).values_list("code", "below").order_by()
    )

    assert counts[tree["province"].code] == 3
    assert counts[tree["commune"].code] == 3
    assert counts[tree["other_commune"].code] is None
    assert counts[tree["central"].code] == 4


def app_sources():
    """The Python files of the project's own apps, migrations left out."""
    for config in apps.get_app_configs():
        folder = Path(config.path)
        if folder.is_relative_to(REPOSITORY) and ".venv" not in folder.parts:
            yield from (path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def test_unit_scope_is_spelled_only_in_the_scoping_module():
    scoping = REPOSITORY / "lms" / "models" / "scoping.py"
    spelled = re.compile(r"path\S*__startswith")
    offenders = [
        f"{path.relative_to(REPOSITORY)}:{number}"
        for path in app_sources()
        if path != scoping
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if spelled.search(line)
    ]

    assert list(app_sources())
    assert offenders == [], "use .in_unit(unit) or .visible_to(user) of the model's queryset"


@pytest.fixture
def categories(tree):
    """A question category of each unit of the tree, and one of no unit (shared by the install), by role."""
    shared = {"shared": QuestionCategory.objects.create(name="shared")}
    return shared | {role: QuestionCategory.objects.create(name=role, unit=unit) for role, unit in tree.items()}


def names_of(queryset):
    return set(queryset.values_list("name", flat=True))


def test_usable_by_gives_the_subtree_the_units_above_and_the_shared_rows_but_no_sibling(tree, categories):
    organiser = make_organiser(managed_unit=tree["commune"])

    usable = names_of(QuestionCategory.objects.usable_by(organiser))

    assert usable == {"shared", "central", "province", "commune", "area", "other_area"}


def test_usable_by_gives_a_user_without_a_unit_the_shared_rows_and_a_superuser_everything(categories):
    assert names_of(QuestionCategory.objects.usable_by(make_organiser())) == {"shared"}
    assert names_of(QuestionCategory.objects.usable_by(make_user(is_superuser=True))) == set(categories)


def test_for_unit_gives_the_rows_of_the_unit_the_units_above_and_the_shared_ones(tree, categories):
    assert names_of(QuestionCategory.objects.for_unit(tree["area"])) == {
        "shared",
        "central",
        "province",
        "commune",
        "area",
    }
    assert names_of(QuestionCategory.objects.for_unit(tree["central"])) == {"shared", "central"}
