"""Personal data under Law 91/2025/QH15 and Nghị định 356/2025/NĐ-CP: what is held about a person (read), the
access log of staff reads, correction requests, and erasure (writes; each in one transaction).

``lms`` knows nothing of the apps above it, so each app adds what it holds about a person through two Wagtail
hooks: ``personal_data_sections`` (a function of ``person`` returning ``Section``s) and ``erase_personal_data`` (a
function of ``person`` and an ``Erasure``, which removes what the app holds that names the person, keeping the
rows every report counts). See docs/personal-data.md.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import log

from lms.models import (
    AccessKind,
    Attendance,
    CorrectionRequest,
    CorrectionStatus,
    Person,
    PersonalDataAccess,
    PersonMove,
    TrainingRecord,
)
from lms.spreadsheets import table_workbook
from lms.vietnamese import fold, name_sort_key

# Reads ------------------------------------------------------------------------------------------


@dataclass
class Section:
    """One part of what is held about a person: a title and a table."""

    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)


def _date(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def _cell(value):
    """A value as the page, the JSON and the spreadsheet show it: dates as dd/mm/yyyy, decimals as text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Promise | models.Model):  # a translated label, a unit, a category
        return str(value)
    return _date(value)


def table(key, title, headers, rows):
    """A ``Section`` whose cells are ready to show and to write (the helper every app's hook uses)."""
    return Section(
        key=key, title=str(title), headers=[str(h) for h in headers], rows=[[_cell(v) for v in r] for r in rows]
    )


def _person_section(person):
    fields = ["full_name", "gender", "birth_date", "unit", "position", "category", "phone", "email", "external_id"]
    fields += ["zalo_consent", "is_active", "start_date", "end_date", "created_at", "updated_at"]
    rows = []
    for name in fields:
        model_field = Person._meta.get_field(name)
        value = getattr(person, name)
        if model_field.choices:
            value = getattr(person, f"get_{name}_display")()
        rows.append([model_field.verbose_name, value])
    return table("person", gettext_lazy("On your unit's list"), [_("Field"), _("Value")], rows)


def _account_section(person):
    user = person.user
    if user is None:
        return None
    rows = [
        [_("Username"), user.username],
        [_("Family name"), user.last_name],
        [_("Middle and given names"), user.first_name],
        [_("email"), user.email],
        [_("phone number"), user.phone],
        [_("Account created on"), user.date_joined],
        [_("Last log-in"), user.last_login],
        [_("Roles"), ", ".join(user.groups.order_by("name").values_list("name", flat=True))],
    ]
    return table("account", gettext_lazy("Your account"), [_("Field"), _("Value")], rows)


def _lms_sections(person):
    records = TrainingRecord.objects.filter(person=person).select_related("unit", "correction").order_by("-date", "-id")
    yield table(
        "training_records",
        gettext_lazy("Training records"),
        [_("date"), _("training"), _("kind"), _("hours"), _("result"), _("unit"), _("voided")],
        [
            [r.date, r.reference, r.get_kind_display(), r.hours, r.result, r.unit.name, hasattr(r, "correction")]
            for r in records
        ],
    )
    attendances = Attendance.objects.filter(person=person).select_related("session").order_by("-recorded_at")
    yield table(
        "attendance",
        gettext_lazy("Attendance at training sessions"),
        [_("session"), _("starts at"), _("place"), _("recorded at"), _("recorded by")],
        [
            [a.session.title, a.session.starts_at, a.session.place, a.recorded_at, a.get_method_display()]
            for a in attendances
        ],
    )
    moves = PersonMove.objects.filter(person=person).select_related("from_unit", "to_unit").order_by("moved_on")
    yield table(
        "moves",
        gettext_lazy("Changes of unit"),
        [_("moved on"), _("from"), _("to")],
        [[m.moved_on, m.from_unit.name, m.to_unit.name] for m in moves],
    )
    requests = CorrectionRequest.objects.filter(person=person)
    yield table(
        "correction_requests",
        gettext_lazy("Your correction requests"),
        [_("asked on"), _("what should be corrected"), _("status"), _("answer")],
        [[r.created_at, r.message, r.get_status_display(), r.answer] for r in requests],
    )


def personal_data_of(person):
    """Everything held about ``person``, as sections: the list's fields, the account, the ledger, and what each
    app above adds through the ``personal_data_sections`` hook."""
    person = Person.objects.select_related("unit", "category", "user").get(pk=person.pk)
    sections = [_person_section(person), _account_section(person), *_lms_sections(person)]
    for app_sections in hooks.get_hooks("personal_data_sections"):
        sections.extend(app_sections(person))
    return [section for section in sections if section is not None]


def as_json(sections):
    """The sections as a JSON document (UTF-8): each a list of rows keyed by their headers."""
    document = {
        "generated_at": timezone.localtime().isoformat(),
        "sections": {
            section.key: {
                "title": section.title,
                "rows": [dict(zip(section.headers, row, strict=True)) for row in section.rows],
            }
            for section in sections
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def as_xlsx(sections):
    """The sections as one readable .xlsx sheet: each section's title, its headers and rows, a blank line between;
    formulas are neutralised by ``table_workbook``."""
    rows = []
    for section in sections:
        rows += [[section.title.upper()], section.headers, *section.rows, []]
    return table_workbook([_("Data held about you")], rows, title=_("My data"))


# The access log -------------------------------------------------------------------------------------


def log_access(*, user, kind, what, person=None, unit=None, detail=""):
    """Note that ``user`` viewed (``AccessKind.VIEW``) or exported personal data: one person's, or a list of
    ``unit`` (the person's unit when a person is given)."""
    return PersonalDataAccess.objects.create(
        user=user,
        kind=kind,
        what=str(what)[:255],
        person=person,
        unit_id=person.unit_id if person is not None else getattr(unit, "pk", None),
        detail=detail[:500],
    )


def log_view(*, user, person, what):
    return log_access(user=user, kind=AccessKind.VIEW, what=what, person=person)


def log_export(*, user, what, unit, detail=""):
    """Note a list exported by ``user``: ``unit`` is the unit whose list it is (the user's own unit when the
    export chose none)."""
    unit = unit or user.managed_unit
    return log_access(user=user, kind=AccessKind.EXPORT, what=what, unit=unit, detail=detail)


# Correction requests --------------------------------------------------------------------------------


@transaction.atomic
def request_correction(*, person, message):
    """A person asks for what is held about them to be corrected; their unit's organisers see it."""
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what should be corrected.")})
    correction = CorrectionRequest.objects.create(person=person, message=message)
    log(instance=correction, action="lms.correction_requested", user=person.user)
    return correction


@transaction.atomic
def handle_correction(*, correction, user, answer=""):
    """Mark a correction request handled (once), with the organiser's answer to the person."""
    handled = CorrectionRequest.objects.filter(pk=correction.pk, status=CorrectionStatus.OPEN).update(
        status=CorrectionStatus.HANDLED, handled_at=timezone.now(), handled_by=user, answer=answer.strip()
    )
    if not handled:
        raise ValidationError(_("This request has already been handled."))
    correction.refresh_from_db()
    log(instance=correction, action="lms.correction_handled", user=user)
    return correction


# Erasure ---------------------------------------------------------------------------------------------


@dataclass
class Erasure:
    """What erasing a person takes away: the texts that named them (``secrets``), each replaced by
    ``pseudonym`` wherever they were quoted."""

    pseudonym: str
    secrets: list

    def scrub(self, value):
        """``value`` (text, or JSON of lists and dicts) with every secret replaced by the pseudonym."""
        if isinstance(value, str):
            for secret in self.secrets:
                if secret.casefold() in value.casefold():
                    value = _replace_folded(value, secret, self.pseudonym)
            return value
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {self.scrub(key): self.scrub(item) for key, item in value.items()}
        return value

    def rows_quoting(self, queryset, field_name):
        """The rows of ``queryset`` whose text or JSON ``field_name`` quotes a secret (JSON in any escaping)."""
        field_object = queryset.model._meta.get_field(field_name)
        lookup = field_name
        if isinstance(field_object, models.JSONField):
            queryset = queryset.annotate(_as_text=Cast(field_name, models.TextField()))
            lookup = "_as_text"
        condition = models.Q()
        for secret in self.secrets:
            condition |= models.Q(**{f"{lookup}__icontains": secret})
            escaped = json.dumps(secret)[1:-1]  # SQLite keeps JSON with \\uXXXX escapes
            if escaped != secret:
                condition |= models.Q(**{f"{lookup}__icontains": escaped})
        return queryset.filter(condition)

    def scrub_field(self, queryset, field_name):
        """Rewrite ``field_name`` of every row of ``queryset`` quoting a secret."""
        for row in self.rows_quoting(queryset, field_name).only("pk", field_name):
            value = getattr(row, field_name)
            # Django's plain manager: a model whose own rows are never changed (a correction of a training record)
            # is still rewritten here, the one change the law asks of it
            queryset.model._base_manager.filter(pk=row.pk).update(**{field_name: self.scrub(value)})


def _replace_folded(text, secret, replacement):
    start, folded, target = 0, text.casefold(), secret.casefold()
    if len(folded) != len(text):  # casefold changed the length (ß...): replace the exact spelling only
        return text.replace(secret, replacement)
    parts = []
    while (found := folded.find(target, start)) != -1:
        parts += [text[start:found], replacement]
        start = found + len(secret)
    return "".join([*parts, text[start:]])


def _phone_spellings(phone):
    return [phone, "84" + phone[1:]] if phone else []


def secrets_of(person):
    """The texts that name ``person`` or reach them: name, phone (as typed too), email, the account's names."""
    values = [person.full_name, person.email, *_phone_spellings(person.phone)]
    if person.external_id:
        values.append(person.external_id)
    user = person.user
    if user is not None:
        values += [user.get_full_name(), user.username, user.email, *_phone_spellings(user.phone)]
    # the longest first, so that a name is replaced whole before a part of it would be
    return sorted({value for value in values if len(value) >= 4}, key=len, reverse=True)


def pseudonym_of(person):
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased person no. %(number)s") % {"number": person.pk}


# Where a person may be quoted in free text outside their own rows: logs, jobs, queued tasks, log-in attempts.
TRAIL_FIELDS = [
    ("lms.UnitLogEntry", ["label", "data"]),
    ("wagtailcore.ModelLogEntry", ["label", "data"]),
    ("wagtailcore.PageLogEntry", ["label", "data"]),
    ("lms.BackgroundJob", ["errors"]),
    ("lms.TrainingCorrection", ["reason"]),
    ("lms.PersonalDataAccess", ["detail"]),
    ("django_tasks_database.DBTaskResult", ["args_kwargs", "return_value", "traceback"]),
    ("axes.AccessAttempt", ["username", "get_data", "post_data"]),
    ("axes.AccessLog", ["username"]),
    ("axes.AccessFailureLog", ["username"]),
]


def _trail_models():
    for label, field_names in TRAIL_FIELDS:
        try:
            yield apps.get_model(label), field_names
        except LookupError:  # an optional app (django-axes, the database task backend) the site leaves out
            continue


def _scrub_trails(erasure):
    for model, field_names in _trail_models():
        for field_name in field_names:
            erasure.scrub_field(model._default_manager.all(), field_name)


def _end_sessions(user):
    """Log the account out everywhere: its sessions are deleted through the session engine, so that a cached copy
    goes too (reading each session is the only way to find the account's)."""
    user_id, store = str(user.pk), import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            store(session.session_key).delete()


def _erase_account(user, pseudonym):
    user.username = f"da-xoa-{user.pk}"
    user.first_name, user.last_name = pseudonym, ""
    user.email = user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    # a provider's id for the person would find the account again at the next single sign-on
    user.single_sign_on_identities.update(subject=Concat(Value("da-xoa-"), Cast("pk", models.CharField())))
    _end_sessions(user)


@transaction.atomic
def erase_person(*, person, reason, user=None):
    """Erase (pseudonymise) ``person`` on request or when they left: their name becomes a pseudonym, their phone,
    email, date of birth and external id go, their account is made anonymous and unusable, and every text that
    quoted them (logs, jobs, what the apps above hold) is rewritten. Nothing is deleted: their unit, category,
    dates, training records, certificates' register lines and so every report stay as they were. Refused twice.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the data is erased.")})
    person = Person.objects.select_related("user").get(pk=person.pk)
    erasure = Erasure(pseudonym=pseudonym_of(person), secrets=secrets_of(person))
    # claimed by a conditional update, so that two erasures at once (SQLite has no row locks) erase once
    if not Person.objects.filter(pk=person.pk, erased_at__isnull=True).update(erased_at=timezone.now()):
        raise ValidationError(_("This person's data has already been erased."))
    for erase_in_app in hooks.get_hooks("erase_personal_data"):
        erase_in_app(person, erasure)
    for correction in CorrectionRequest.objects.filter(person=person):
        CorrectionRequest.objects.filter(pk=correction.pk).update(
            message=erasure.pseudonym if correction.message else "", answer=erasure.scrub(correction.answer)
        )
    _scrub_trails(erasure)
    if person.user is not None:
        _erase_account(person.user, erasure.pseudonym)
    Person.objects.filter(pk=person.pk).update(
        full_name=erasure.pseudonym,
        search_name=fold(erasure.pseudonym),
        sort_key=name_sort_key(erasure.pseudonym),
        phone="",
        email="",
        birth_date=None,
        external_id="",
        updated_at=timezone.now(),
    )
    person.refresh_from_db()
    log(instance=person, action="lms.person_erased", user=user, data={"reason": erasure.scrub(reason)})
    return person


def retention_cutoff(today=None):
    """The last end date of the people the retention rule erases: ``PERSONAL_DATA_RETENTION_YEARS`` before today
    (None when the rule is off)."""
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    if not years:
        return None
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def people_past_retention(today=None):
    cutoff = retention_cutoff(today)
    if cutoff is None:
        return Person.objects.none()
    return Person.objects.filter(erased_at__isnull=True, end_date__lte=cutoff)


def erase_people_past_retention(*, today=None):
    """The retention rule, run by the weekly job: erase everyone who left (end date) at least
    ``PERSONAL_DATA_RETENTION_YEARS`` ago. Returns how many were erased."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Left more than %(years)s years ago (retention rule)") % {
            "years": settings.PERSONAL_DATA_RETENTION_YEARS
        }
    erased = 0
    for person in people_past_retention(today).order_by("pk").iterator():
        erase_person(person=person, reason=reason)
        erased += 1
    return erased
