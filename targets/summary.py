"""The fast path of today's coverage: for each person and target, what decides "met" (``CoverageFact``), kept
current as the ledger is written and made again when a target changes.

A fact depends only on the person's training records and the target's requirement; who is counted (unit,
activity on the day, level, category) is read from the people themselves when the report is made, by the
same ``in_population`` as the full computation. So moves, mergers, people leaving and start or end dates
passing need nothing here. A training dated after the report's day is the one thing time changes: every fact
keeps the date of its latest training, and a report that meets one dated after its day is left to the full
computation (``targets.selectors``), which stays the reference and also answers past days.

The totals (``CoverageTotal``) go one step further for the reports of today without a category: each unit's
counts over its whole subtree, so that a report reads a row per unit shown, whatever the number of people.
They are made from the facts for one day (``Target.totals_on``), changed by a row per unit as records are
written, counted again in the background once people or units change, and every night for the new day.
"""

from datetime import date
from functools import partial
from operator import add, sub

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, FilteredRelation, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from lms.models import Person, TrainingRecord, Unit
from targets import selectors
from targets.models import CoverageFact, CoverageTotal, Target

EVERY_DAY = date(9999, 12, 31)  # a requirement "as of" this day counts every training of the window
BATCH = 1000  # people refreshed per statement, well under SQLite's limit on query parameters


def facts_of(target, people):
    """``people`` with at least one training in ``target``'s window, as ``(person, met, trainings, latest_on)``."""
    requirement = selectors.Requirement.of(target, EVERY_DAY)
    return (
        people.order_by()
        .annotate(**requirement.annotations())
        .annotate(
            met=Case(
                When(requirement.met_condition(), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            latest_on=Max("training_records__date", filter=requirement.in_window()),
            person=F("pk"),
        )
        .filter(trainings__gt=0)
        .values("person", "met", "trainings", "latest_on")
    )


def write_facts(target, people):
    """Insert the facts of ``people`` (who have none) for ``target`` with one INSERT ... SELECT."""
    sql, params = facts_of(target, people).query.sql_with_params()
    table = connection.ops.quote_name(CoverageFact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (target_id, person_id, met, trainings, latest_on) "
            f"SELECT %s, person, met, trainings, latest_on FROM ({sql}) facts",
            [target.pk, *params],
        )


@transaction.atomic
def rebuild(target):
    """Make ``target``'s facts again from the whole ledger, mark them ready, and count its totals."""
    Target.objects.select_for_update().filter(pk=target.pk).exists()  # one rebuild of a target at a time
    target = Target.objects.get(pk=target.pk)
    CoverageFact.objects.filter(target=target).delete()
    write_facts(target, Person.objects.all())
    Target.objects.filter(pk=target.pk).update(summary_ready=True)
    rebuild_totals(target)


@transaction.atomic
def rebuild_totals(target):
    """Count ``target``'s totals again for today from its facts (nothing while they are not ready), in a few
    statements whatever the size of the tree: a row of each unit's own people, then for each depth a row of
    each unit there summing the first rows below it. The target's row stays locked until the end, so that no
    records counted meanwhile are lost or counted twice (``refresh`` waits, and a change of people or units
    marks the new totals stale once they are written)."""
    today = timezone.localdate()
    target = Target.objects.select_for_update().filter(pk=target.pk, summary_ready=True).first()
    if target is None:
        return
    people = selectors.in_population(target, as_of=today)
    if CoverageFact.objects.filter(target=target, latest_on__gt=today).exists():  # counted by the facts already
        own_sql, own_params = selectors.grouped_counts_sql(
            people, selectors.Requirement.of(target, today), F("unit_id")
        )
    else:
        own_sql, own_params = facts_grouped(target, people, F("unit_id")).query.sql_with_params()
    totals = CoverageTotal.objects.filter(target=target)
    totals.delete()
    table, units = (connection.ops.quote_name(model._meta.db_table) for model in (CoverageTotal, Unit))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (target_id, unit_id, population, met, trainings) "
            f"SELECT %s, branch, population, met, trainings FROM ({own_sql}) own",
            [target.pk, *own_params],
        )
        last_own = totals.aggregate(last=Max("pk"))["last"] or 0
        for depth in range(1, (Unit.objects.aggregate(deepest=Max("depth"))["deepest"] or 1)):
            cursor.execute(
                f"INSERT INTO {table} (target_id, unit_id, population, met, trainings) "
                "SELECT %s, ancestor.id, SUM(own.population), SUM(own.met), SUM(own.trainings) "
                f"FROM {table} own JOIN {units} unit ON unit.id = own.unit_id "
                f"JOIN {units} ancestor ON ancestor.path = SUBSTR(unit.path, 1, %s) "
                "WHERE own.target_id = %s AND own.id <= %s AND unit.depth > %s GROUP BY ancestor.id",
                [target.pk, depth * Unit.steplen, target.pk, last_own, depth],
            )
    Target.objects.filter(pk=target.pk).update(totals_on=today)


def rebuild_all_totals():
    """Count the totals of every target whose facts are ready again, for today."""
    for target in Target.objects.filter(summary_ready=True):
        rebuild_totals(target)


def subtree_sums(own):
    """``own`` (``{unit path: (population, met, trainings)}`` of the people of each unit itself) summed into
    each unit and every unit above it: ``{unit path: (population, met, trainings)}`` of whole subtrees."""
    sums = {}
    for path, numbers in own.items():
        for end in range(Unit.steplen, len(path) + 1, Unit.steplen):
            sums[path[:end]] = tuple(map(add, sums.get(path[:end], (0, 0, 0)), numbers))
    return sums


def write_totals(target, own):
    """Add to ``target``'s totals ``own`` (see ``subtree_sums``): a row for each unit and each unit above."""
    sums = {path: numbers for path, numbers in subtree_sums(own).items() if any(numbers)}
    paths = list(sums)
    unit_ids = {}
    for start in range(0, len(paths), BATCH):
        unit_ids.update(Unit.objects.filter(path__in=paths[start : start + BATCH]).values_list("path", "pk"))
    CoverageTotal.objects.bulk_create(
        (
            CoverageTotal(target=target, unit_id=unit_ids[path], population=population, met=met, trainings=trainings)
            for path, (population, met, trainings) in sums.items()
        ),
        batch_size=BATCH,
    )


def totals_of_today(targets, person_ids):
    """The ids of those of ``targets`` whose totals hold for today and can take the changes of the facts of
    these people: none when one of them has a training dated after today (the facts count it already), and
    the totals are then marked stale. On PostgreSQL the rows of the targets are locked for sharing until the
    transaction ends: records counted by several transactions at once, and no count of the totals meanwhile
    (``rebuild_totals`` locks the row for itself, and this waits for it to end)."""
    target_ids = [target.pk for target in targets]
    dated_later = TrainingRecord.objects.filter(date__gt=timezone.localdate())
    if any(
        dated_later.filter(person_id__in=person_ids[start : start + BATCH]).exists()
        for start in range(0, len(person_ids), BATCH)
    ):
        count_totals_again(Target.objects.filter(pk__in=target_ids))
        return set()
    if target_ids and connection.features.has_select_for_update:
        table = connection.ops.quote_name(Target._meta.db_table)
        placeholders = ", ".join(["%s"] * len(target_ids))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id IN ({placeholders}) ORDER BY id FOR SHARE", target_ids)
    return set(Target.objects.filter(pk__in=target_ids, totals_on=timezone.localdate()).values_list("pk", flat=True))


def facts_by_person(target, person_ids):
    """``{person id: (met, trainings, latest_on)}`` of the facts of these people for ``target``."""
    facts = CoverageFact.objects.filter(target=target, person_id__in=person_ids)
    return {
        person_id: numbers for person_id, *numbers in facts.values_list("person_id", "met", "trainings", "latest_on")
    }


def count_changes(target, before, after):
    """Add to ``target``'s totals of today what changed between the facts ``before`` and ``after`` (see
    ``facts_by_person``) of the people counted today (none of them with a training dated after today)."""
    nothing = (False, 0, None)
    changed = [person_id for person_id in before.keys() | after.keys() if before.get(person_id) != after.get(person_id)]
    counted = selectors.in_population(target, as_of=timezone.localdate()).filter(pk__in=changed)
    own = {}
    for person_id, path in counted.values_list("pk", "unit__path"):
        new_met, new_trainings, _latest = after.get(person_id, nothing)
        old_met, old_trainings, _latest = before.get(person_id, nothing)
        change = (0, int(new_met) - int(old_met), new_trainings - old_trainings)
        own[path] = tuple(map(add, own.get(path, (0, 0, 0)), change))
    write_totals(target, own)


def rebuild_all():
    """Rebuild the facts of every target; the number of targets."""
    targets = list(Target.objects.all())
    for target in targets:
        rebuild(target)
    return len(targets)


@transaction.atomic
def refresh(person_ids):
    """Count again the facts of these people for every target whose facts are ready. Their rows are locked
    first, so that two trainings of one person written at once are both counted (PostgreSQL; SQLite writes one
    transaction at a time)."""
    person_ids = sorted(set(person_ids))
    targets = list(Target.objects.filter(summary_ready=True)) if person_ids else []
    batches = [person_ids[start : start + BATCH] for start in range(0, len(person_ids) if targets else 0, BATCH)]
    for batch in batches:  # all the people first, then the targets (no more people locked after them)
        list(Person.objects.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk"))
    with_totals = totals_of_today(targets, person_ids) if batches else set()
    for batch in batches:
        for target in targets:
            before = facts_by_person(target, batch) if target.pk in with_totals else None
            CoverageFact.objects.filter(target=target, person_id__in=batch).delete()
            write_facts(target, Person.objects.filter(pk__in=batch))
            if before is not None:
                count_changes(target, before, facts_by_person(target, batch))


def unit_totals(target, unit, children, *, as_of):
    """``{id: (population, met, trainings)}`` from the totals: for each of ``children`` its subtree's, and under
    ``unit``'s own id its own people's (its subtree less its children's); None unless the totals hold for
    ``as_of`` (as stored, read in the same query: a change this request made may have marked them stale)."""
    if not target.summary_ready:
        return None
    unit_ids = [unit.pk, *(child.pk for child in children)]
    rows = list(
        Target.objects.filter(pk=target.pk, summary_ready=True)
        .annotate(shown=FilteredRelation("totals", condition=Q(totals__unit_id__in=unit_ids)))
        .values("totals_on", "shown__unit_id")
        .annotate(population=Sum("shown__population"), met=Sum("shown__met"), trainings=Sum("shown__trainings"))
        .order_by()
    )
    if not rows or rows[0]["totals_on"] != as_of:
        return None
    counts = {
        row["shown__unit_id"]: (row["population"], row["met"], row["trainings"])
        for row in rows
        if row["shown__unit_id"] is not None
    }
    own = counts.pop(unit.pk, (0, 0, 0))
    for numbers in counts.values():
        own = tuple(map(sub, own, numbers))
    if own[0]:
        counts[unit.pk] = own
    return counts


def subtree_totals(targets, unit, *, as_of):
    """``{target id: (population, met, trainings)}`` of ``unit``'s subtree from the totals, in one query, for
    those of ``targets`` whose totals hold for ``as_of`` and count someone there."""
    ready = [target.pk for target in targets if target.summary_ready]
    if not ready:
        return {}
    rows = (
        CoverageTotal.objects.filter(target_id__in=ready, target__totals_on=as_of, unit=unit)
        .values("target_id")
        .annotate(population=Sum("population"), met=Sum("met"), trainings=Sum("trainings"))
        .order_by()
    )
    return {row["target_id"]: (row["population"], row["met"], row["trainings"]) for row in rows}


def grouped_counts(target, people, branch, *, as_of):
    """``{branch: (population, met, trainings)}`` of ``people`` (today's population of a report) from the
    facts, in one query; None when they cannot tell: not ready, or a training dated after ``as_of`` counted."""
    if not target.summary_ready:
        return None
    counts = {}
    for row in facts_grouped(target, people, branch).annotate(latest_on=Max("fact__latest_on")):
        if row["latest_on"] is not None and row["latest_on"] > as_of:
            return None
        counts[row["branch"]] = (row["population"], row["met"], int(row["trainings"]))
    return counts


def facts_grouped(target, people, branch):
    """``people`` grouped by ``branch`` with their ``population``, ``met`` and ``trainings`` from the facts."""
    return (
        people.order_by()
        .annotate(fact=FilteredRelation("coverage_facts", condition=Q(coverage_facts__target=target)), branch=branch)
        .values("branch")
        .annotate(
            population=Count("pk"),
            met=Count("pk", filter=Q(fact__met=True)),
            trainings=Coalesce(Sum("fact__trainings"), 0),
        )
    )


def people_not_met(target, people, *, as_of):
    """Those of ``people`` who do not meet ``target`` by the facts; None when the facts cannot tell (not ready,
    or a training dated after ``as_of`` counted anywhere)."""
    if not target.summary_ready or CoverageFact.objects.filter(target=target, latest_on__gt=as_of).exists():
        return None
    facts = FilteredRelation("coverage_facts", condition=Q(coverage_facts__target=target))
    return people.annotate(fact=facts).filter(~Q(fact__met=True))


def count_for_lacks(requirement, people):
    """Give each of ``people`` (a page of a list) the counts ``requirement.lacks`` reads, in one query."""
    counts = requirement.annotations()
    counted = Person.objects.filter(pk__in=[person.pk for person in people]).annotate(**counts).values("pk", *counts)
    by_person = {row["pk"]: row for row in counted}
    for person in people:
        for name in counts:
            setattr(person, name, by_person[person.pk][name])
    return people


def training_recorded(sender, person_ids, **kwargs):
    """Receiver of ``lms.signals.training_recorded``."""
    refresh(person_ids)


def target_saved(sender, instance, raw=False, **kwargs):
    """Receiver of a target's ``post_save``: its facts are not ready until rebuilt, once the change is
    committed (its courses and competences are saved after the target itself)."""
    if raw:
        return
    mark_changed(Target.objects.filter(pk=instance.pk))
    instance.summary_ready = False


def course_published(sender, instance, **kwargs):
    """Receiver of a course's ``page_published``: the competences it teaches may have changed, and with them
    which trainings count for the targets asking for competences."""
    mark_changed(Target.objects.filter(competences__isnull=False).distinct())


def people_changed(sender, **kwargs):
    """Receiver of ``lms.signals.people_changed`` and of the ``post_save`` of people and units: who is counted
    where may have changed, so the totals of every target are counted again once committed."""
    if kwargs.get("raw"):
        return
    count_totals_again(Target.objects.all())


def count_totals_again(targets):
    """Once the change is committed, mark the totals of ``targets`` stale (today's reports read the facts
    meanwhile) and count them again in the background; a target already marked is not queued twice. Their rows
    are locked there, not in the writer's transaction: a writer holding people does not wait for the targets,
    and a count running meanwhile is waited for, so that the totals it writes are marked stale in turn."""
    target_ids = list(targets.filter(summary_ready=True).values_list("pk", flat=True))
    if target_ids:
        transaction.on_commit(partial(mark_stale, target_ids))


@transaction.atomic
def mark_stale(target_ids):
    """Mark the totals of these targets stale, those that are not already, and queue their count."""
    from targets import tasks

    current = Target.objects.select_for_update().filter(pk__in=target_ids).order_by("pk")
    marked = [target_id for target_id, totals_on in current.values_list("pk", "totals_on") if totals_on is not None]
    Target.objects.filter(pk__in=marked).update(totals_on=None)
    for target_id in marked:
        transaction.on_commit(partial(tasks.rebuild_coverage_totals.enqueue, target_id))


def mark_changed(targets):
    from targets import tasks

    target_ids = list(targets.values_list("pk", flat=True))
    Target.objects.filter(pk__in=target_ids).update(summary_ready=False, totals_on=None)
    for target_id in target_ids:
        transaction.on_commit(partial(tasks.rebuild_coverage_summary.enqueue, target_id))
