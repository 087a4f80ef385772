"""Coverage of a target, counted in the database: one aggregate query per report over the people of a unit
subtree, grouped by the child unit each belongs to (on the stored province and commune ids where the tree
allows), whatever the number of units, people and trainings."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import CoursePage
from lms import ledger
from lms import selectors as organisation
from lms.models import Person, PersonMove, Unit, UnitLevel
from targets import summary
from targets.models import CoverageSnapshot, SnapshotCount, Target


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_MET = "not_met"  # the deadline has passed
    LABELS = {
        MET: gettext_lazy("Met"),
        ON_TRACK: gettext_lazy("On track"),
        BEHIND: gettext_lazy("Behind"),
        NOT_MET: gettext_lazy("Not met"),
    }


def targets_for(user):
    """Active targets ``user`` reports against: those of their unit, of the units above it and below it."""
    targets = Target.objects.filter(is_active=True).select_related("unit")
    scope = organisation.scope_unit(user)
    if user.is_superuser:
        return targets
    if scope is None:
        return targets.none()
    above = [scope.path[:end] for end in range(Unit.steplen, len(scope.path) + 1, Unit.steplen)]
    return targets.filter(unit__path__in=above) | targets.in_unit(scope)


def default_unit(user):
    """Where a user's report starts: their own unit, or the top of the tree for superusers."""
    return organisation.scope_unit(user) or Unit.get_first_root_node()


@dataclass(frozen=True)
class Requirement:
    """What one person must have, read once from the target for a report."""

    min_records: int
    window_start: date | None
    window_end: date
    courses: list  # [(title, source key of its training records)]
    competences: list  # [(label, [source keys of the courses that teach it])]

    @classmethod
    def of(cls, target, as_of):
        courses = [(course.title, ledger.course_key(course.pk)) for course in target.courses.all()]
        competences = list(target.competences.all())
        teaching = CoursePage.competences.through.objects.filter(competence__in=competences)
        keys = {competence.pk: [] for competence in competences}
        for competence_id, course_id in teaching.values_list("competence_id", "coursepage_id"):
            keys[competence_id].append(ledger.course_key(course_id))
        min_records = target.min_records
        if not (min_records or courses or competences):
            min_records = 1  # a target without a requirement asks for one training
        window_end = min(target.window_end, as_of) if target.window_end else as_of
        return cls(
            min_records=min_records or 0,
            window_start=target.window_start,
            window_end=window_end,
            courses=courses,
            competences=[(competence.number, keys[competence.pk]) for competence in competences],
        )

    def in_window(self):
        """The condition on a person's training records that they fall in the window and were not voided by a
        correction."""
        in_window = Q(training_records__date__lte=self.window_end, training_records__correction__isnull=True)
        if self.window_start:
            in_window &= Q(training_records__date__gte=self.window_start)
        return in_window

    def annotations(self, prefix=""):
        """Per person: trainings in the window, and for each course and competence those that count for it.
        ``prefix`` starts every name, so that several requirements can annotate the same people."""
        in_window = self.in_window()
        counts = {f"{prefix}trainings": Count("training_records", filter=in_window)}
        for index, (_title, key) in enumerate(self.courses):
            counts[f"{prefix}course_{index}"] = Count(
                "training_records", filter=in_window & Q(training_records__source_key=key)
            )
        for index, (_label, keys) in enumerate(self.competences):
            counts[f"{prefix}competence_{index}"] = Count(
                "training_records", filter=in_window & Q(training_records__source_key__in=keys)
            )
        return counts

    def met_condition(self, prefix=""):
        condition = Q(**{f"{prefix}trainings__gte": self.min_records})
        for index in range(len(self.courses)):
            condition &= Q(**{f"{prefix}course_{index}__gt": 0})
        for index in range(len(self.competences)):
            condition &= Q(**{f"{prefix}competence_{index}__gt": 0})
        return condition

    def met_annotation(self, prefix=""):
        """1 for a person (annotated by ``annotations`` with the same ``prefix``) who meets the requirement,
        else 0."""
        return Case(When(self.met_condition(prefix), then=Value(1)), default=Value(0), output_field=IntegerField())

    def lacks(self, person):
        """What ``person`` (annotated by ``annotations``) still lacks, in words."""
        missing = []
        if person.trainings < self.min_records:
            missing.append(
                _("%(done)d of %(needed)d trainings") % {"done": person.trainings, "needed": self.min_records}
            )
        missing += [
            _("course “%(title)s”") % {"title": title}
            for index, (title, _key) in enumerate(self.courses)
            if not getattr(person, f"course_{index}")
        ]
        missing += [
            _("competence %(number)s") % {"number": number}
            for index, (number, _keys) in enumerate(self.competences)
            if not getattr(person, f"competence_{index}")
        ]
        return missing


def unit_on(day):
    """The id of the unit a person was in on ``day``: the one they left by their first move after it, or the
    one they are in now when they have not moved since."""
    moves_after = PersonMove.objects.filter(person=OuterRef("pk"), moved_on__gt=day).order_by("moved_on", "pk")
    return Coalesce(Subquery(moves_after.values("from_unit_id")[:1]), F("unit_id"), output_field=BigIntegerField())


def counted_unit_field(as_of, name):
    """An expression of a field of the unit each person (see ``in_population``) is counted in on ``as_of``:
    read on the person's own unit today (the province and commune ids stored on the person), looked up in
    the unit they were in on a past day."""
    if as_of >= timezone.localdate():
        return F(name if name in ("province_id", "commune_id") else f"unit__{name}")
    return Subquery(Unit.objects.filter(pk=OuterRef("counted_unit")).values(name)[:1])


def in_population(target, *, as_of, category=None):
    """The target's people as of a day: on their unit's list then (``Person.objects.on_list``), in its
    categories, annotated with ``counted_unit``, the unit each was in that day, which is at one of the
    target's levels."""
    people = Person.objects.on_list(as_of)
    people = people.annotate(counted_unit=F("unit_id") if as_of >= timezone.localdate() else unit_on(as_of))
    if target.levels:
        people = people.annotate(counted_level=counted_unit_field(as_of, "level"))
    people = people.filter(counted_by(target, level="counted_level"))
    if category is not None:
        people = people.filter(category=category)
    return people.order_by()


def counted_by(target, *, level="unit__level"):
    """The condition on a person of being at a unit of the target's levels (the unit's level read from ``level``:
    by default the unit they are in today) and in one of its categories; always true for a target of every level
    and category."""
    condition = Q(pk__isnull=False)
    if target.levels:
        condition &= Q(**{f"{level}__in": target.levels})
    category_ids = [category.pk for category in target.categories.all()]
    if category_ids:
        condition &= Q(category_id__in=category_ids)
    return condition


def within_unit(people, unit, *, as_of):
    """``people`` (see ``in_population``) counted in ``unit``'s subtree on ``as_of``, on the stored ancestor
    ids where the level has one."""
    ancestor_field = {UnitLevel.PROVINCE: "province_id", UnitLevel.COMMUNE: "commune_id"}.get(unit.level)
    if ancestor_field:
        return people.annotate(counted_ancestor=counted_unit_field(as_of, ancestor_field)).filter(
            counted_ancestor=unit.pk
        )
    return people.filter(counted_unit__in=Unit.objects.in_unit(unit).values("pk"))


def child_key(unit, children, *, as_of):
    """How to tell which child of ``unit`` a person (see ``in_population``) belongs to: ``(expression, key of
    a child, key of the unit's own people)``. An integer column when all the children are provinces, communes
    or units without units below; a path prefix otherwise."""
    levels = {child.level for child in children}
    if levels == {UnitLevel.PROVINCE}:
        return counted_unit_field(as_of, "province_id"), lambda child: child.pk, None
    if levels == {UnitLevel.COMMUNE}:
        return counted_unit_field(as_of, "commune_id"), lambda child: child.pk, None
    if children and all(child.is_leaf() for child in children):
        return F("counted_unit"), lambda child: child.pk, unit.pk
    prefix = Substr(counted_unit_field(as_of, "path"), 1, (unit.depth + 1) * Unit.steplen)
    return prefix, lambda child: child.path, unit.path


def grouped_counts(people, requirement, branch):
    """``{branch: (population, met, trainings)}`` in one query (see ``grouped_counts_sql``)."""
    sql, params = grouped_counts_sql(people, requirement, branch)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # (PostgreSQL sums counts as numeric)
        return {branch: tuple(map(int, numbers)) for branch, *numbers in cursor.fetchall()}


def grouped_counts_sql(people, requirement, branch):
    """The SQL and parameters of ``(branch, population, met, trainings)`` of ``people`` counted over the
    ledger: each person's trainings are counted in an inner GROUP BY person, and the outer query sums them by
    branch."""
    per_person = (
        people.annotate(**requirement.annotations())
        .annotate(met=requirement.met_annotation(), branch=branch)
        .values_list("branch", "met", "trainings")
    )
    sql, params = per_person.query.sql_with_params()
    return (
        "SELECT branch, COUNT(*) AS population, SUM(met) AS met, SUM(trainings) AS trainings "
        f"FROM ({sql}) per_person GROUP BY branch",
        params,
    )


def unit_in_snapshot(snapshot, unit):
    """``unit`` as it was on ``snapshot``'s day (``None`` if it did not exist then)."""
    row = SnapshotCount.objects.filter(snapshot=snapshot, unit=unit).first()
    return row.unit_then() if row else None


def snapshot_counts(snapshot, unit_then):
    """``(children, counts)`` of ``unit_then`` (see ``unit_in_snapshot``) on the snapshot's day: its child
    units as they were then, each with the unit as it is now in ``unit_now``, and the numbers of
    ``grouped_counts`` summed by path prefix of those children (the unit's own people under its own path).
    Two queries."""
    child_path_length = len(unit_then.path) + Unit.steplen
    subtree = SnapshotCount.objects.filter(snapshot=snapshot).in_unit(unit_then).annotate(path_length=Length("path"))
    sums = (
        subtree.annotate(branch=Substr("path", 1, child_path_length))
        .values("branch")
        .annotate(
            population=Sum("population"),
            met=Sum("met"),
            trainings=Sum("trainings"),
            units_below=Count("pk", filter=Q(path_length=child_path_length + Unit.steplen)),
        )
        .order_by()
    )
    sums = {row["branch"]: row for row in sums}
    children = []
    for row in subtree.filter(path_length=child_path_length).select_related("unit__merged_into"):
        child = row.unit_then(numchild=sums[row.path]["units_below"])
        child.unit_now = row.unit
        children.append(child)
    children.sort(key=lambda child: child.path)
    counts = {
        branch: (row["population"], row["met"], row["trainings"]) for branch, row in sums.items() if row["population"]
    }
    return children, counts


@dataclass
class CoverageRow:
    """One unit's line in a report; ``own_people`` is the line of the people of the unit itself. Read from a
    snapshot, ``unit`` is the unit as it was that day and ``unit_now`` the same unit today."""

    unit: Unit
    population: int
    met: int
    trainings: int
    threshold: int
    status: str | None
    own_people: bool = False
    unit_now: Unit | None = None

    @property
    def percent(self):
        if not self.population:
            return None
        return (Decimal(100 * self.met) / self.population).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def gap(self):
        """People still to train to reach the threshold."""
        return max(0, -(-self.threshold * self.population // 100) - self.met)

    @property
    def status_label(self):
        return Status.LABELS.get(self.status, "")

    @property
    def closed_since(self):
        """Whether the unit, open on the report's day, has been merged or closed since."""
        return self.unit_now is not None and self.unit.is_active and not self.unit_now.is_active


def status_of(met, population, threshold, *, target, as_of):
    """Met; on track (at least the share the time elapsed since the plan started calls for); behind; or, once
    the deadline has passed, not met."""
    if not population:
        return None
    if 100 * met >= threshold * population:
        return Status.MET
    if as_of > target.deadline:
        return Status.NOT_MET
    duration = (target.deadline - target.starts_on).days or 1
    elapsed = min(max((as_of - target.starts_on).days, 0), duration)
    return Status.ON_TRACK if 100 * met * duration >= threshold * population * elapsed else Status.BEHIND


@dataclass
class Coverage:
    """A target's coverage for a unit: one row per child unit (and its own people), and the unit's total."""

    target: Target
    unit: Unit
    as_of: date
    rows: list
    total: CoverageRow
    snapshot: CoverageSnapshot | None = None
    category: object = None
    requirement: Requirement | None = field(default=None, repr=False)  # set when counted over the ledger
    from_totals: bool = False

    @property
    def rows_with_people(self):
        return [row for row in self.rows if row.population]

    @property
    def units_without_people(self):
        """How many child units have no one the target counts (often: their lists are not imported yet)."""
        return sum(1 for row in self.rows if not row.population)


def coverage(target, unit, *, as_of=None, category=None):
    """The report of ``target`` for ``unit`` as of a day (today by default). A past day with a saved
    snapshot is read from the snapshot, with the units as they were that day, so the report sent then comes
    out the same; without one, people are counted where they were that day, in units where they are now."""
    today = timezone.localdate()
    as_of = min(as_of or today, today)
    snapshot = None
    if as_of < today and category is None:
        snapshot = CoverageSnapshot.objects.filter(target=target, taken_on=as_of).first()
    unit_then = unit_in_snapshot(snapshot, unit) if snapshot else None
    if snapshot:
        children, counts = snapshot_counts(snapshot, unit_then) if unit_then else ([], {})
        key_of, own_key = (lambda child: child.path), unit_then and unit_then.path
        requirement, from_totals = None, False
    else:
        children = list(Unit.objects.children_of(unit))
        counts = summary.unit_totals(target, unit, children, as_of=as_of) if category is None else None
        key_of, own_key, requirement, from_totals = (lambda child: child.pk), unit.pk, None, counts is not None
        if counts is None:  # the facts of today's people, or the full computation over the ledger
            branch, key_of, own_key = child_key(unit, children, as_of=as_of)
            people = within_unit(in_population(target, as_of=as_of, category=category), unit, as_of=as_of)
            counts = summary.grouped_counts(target, people, branch, as_of=as_of) if as_of == today else None
            requirement = None if counts is not None else Requirement.of(target, as_of)
            if counts is None:
                counts = grouped_counts(people, requirement, branch)
    thresholds = {threshold.level: threshold.percent for threshold in target.level_thresholds.all()}

    def row(row_unit, numbers, own_people=False):
        population, met, trainings = numbers
        threshold = thresholds.get(row_unit.level, target.threshold)
        status = status_of(met, population, threshold, target=target, as_of=as_of)
        unit_now = getattr(row_unit, "unit_now", None)
        return CoverageRow(row_unit, population, met, trainings, threshold, status, own_people, unit_now)

    report_unit = unit_then or unit
    own = counts.get(own_key)
    rows = [row(report_unit, own, own_people=True)] if own else []
    for child in children:
        numbers = counts.get(key_of(child), (0, 0, 0))
        if numbers[0] or child.is_active:
            rows.append(row(child, numbers))
    total = tuple(map(sum, zip(*counts.values(), strict=True))) if counts else (0, 0, 0)
    return Coverage(
        target=target,
        unit=unit,
        as_of=as_of,
        rows=rows,
        total=row(report_unit, total),
        snapshot=snapshot,
        category=category,
        requirement=requirement,
        from_totals=from_totals,
    )


def unit_standings(targets, unit):
    """Today's total line of each of ``targets`` for ``unit`` (a ``CoverageRow``, in the order given): read from
    the totals of those whose totals hold for today, in one query, and the others counted in one aggregate
    query over the people on the lists of the unit's subtree. Prefetch the targets' ``categories``,
    ``courses``, ``competences`` and ``level_thresholds`` to read nothing else."""
    targets = list(targets)
    today = timezone.localdate()
    numbers = summary.subtree_totals(targets, unit, as_of=today)
    counted = [target for target in targets if target.pk not in numbers]
    numbers.update(zip((target.pk for target in counted), counted_standings(counted, unit, today), strict=True))
    rows = []
    for target in targets:
        population, met, trainings = numbers[target.pk]
        thresholds = {threshold.level: threshold.percent for threshold in target.level_thresholds.all()}
        threshold = thresholds.get(unit.level, target.threshold)
        status = status_of(met, population, threshold, target=target, as_of=today)
        rows.append(CoverageRow(unit, population, met, trainings, threshold, status))
    return rows


def counted_standings(targets, unit, today):
    """``[(population, met, trainings)]`` of ``unit``'s subtree today for each of ``targets``, counted over the
    ledger in one aggregate query."""
    if not targets:
        return []
    requirements = [Requirement.of(target, today) for target in targets]
    counts, per_target = {}, {}
    for index, requirement in enumerate(requirements):
        counts.update(requirement.annotations(prefix=f"t{index}_"))
    for index, (target, requirement) in enumerate(zip(targets, requirements, strict=True)):
        counted = Case(When(counted_by(target), then=Value(1)), default=Value(0), output_field=IntegerField())
        per_target[f"t{index}_counted"] = counted
        per_target[f"t{index}_met"] = requirement.met_annotation(prefix=f"t{index}_")
    people = Person.objects.on_list(today).annotate(counted_unit=F("unit_id"))
    people = within_unit(people, unit, as_of=today).order_by()
    per_person = (
        people.annotate(**counts)
        .annotate(**per_target)
        .values_list(*per_target, *(f"t{index}_trainings" for index in range(len(targets))))
    )
    sums = ", ".join(
        f"SUM(t{index}_counted), SUM(t{index}_counted * t{index}_met), SUM(t{index}_counted * t{index}_trainings)"
        for index in range(len(targets))
    )
    sql, params = per_person.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sums} FROM ({sql}) per_person", params)
        numbers = [int(number or 0) for number in cursor.fetchone()]
    return [tuple(numbers[3 * index : 3 * index + 3]) for index in range(len(targets))]


def people_missing(target, unit, *, as_of=None, category=None, counted=True):
    """``(requirement, people)``: the people of the target's population in ``unit``'s subtree who do not
    meet it, annotated so that ``requirement.lacks(person)`` says what each one lacks; by unit, then name.
    With ``counted=False`` they may come without the annotations (told from the facts, today, without
    counting the ledger): give a page of them to ``summary.count_for_lacks`` before asking what they lack."""
    today = timezone.localdate()
    as_of = min(as_of or today, today)
    requirement = Requirement.of(target, as_of)
    people = within_unit(in_population(target, as_of=as_of, category=category), unit, as_of=as_of)
    not_met = None if counted or as_of != today else summary.people_not_met(target, people, as_of=as_of)
    if not_met is None:  # the full computation, over the ledger
        not_met = people.annotate(**requirement.annotations()).annotate(met=requirement.met_annotation()).filter(met=0)
    return requirement, not_met.select_related("unit", "category").order_by("unit__path", "sort_key", "id")


def monthly_trend(target, unit, *, months=12):
    """``[(first day of the month, population, met)]`` from the last snapshot of each of the last months
    that have one, oldest first, each summed over ``unit``'s subtree as it was that day; two queries."""
    snapshots_by_place = {}
    for row in SnapshotCount.objects.filter(snapshot__target=target, unit=unit).only("snapshot_id", "path"):
        snapshots_by_place.setdefault(row.path, []).append(row.snapshot_id)
    if not snapshots_by_place:
        return []
    rows = SnapshotCount.objects.none()
    for path, snapshot_ids in snapshots_by_place.items():
        rows |= SnapshotCount.objects.filter(snapshot_id__in=snapshot_ids).in_unit(Unit(path=path))
    totals = (
        rows.values("snapshot__taken_on")
        .annotate(population=Sum("population"), met=Sum("met"))
        .order_by("snapshot__taken_on")
    )
    by_month = {}
    for total in totals:
        day = total["snapshot__taken_on"]
        by_month[day.replace(day=1)] = (total["population"], total["met"])  # the month's last snapshot wins
    return [(month, *numbers) for month, numbers in list(by_month.items())[-months:]]
