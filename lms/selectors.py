"""Reads on the organisation, always through the viewer's unit scope."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from lms.models import Person, TrainingRecord, Unit, UnitLevel


def scope_unit(user):
    """The unit whose subtree ``user`` may see; None means the whole country (superusers)."""
    return None if user.is_superuser else user.managed_unit


def unit_choices_for(user):
    """Active units ``user`` may file people and sessions under, in tree order."""
    return Unit.objects.visible_to(user).filter(is_active=True).order_by("path")


def with_people_counts(units):
    """Annotate ``people_count``: active people in each unit's subtree, counted on the stored
    province/commune ids where the level allows, so big subtrees are integer lookups.
    (People's name ordering is cleared: PostgreSQL refuses it beside the GROUP BY.)"""

    def active_people_where(field):
        counted = Person.objects.filter(is_active=True, **{field: OuterRef("pk")}).order_by()
        return Subquery(counted.values(field).annotate(n=Count("pk")).values("n"), output_field=IntegerField())

    below = Person.objects.filter(is_active=True).in_unit(OuterRef("path")).order_by()
    in_subtree = Subquery(
        below.annotate(group=Value(1)).values("group").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    return units.annotate(
        people_count=Coalesce(
            Case(
                When(level=UnitLevel.PROVINCE, then=active_people_where("province")),
                When(level=UnitLevel.COMMUNE, then=active_people_where("commune")),
                default=in_subtree,
            ),
            0,
        )
    )


def trained_this_term():
    """A condition for people with at least one training record in the current term."""
    records = TrainingRecord.objects.in_force().filter(
        person=OuterRef("pk"), date__range=(settings.LMS_TERM_START, settings.LMS_TERM_END)
    )
    return Exists(records)


def invited_people(session):
    """Active people of the session's invited units (or of its organising unit when none are invited)."""
    units = list(session.invited_units.all()) or [session.organising_unit]
    return reduce(or_, (Person.objects.in_unit(unit) for unit in units)).filter(is_active=True)


def may_check_in(session, person):
    """Whether ``person`` may check in to ``session`` by its QR code: one of its invited people, or anyone on a
    unit's list when the session is open to everyone."""
    return session.open_to_everyone or invited_people(session).filter(pk=person.pk).exists()


def trainings_of(person):
    """A learner's own training records that count (no voided one), newest first."""
    if person is None:
        return TrainingRecord.objects.none()
    return TrainingRecord.objects.filter(person=person).in_force().order_by("-date", "-id")


def training_history(person):
    """Every training record of ``person``, the voided ones too, each with its correction and the correction it
    is the replacement of (if any), newest first: what an organiser checks and corrects."""
    return (
        TrainingRecord.objects.filter(person=person)
        .select_related("session", "correction__corrected_by", "replaces")
        .order_by("-date", "-id")
    )


def person_of(user, *, reread=False):
    """The active person on a unit's list that ``user`` is: the one linked to the account, or else the one
    not linked yet with the account's phone number (linked, without a read doing it, by ``link_person``).
    ``reread``: from the database even when the session's read of the user brought their person."""
    if not reread and user.__class__.person.is_cached(user):  # the session's read of the user (lms.auth)
        person = getattr(user, "person", None)
        person = person if person is not None and person.is_active else None
    else:
        person = Person.objects.filter(user=user, is_active=True).select_related("unit").first()
    if person is None and user.phone:
        person = (
            Person.objects.filter(phone=user.phone, user__isnull=True, is_active=True).select_related("unit").first()
        )
    return person
