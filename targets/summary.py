"""The fast path of today's coverage: for each person and target, what decides "met" (``CoverageFact``), kept
current as the ledger is written and made again when a target changes.

A fact depends only on the person's training records and the target's requirement; who is counted (unit,
activity on the day, level, category) is read from the people themselves when the report is made, by the
same ``in_population`` as the full computation. So moves, mergers, people leaving and start or end dates
passing need nothing here. A training dated after the report's day is the one thing time changes: every fact
keeps the date of its latest training, and a report that meets one dated after its day is left to the full
computation (``targets.selectors``), which stays the reference and also answers past days.
"""

from datetime import date
from functools import partial

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, FilteredRelation, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from lms.models import Person
from targets import selectors
from targets.models import CoverageFact, Target

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
    """Make ``target``'s facts again from the whole ledger, and mark them ready."""
    Target.objects.select_for_update().filter(pk=target.pk).exists()  # one rebuild of a target at a time
    target = Target.objects.get(pk=target.pk)
    CoverageFact.objects.filter(target=target).delete()
    write_facts(target, Person.objects.all())
    Target.objects.filter(pk=target.pk).update(summary_ready=True)


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
    for start in range(0, len(person_ids) if targets else 0, BATCH):
        batch = person_ids[start : start + BATCH]
        list(Person.objects.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk"))
        for target in targets:
            CoverageFact.objects.filter(target=target, person_id__in=batch).delete()
            write_facts(target, Person.objects.filter(pk__in=batch))


def grouped_counts(target, people, branch, *, as_of):
    """``{branch: (population, met, trainings)}`` of ``people`` (today's population of a report) from the
    facts, in one query; None when they cannot tell: not ready, or a training dated after ``as_of`` counted."""
    if not target.summary_ready:
        return None
    rows = (
        people.order_by()
        .annotate(fact=FilteredRelation("coverage_facts", condition=Q(coverage_facts__target=target)), branch=branch)
        .values("branch")
        .annotate(
            population=Count("pk"),
            met=Count("pk", filter=Q(fact__met=True)),
            trainings=Coalesce(Sum("fact__trainings"), 0),
            latest_on=Max("fact__latest_on"),
        )
    )
    counts = {}
    for row in rows:
        if row["latest_on"] is not None and row["latest_on"] > as_of:
            return None
        counts[row["branch"]] = (row["population"], row["met"], int(row["trainings"]))
    return counts


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


def mark_changed(targets):
    from targets import tasks

    target_ids = list(targets.values_list("pk", flat=True))
    Target.objects.filter(pk__in=target_ids).update(summary_ready=False)
    for target_id in target_ids:
        transaction.on_commit(partial(tasks.rebuild_coverage_summary.enqueue, target_id))
