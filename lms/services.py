"""Writes on the organisation and the ledger; every function runs in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms import ledger
from lms.auth import account_key, find_user_by_login
from lms.models import (
    Attendance,
    AttendanceMethod,
    JobStateError,
    LoginLockout,
    Person,
    PersonMove,
    Unit,
    UnitLevel,
    unit_search_key,
)
from lms.selectors import may_check_in, person_of
from lms.signals import attendance_recorded, people_changed

OFFICIAL_UNITS_VALID_FROM = date(2025, 7, 1)  # the day the 2025 reform took effect
CENTRAL_UNIT_CODE = "TW"
NOT_INVITED = gettext_lazy(
    "You are not among the people invited to this session, so you cannot check in to it. "
    "Ask its organisers if you think you should be."
)


def append_children(parent, children):
    """Insert new units under ``parent`` (``None`` for roots) with a few queries, whatever their number."""
    if not children:
        return []
    depth = parent.depth + 1 if parent else 1
    last_sibling = parent.get_last_child() if parent else Unit.get_last_root_node()
    path = last_sibling._inc_path() if last_sibling else Unit._get_path(parent.path if parent else None, depth, 1)
    for child in children:
        child.path, child.depth, child.numchild = path, depth, 0
        child.inherit_ancestry(parent)
        child.refresh_search_key()
        path = child._inc_path()
    created = Unit.objects.bulk_create(children)
    if parent:
        Unit.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(created))
        parent.numchild += len(created)
    _set_own_level_ids([child.pk for child in created])
    return created


def _set_own_level_ids(unit_ids):
    units = Unit.objects.filter(pk__in=unit_ids)
    units.filter(level=UnitLevel.PROVINCE).update(province_id=F("pk"))
    units.filter(level=UnitLevel.COMMUNE).update(commune_id=F("pk"))


@transaction.atomic
def add_unit(*, parent, user=None, **fields):
    """Create one unit under ``parent`` and log it."""
    unit = Unit(**fields)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is not None and UnitLevel(unit.level).rank <= UnitLevel(parent.level).rank:
        raise ValidationError({"level": _("A unit must be at a lower level than the unit above it.")})
    unit.inherit_ancestry(parent)
    unit = parent.add_child(instance=unit) if parent else Unit.add_root(instance=unit)
    log(instance=unit, action="wagtail.create", user=user)
    return unit


@transaction.atomic
def load_official_units(*, rows, user=None):
    """Create or rename the central unit, provinces and communes from the official list.

    ``rows`` are records of ``vietnamadminunits`` (one per commune, with its province). Idempotent:
    existing codes are renamed if the official name changed, never moved or reopened.
    Returns counts of created and renamed units.
    """
    existing = {unit.code: unit for unit in Unit.objects.all()}
    created = renamed = 0

    def upsert(code, name, short_name, level, parent, pending):
        nonlocal renamed
        unit = existing.get(code)
        if unit is None:
            unit = Unit(code=code, name=name, short_name=short_name, level=level, valid_from=OFFICIAL_UNITS_VALID_FROM)
            pending.append(unit)
            existing[code] = unit
        elif (unit.name, unit.short_name) != (name, short_name):
            Unit.objects.filter(pk=unit.pk).update(
                name=name, short_name=short_name, search_key=unit_search_key(name, short_name)
            )
            unit.name, unit.short_name = name, short_name  # a province comes once per commune row
            renamed += 1
        return unit

    central = existing.get(CENTRAL_UNIT_CODE)
    if central is None:
        central = append_children(
            None, [Unit(code=CENTRAL_UNIT_CODE, name=_("Vietnam Fatherland Front"), level=UnitLevel.CENTRAL)]
        )[0]
        created += 1

    communes_by_province = {}
    new_provinces = []
    for row in rows:
        province = upsert(
            row["provinceCode"], row["province"], row["provinceShort"], UnitLevel.PROVINCE, central, new_provinces
        )
        communes_by_province.setdefault(province.code, (province, []))[1].append(row)
    created += len(append_children(central, new_provinces))

    for province, commune_rows in communes_by_province.values():
        province.refresh_from_db(fields=["path", "depth", "numchild", "province"])
        new_communes = []
        for row in commune_rows:
            upsert(row["wardCode"], row["ward"], row["wardShort"], UnitLevel.COMMUNE, province, new_communes)
        created += len(append_children(province, new_communes))
    if created or renamed:
        log(instance=central, action="lms.load_official_units", user=user, data={"created": created})
    return {"created": created, "renamed": renamed}


@transaction.atomic
def rename_unit(*, unit, name, user=None):
    """Give ``unit`` its new official ``name`` (its code never changes) and log the old one."""
    old_name = unit.name
    unit.name = name
    unit.refresh_search_key()
    Unit.objects.filter(pk=unit.pk).update(name=unit.name, search_key=unit.search_key)
    log(instance=unit, action="lms.unit_rename", user=user, data={"from": old_name, "to": name})
    return unit


@transaction.atomic
def close_unit(*, unit, on_date=None, user=None):
    """Close ``unit`` on ``on_date`` (today by default) without merging it: only a unit left with nobody on its
    list and no open unit below it, so that no one drops out of the reports unnoticed. Nothing is deleted."""
    on_date = on_date or timezone.localdate()
    unit = Unit.objects.get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(_("%(unit)s is already closed.") % {"unit": unit})
    if unit.valid_from and on_date < unit.valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    if Unit.objects.in_unit(unit).filter(is_active=True, depth__gt=unit.depth).exists():
        raise ValidationError(_("%(unit)s still has open units below it: close or merge them first.") % {"unit": unit})
    if Person.objects.filter(unit=unit, is_active=True).exists():
        raise ValidationError(
            _("%(unit)s still has people on its list: move them, or merge the unit into another.") % {"unit": unit}
        )
    Unit.objects.filter(pk=unit.pk).update(is_active=False, valid_to=on_date)
    unit.is_active, unit.valid_to = False, on_date
    log(instance=unit, action="lms.unit_close", user=user, data={"on": on_date.isoformat()})
    return unit


def refresh_ancestry(unit):
    """Recompute the province and commune ids of the units and people in ``unit``'s subtree."""
    lineage = [*unit.get_ancestors(), unit]
    province = next((u for u in reversed(lineage) if u.level == UnitLevel.PROVINCE), None)
    commune = next((u for u in reversed(lineage) if u.level == UnitLevel.COMMUNE), None)
    subtree = Unit.objects.in_unit(unit)
    subtree.update(province=province, commune=commune)
    for level, field in ((UnitLevel.PROVINCE, "province"), (UnitLevel.COMMUNE, "commune")):
        for inner in subtree.filter(level=level, depth__gt=unit.depth).order_by("depth"):
            Unit.objects.in_unit(inner).update(**{field: inner})
    unit_of_person = Unit.objects.filter(pk=OuterRef("unit_id"))
    Person.objects.in_unit(unit).update(
        province_id=Subquery(unit_of_person.values("province_id")),
        commune_id=Subquery(unit_of_person.values("commune_id")),
    )
    people_changed.send(sender=Unit)


def record_moves(moves, *, on_date=None):
    """Keep in the people's history that each ``(person_id, from_unit_id, to_unit_id)`` of ``moves`` changed
    unit on ``on_date`` (today by default); a report of an earlier day counts them where they were."""
    on_date = on_date or timezone.localdate()
    PersonMove.objects.bulk_create(
        PersonMove(person_id=person_id, from_unit_id=from_unit_id, to_unit_id=to_unit_id, moved_on=on_date)
        for person_id, from_unit_id, to_unit_id in moves
        if from_unit_id != to_unit_id
    )


@transaction.atomic
def merge_units(*, sources, target, on_date=None, user=None):
    """Merge ``sources`` into ``target``: their children and people move to it and they are closed.

    Nothing is deleted: the closed units keep their code (never reused), their dates and
    ``merged_into``, and training records keep the unit they were made in.
    """
    on_date = on_date or timezone.localdate()
    target = Unit.objects.get(pk=target.pk)
    sources = list(Unit.objects.filter(pk__in=[source.pk for source in sources]))
    if not sources:
        raise ValidationError(_("Choose at least one unit to merge."))
    if not target.is_active:
        raise ValidationError(_("%(unit)s is closed and cannot receive a merger.") % {"unit": target})
    for source in sources:
        if source.pk == target.pk:
            raise ValidationError(_("A unit cannot be merged into itself."))
        if not source.is_active:
            raise ValidationError(_("%(unit)s is already closed.") % {"unit": source})
        if source.level != target.level:  # so the target is never below a source either
            raise ValidationError(
                _("%(source)s and %(target)s are not at the same level.") % {"source": source, "target": target}
            )

    moved_people = 0
    for source in sources:
        for child_pk in source.get_children().values_list("pk", flat=True):
            Unit.objects.get(pk=child_pk).move(Unit.objects.get(pk=target.pk), "last-child")
        leaving = list(Person.objects.filter(unit=source).values_list("pk", flat=True))
        record_moves([(person_id, source.pk, target.pk) for person_id in leaving], on_date=on_date)
        moved_people += Person.objects.filter(pk__in=leaving).update(unit=target, updated_at=timezone.now())
        Unit.objects.filter(pk=source.pk).update(is_active=False, valid_to=on_date, merged_into=target)
        log(instance=source, action="lms.unit_merge", user=user, data={"into": target.code})
    target = Unit.objects.get(pk=target.pk)
    refresh_ancestry(target)
    log(
        instance=target,
        action="lms.unit_merge_target",
        user=user,
        data={"from": [source.code for source in sources], "people": moved_people},
    )
    return target


def _inserted(row):
    """Save the new ``row`` unless a unique constraint says it is there already (written by a parallel
    request): whether this call wrote it, so what follows a write happens once."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def record_attendance(*, session, people, method, user=None, at=None):
    """Record that ``people`` attended ``session``, each once, with one training record each.

    Repeating it (a double click, two scans, a re-imported sheet, fifty parallel requests) adds nothing: the
    training records, the audit entry and the certificates follow only the attendances this call wrote.
    Returns the number of people newly recorded.
    """
    people = list({person.pk: person for person in people}.values())
    already = set(Attendance.objects.filter(session=session, person__in=people).values_list("person_id", flat=True))
    moment = at or timezone.now()
    newcomers = [
        person
        for person in people
        if person.pk not in already
        and _inserted(Attendance(session=session, person=person, method=method, recorded_by=user, recorded_at=moment))
    ]
    if not newcomers:
        return 0
    ledger.record_session_attendance(session=session, people=newcomers)
    log(instance=session, action="lms.attendance", user=user, data={"people": len(newcomers), "method": method})
    attendance_recorded.send(sender=Attendance, session=session, people=newcomers)
    return len(newcomers)


@transaction.atomic
def correct_training_record(*, record, reason, user, right=None):
    """Void the wrong ``record`` (with the ``right`` values in its place, if given) for ``reason``, in the ledger and
    in the person's audit history."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the record is wrong.")})
    correction = ledger.correct(record=record, reason=reason, by=user, right=right)
    log(
        instance=record.person,
        action="lms.training_corrected",
        user=user,
        data={
            "record": record.pk,
            "reference": record.reference,
            "date": record.date.strftime("%d/%m/%Y"),
            "reason": reason,
            "replacement": correction.replacement_id,
        },
    )
    return correction


def check_in(*, session, person, at=None):
    """A learner's own check-in by the session's QR code, accepted only while check-in is open and only from
    the people the session invited (or anyone, for an open session)."""
    moment = at or timezone.now()
    if not session.checkin_is_open(moment):
        raise ValidationError(_("Check-in for this session is not open."))
    if not may_check_in(session, person):
        raise ValidationError(NOT_INVITED)
    return record_attendance(
        session=session, people=[person], method=AttendanceMethod.SELF_CHECKIN, user=person.user, at=moment
    )


@transaction.atomic
def set_zalo_consent(*, person, consent, user):
    """Record whether ``person`` agrees to be reminded by Zalo, as they or an organiser said; logged."""
    if person.zalo_consent == consent:
        return
    Person.objects.filter(pk=person.pk).update(zalo_consent=consent)
    person.zalo_consent = consent
    log(instance=person, action="wagtail.edit", user=user, data={"zalo_consent": consent})


def link_person(*, user):
    """The person ``user`` is (see ``person_of``), linked to the account if it was not yet: at log-in, and
    before a learner's first write for accounts logged in earlier. The conditional update links it once."""
    person = person_of(user)
    if person is not None and person.user_id is None:
        if Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user, updated_at=timezone.now()):
            person.user = user
        else:  # linked meanwhile, by a parallel request or an organiser
            person = person_of(user, reread=True)
    return person


def link_person_at_login(sender, request, user, **kwargs):
    """Receiver of ``user_logged_in``: a learner's account is linked to their person as they log in."""
    link_person(user=user)


def run_job(job, work):
    """Run ``work(job)`` once, as ``job`` (which it tells its progress): a second delivery of the task finds the
    job started and does nothing; if the work raises, the job has failed and the error goes on to the task's log.
    Not one transaction: the job's progress is seen as it goes.
    """
    try:
        job.start()
    except JobStateError:
        return
    try:
        work(job)
    except Exception:
        job.fail()
        raise
    job.finish()


@transaction.atomic
def record_lockout(*, identifier, ip_address, by_address):
    """Record and log that wrong passwords locked the account ``identifier`` names or, ``by_address``, the
    client address ``ip_address``; an account's lockout belongs to its person's unit."""
    user = None if by_address else find_user_by_login(identifier)
    lockout = LoginLockout.objects.create(
        account=account_key(identifier),
        user=user,
        # the reverse accessor raises an AttributeError for an account without a person
        unit_id=getattr(getattr(user, "person", None), "unit_id", None),
        ip_address=ip_address or None,
        by_address=by_address,
    )
    log(
        instance=lockout,
        action="lms.lockout",
        data={"account": lockout.account, "ip_address": ip_address, "by_address": by_address},
    )
    return lockout
