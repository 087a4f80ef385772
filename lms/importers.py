"""Spreadsheet imports with row-level validation: all rows are written, or none.

Every import first reads the whole file in chunks, checking each row and writing the good
ones inside one transaction; if any row is bad, or when only a preview is asked for, the
transaction is rolled back. So the preview's counts are exactly what applying would do, and a
file applied twice changes nothing the second time.
"""

from dataclasses import dataclass, field
from itertools import islice

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms import activation, ledger, roles, services
from lms.models import (
    Attendance,
    AttendanceMethod,
    Gender,
    Person,
    PersonCategory,
    TrainingRecord,
    Unit,
    UnitLevel,
    User,
    unit_search_key,
)
from lms.phones import normalize_phone
from lms.signals import people_changed
from lms.spreadsheets import (
    CellError,
    Column,
    SheetFormatError,
    parse_date,
    parse_hours,
    parse_yes_no,
    read_rows,
    text,
)
from lms.vietnamese import fold

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class RowError:
    """Why one row (and which column of it) was refused; row 0 is the file as a whole."""

    row: int
    column: str
    message: str

    def __str__(self):
        if not self.row:
            return self.message
        where = _("Row %(row)s") % {"row": self.row}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import did, or would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    applied: bool = False

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged


class _RollBack(Exception):
    pass


def chunks(iterable, size=CHUNK_SIZE):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SpreadsheetImport:
    """One kind of import: its columns, and how a chunk of rows is checked and written."""

    columns: tuple = ()
    label = ""
    model = None  # what the rows become

    def __init__(self, *, scope=None, user=None):
        self.scope = scope  # the organiser's unit: rows outside it are refused
        self.user = user
        self.report = ImportReport()

    def run(self, file, filename, *, apply):
        """Read ``file``; write it if ``apply`` and every row is good. Returns the report."""
        try:
            with transaction.atomic():
                for chunk in chunks(read_rows(file, filename, self.columns)):
                    self.import_chunk(chunk)
                if self.report.errors or not apply:
                    raise _RollBack
                self.report.applied = True
        except _RollBack:
            pass
        except SheetFormatError as error:
            self.report.errors.append(RowError(0, "", str(error)))
        except IntegrityError:
            self.report.errors.append(
                RowError(0, "", _("The file conflicts with data saved at the same time; try again."))
            )
        if self.report.applied:
            self.log_import(filename)
        return self.report

    def import_chunk(self, rows):
        raise NotImplementedError

    def log_import(self, filename):
        log(
            instance=self.scope or Unit.get_first_root_node(),
            action="lms.import",
            user=self.user,
            data={"file": filename, "kind": str(self.label), "created": self.report.created},
        )

    def error(self, row_number, column_field, message):
        header = next((column.header for column in self.columns if column.field == column_field), "")
        self.report.errors.append(RowError(row_number, header, message))

    def read_cell(self, row_number, values, column_field, parse):
        """Parse one cell, recording an error (and returning None) when it cannot be read."""
        try:
            return parse(values.get(column_field))
        except CellError as error:
            self.error(row_number, column_field, str(error))
            return None

    def in_scope(self, unit):
        return self.scope is None or unit.path.startswith(self.scope.path)

    def units_by_code(self, codes):
        return {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}

    def people_by_identity(self, rows):
        """Existing people whose external id or phone appears in ``rows``, by each of the two."""
        external_ids = {text(values.get("external_id")) for _row, values in rows} - {""}
        phones = {normalize_phone(phone_text(values.get("phone"))) for _row, values in rows} - {"", None}
        by_id = {
            person.pk: person
            for query in (Q(external_id__in=external_ids), Q(phone__in=phones))
            for person in Person.objects.filter(query).select_related("unit")
        }
        by_external_id, by_phone = {}, {}
        for person in by_id.values():
            if person.external_id:
                by_external_id[person.external_id] = person
            if person.phone:
                by_phone[person.phone] = person
        return by_external_id, by_phone


def phone_text(value):
    """Excel keeps phone numbers typed as numbers without their leading 0: put it back.

    Mobile numbers lose it at 9 digits, landlines (02xx area codes) at 10.
    """
    digits = text(value)
    if isinstance(value, (int, float)) and (len(digits) == 9 or (len(digits) == 10 and digits.startswith("2"))):
        return "0" + digits
    return digits


UNIT_LEVEL_WORDS = {
    "trung uong": UnitLevel.CENTRAL,
    "tinh": UnitLevel.PROVINCE,
    "thanh pho": UnitLevel.PROVINCE,
    "tinh, thanh pho": UnitLevel.PROVINCE,
    "huyen": UnitLevel.DISTRICT,
    "quan": UnitLevel.DISTRICT,
    "thi xa": UnitLevel.DISTRICT,
    "xa": UnitLevel.COMMUNE,
    "phuong": UnitLevel.COMMUNE,
    "dac khu": UnitLevel.COMMUNE,
    "khu dan cu": UnitLevel.RESIDENTIAL_AREA,
    "thon": UnitLevel.RESIDENTIAL_AREA,
    "to dan pho": UnitLevel.RESIDENTIAL_AREA,
    "ap": UnitLevel.RESIDENTIAL_AREA,
    "ban": UnitLevel.RESIDENTIAL_AREA,
    "xom": UnitLevel.RESIDENTIAL_AREA,
    "khoi": UnitLevel.RESIDENTIAL_AREA,
    "khom": UnitLevel.RESIDENTIAL_AREA,
    "buon": UnitLevel.RESIDENTIAL_AREA,
    "lang": UnitLevel.RESIDENTIAL_AREA,
    **{level.value.replace("_", " "): level for level in UnitLevel},
}


def parse_level(value):
    folded = fold(text(value)).replace("_", " ")
    if not folded:
        return UnitLevel.RESIDENTIAL_AREA
    level = UNIT_LEVEL_WORDS.get(folded)
    if level is None:
        raise CellError(_("Unknown level “%(value)s”; write e.g. Khu dân cư, Xã, Tỉnh.") % {"value": text(value)})
    return level


class UnitImport(SpreadsheetImport):
    """Residential areas and other local units, created or updated by code."""

    label = gettext_lazy("Units")
    model = Unit
    columns = (
        Column("code", "Mã đơn vị", required=True, help=gettext_lazy("Unique; never reused.")),
        Column("name", "Tên đơn vị", required=True, help=gettext_lazy("e.g. Tổ dân phố số 3")),
        Column("short_name", "Tên ngắn"),
        Column("level", "Cấp", help=gettext_lazy("Khu dân cư (default), Xã, Phường, Tỉnh...")),
        Column(
            "parent_code",
            "Mã đơn vị cấp trên",
            help=gettext_lazy("Required for a new unit; a different one moves the unit."),
        ),
        Column("valid_from", "Hiệu lực từ", help=gettext_lazy("dd/mm/yyyy")),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_codes = set()
        self.parent_of_new = {}  # code of a unit of this chunk not saved yet -> the unit above it

    def import_chunk(self, rows):
        codes = {text(values.get("code")) for _row, values in rows}
        codes |= {text(values.get("parent_code")) for _row, values in rows}
        known = self.units_by_code(codes - {""})
        new_by_parent, moves = {}, []
        for row_number, values in rows:
            cleaned = self.clean_row(row_number, values, known)
            if cleaned is None:
                continue
            code, parent, fields = cleaned
            unit = known.get(code)
            if unit is None:
                unit = Unit(code=code, **fields)
                # a parent's own row comes first, so each group is listed after its parent's group
                new_by_parent.setdefault(parent.code, (parent, []))[1].append(unit)
                self.parent_of_new[code] = parent
                known[code] = unit
                self.report.created += 1
            elif self.update_unit(unit, parent, fields):
                moves.append((unit, parent))
        for parent, children in new_by_parent.values():
            parent.refresh_from_db(fields=["path", "depth", "numchild", "province", "commune"])
            services.append_children(parent, children)
        self.parent_of_new.clear()
        for unit, parent in moves:
            Unit.objects.get(pk=unit.pk).move(Unit.objects.get(pk=parent.pk), "last-child")
            services.refresh_ancestry(Unit.objects.get(pk=unit.pk))

    def saved_ancestor(self, unit):
        """``unit`` itself if it is saved, else the nearest saved unit above it."""
        while unit.pk is None:
            unit = self.parent_of_new[unit.code]
        return unit

    def clean_row(self, row_number, values, known):
        errors_before = len(self.report.errors)
        code = text(values.get("code"))
        name = text(values.get("name"))
        parent_code = text(values.get("parent_code"))
        level = self.read_cell(row_number, values, "level", parse_level)
        valid_from = self.read_cell(row_number, values, "valid_from", parse_date)
        if not code:
            self.error(row_number, "code", _("The code is missing."))
        elif code in self.seen_codes:
            self.error(row_number, "code", _("The code %(code)s appears twice in the file.") % {"code": code})
        self.seen_codes.add(code)
        if not name:
            self.error(row_number, "name", _("The name is missing."))
        if len(self.report.errors) > errors_before:
            return None
        unit = known.get(code)
        parent = known.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            self.error(row_number, "parent_code", _("No unit has the code %(code)s.") % {"code": parent_code})
        if unit is None and not parent_code:
            self.error(row_number, "parent_code", _("A new unit needs the code of the unit above it."))
        if unit is not None and not unit.is_active:
            self.error(
                row_number, "code", _("The unit %(code)s is closed; its code cannot be reused.") % {"code": code}
            )
        if unit is not None and level is not None and unit.level != level and values.get("level"):
            self.error(row_number, "level", _("The level of an existing unit cannot change."))
        if parent is not None:
            saved_parent = self.saved_ancestor(parent)
            if not parent.is_active:
                self.error(row_number, "parent_code", _("The unit %(code)s is closed.") % {"code": parent_code})
            if not self.in_scope(saved_parent):
                self.error(
                    row_number, "parent_code", _("The unit %(code)s is outside your unit.") % {"code": parent_code}
                )
            if level is not None and level.rank <= UnitLevel(parent.level).rank:
                self.error(row_number, "level", _("A unit must be at a lower level than the unit above it."))
            if unit is not None and saved_parent.path.startswith(unit.path):
                self.error(row_number, "parent_code", _("A unit cannot be moved below itself."))
        if unit is not None and not self.in_scope(unit):
            self.error(row_number, "code", _("The unit %(code)s is outside your unit.") % {"code": code})
        if len(self.report.errors) > errors_before:
            return None
        fields = {"name": name, "short_name": text(values.get("short_name")), "valid_from": valid_from}
        if unit is None:
            fields["level"] = level
        return code, parent, fields

    def update_unit(self, unit, parent, fields):
        """Save changed fields of an existing unit; True when it must also move below ``parent``."""
        changed = {name: value for name, value in fields.items() if getattr(unit, name) != value}
        if "valid_from" in changed and changed["valid_from"] is None:
            del changed["valid_from"]  # a blank cell does not erase a known date
        moves = parent is not None and (
            parent.pk is None or not unit.path.startswith(parent.path) or unit.depth != parent.depth + 1
        )
        if changed:
            search_key = unit_search_key(fields["name"], fields["short_name"])
            Unit.objects.filter(pk=unit.pk).update(**changed, search_key=search_key)
        if changed or moves:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return moves


GENDER_WORDS = {"nam": Gender.MALE, "male": Gender.MALE, "nu": Gender.FEMALE, "female": Gender.FEMALE}


def parse_gender(value):
    folded = fold(text(value))
    if not folded:
        return ""
    if folded not in GENDER_WORDS:
        raise CellError(_("Write “Nam” or “Nữ”."))
    return GENDER_WORDS[folded]


PERSON_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "unit",
    "position",
    "category",
    "phone",
    "email",
    "external_id",
    "is_active",
    "start_date",
    "end_date",
)
# the same, as the attributes holding their values (unit_id, not unit: reading it would query)
PERSON_COLUMNS = tuple(Person._meta.get_field(name).attname for name in PERSON_FIELDS)


class PeopleImport(SpreadsheetImport):
    """People, created or updated by external id (or, without one, by phone)."""

    label = gettext_lazy("People")
    model = Person
    columns = (
        Column(
            "external_id", "Mã định danh", help=gettext_lazy("The id in your own list. This or the phone is needed.")
        ),
        Column("full_name", "Họ và tên", required=True),
        Column("gender", "Giới tính", help=gettext_lazy("Nam or Nữ")),
        Column("birth_date", "Ngày sinh", help=gettext_lazy("dd/mm/yyyy")),
        Column("unit_code", "Mã đơn vị", required=True),
        Column("position", "Chức vụ"),
        Column("category", "Phân loại", required=True, help=gettext_lazy("A person category, by name or code.")),
        Column("phone", "Điện thoại"),
        Column("email", "Email"),
        Column("start_date", "Ngày bắt đầu", help=gettext_lazy("dd/mm/yyyy")),
        Column("end_date", "Ngày kết thúc", help=gettext_lazy("dd/mm/yyyy")),
        Column("is_active", "Đang hoạt động", help=gettext_lazy("Có (default) or Không")),
    )

    def __init__(self, *, create_accounts=False, send_activation=False, **kwargs):
        super().__init__(**kwargs)
        self.create_accounts = create_accounts
        self.send_activation = send_activation
        self.people_with_new_accounts = []
        self.seen_external_ids = set()
        self.seen_phones = set()
        self.seen_people = set()
        self.categories = {}
        for category in PersonCategory.objects.all():
            self.categories[fold(category.code)] = category
            self.categories[fold(category.name)] = category
        self.accounts_created = 0
        self.activation_links_sent = 0

    def run(self, file, filename, *, apply):
        """Import; then, if asked, email an activation link to each new account that has an email address."""
        report = super().run(file, filename, apply=apply)
        if report.applied and self.send_activation:
            self.activation_links_sent = activation.send_activation_links(
                Person.objects.filter(pk__in=[person.pk for person in self.people_with_new_accounts]), by=self.user
            )
        return report

    def import_chunk(self, rows):
        units = self.units_by_code({text(values.get("unit_code")) for _row, values in rows})
        by_external_id, by_phone = self.people_by_identity(rows)
        to_create, to_update = [], []
        for row_number, values in rows:
            person = self.clean_row(row_number, values, units, by_external_id, by_phone)
            if person is None:
                continue
            if person.pk is None:
                to_create.append(person)
            elif not self.has_changes(person):
                self.report.unchanged += 1
            else:
                to_update.append(person)
        if self.report.errors:
            return  # the import will be rolled back: no need to write
        Person.objects.bulk_create(to_create)
        Person.objects.bulk_update(to_update, [*PERSON_FIELDS, "province", "commune", "sort_key", "search_name"])
        services.record_moves([(person.pk, person.previous_values["unit_id"], person.unit_id) for person in to_update])
        people_changed.send(sender=Person)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        if self.create_accounts:
            self.give_accounts([*to_create, *to_update])

    def clean_row(self, row_number, values, units, by_external_id, by_phone):
        errors_before = len(self.report.errors)
        external_id = text(values.get("external_id"))
        full_name = text(values.get("full_name"))
        unit_code = text(values.get("unit_code"))
        raw_phone = phone_text(values.get("phone"))
        phone = normalize_phone(raw_phone)
        category = self.categories.get(fold(text(values.get("category"))))
        unit = units.get(unit_code)
        fields = {
            "gender": self.read_cell(row_number, values, "gender", parse_gender),
            "birth_date": self.read_cell(row_number, values, "birth_date", parse_date),
            "start_date": self.read_cell(row_number, values, "start_date", parse_date),
            "end_date": self.read_cell(row_number, values, "end_date", parse_date),
            "is_active": self.read_cell(row_number, values, "is_active", lambda value: parse_yes_no(value, True)),
        }
        if not full_name:
            self.error(row_number, "full_name", _("The name is missing."))
        if not unit_code:
            self.error(row_number, "unit_code", _("The unit code is missing."))
        elif unit is None:
            self.error(row_number, "unit_code", _("No unit has the code %(code)s.") % {"code": unit_code})
        elif not unit.is_active:
            self.error(row_number, "unit_code", _("The unit %(code)s is closed.") % {"code": unit_code})
        elif not self.in_scope(unit):
            self.error(row_number, "unit_code", _("The unit %(code)s is outside your unit.") % {"code": unit_code})
        if category is None:
            self.error(
                row_number, "category", _("Unknown category “%(value)s”.") % {"value": text(values.get("category"))}
            )
        if phone is None:
            self.error(row_number, "phone", _("“%(value)s” is not a Vietnamese phone number.") % {"value": raw_phone})
        elif phone in self.seen_phones:
            self.error(
                row_number, "phone", _("The phone number %(phone)s appears twice in the file.") % {"phone": phone}
            )
        if external_id in self.seen_external_ids:
            self.error(row_number, "external_id", _("The id %(id)s appears twice in the file.") % {"id": external_id})
        if not external_id and not phone:
            self.error(
                row_number,
                "external_id",
                _("Give an external id or a phone number, so that importing again updates this person."),
            )
        if fields["birth_date"] and fields["birth_date"].year < 1900:
            self.error(row_number, "birth_date", _("The date of birth is too early."))
        if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
            self.error(row_number, "end_date", _("The end date is before the start date."))
        email = text(values.get("email")).lower()
        if email and "@" not in email:
            self.error(row_number, "email", _("“%(value)s” is not an email address.") % {"value": email})
        if external_id:
            self.seen_external_ids.add(external_id)
        if phone:
            self.seen_phones.add(phone)

        person = by_external_id.get(external_id) if external_id else by_phone.get(phone)
        phone_owner = by_phone.get(phone) if phone else None
        if phone_owner is not None and phone_owner is not person:
            if self.in_scope(phone_owner.unit):
                message = _("The phone number %(phone)s belongs to %(name)s already.")
            else:  # a person outside the organiser's units is not named
                message = _("The phone number %(phone)s is already used by someone outside your unit.")
            self.error(row_number, "phone", message % {"phone": phone, "name": phone_owner})
        if person is not None and not self.in_scope(person.unit):
            self.error(row_number, "external_id", _("This person belongs to a unit outside yours."))
        if person is not None and person.pk in self.seen_people:
            self.error(row_number, "external_id", _("This person appears twice in the file."))
        if len(self.report.errors) > errors_before:
            return None
        if person is None:
            person = Person()
        else:
            self.seen_people.add(person.pk)
            person.previous_values = {name: getattr(person, name) for name in PERSON_COLUMNS}
        fields.update(
            full_name=full_name,
            unit=unit,
            position=text(values.get("position")),
            category=category,
            phone=phone,
            email=email,
            external_id=external_id or person.external_id,
        )
        for name, value in fields.items():
            setattr(person, name, value)
        person.prepare_for_save()
        return person

    @staticmethod
    def has_changes(person):
        return any(getattr(person, name) != value for name, value in person.previous_values.items())

    def give_accounts(self, people):
        """Learner accounts, without a password: the learner chooses one through an activation link or code
        (``lms.activation``). They log in by phone."""
        candidates = [person for person in people if person.user_id is None and person.phone]
        if not candidates:
            return
        existing = {user.phone: user for user in User.objects.filter(phone__in=[p.phone for p in candidates])}
        linked = set(Person.objects.filter(user__in=existing.values()).values_list("user_id", flat=True))
        new_users = []
        for person in candidates:
            user = existing.get(person.phone)
            if user is None or user.pk in linked:
                user = activation.new_learner_user(person)
                new_users.append(user)
                self.people_with_new_accounts.append(person)
            person.user = user
        User.objects.bulk_create(new_users)
        learners = Group.objects.get(name=roles.LEARNER)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=learners.pk) for user in new_users]
        )
        Person.objects.bulk_update(candidates, ["user"])
        self.accounts_created += len(new_users)


class TrainingHistoryImport(SpreadsheetImport):
    """Trainings done before the platform, one ledger row per line; importing again adds nothing."""

    label = gettext_lazy("Training history")
    model = TrainingRecord
    columns = (
        Column("external_id", "Mã định danh", help=gettext_lazy("The person's id; or give the phone.")),
        Column("phone", "Điện thoại"),
        Column("date", "Ngày", required=True, help=gettext_lazy("dd/mm/yyyy")),
        Column("reference", "Nội dung", required=True, help=gettext_lazy("What the training was.")),
        Column("hours", "Số giờ"),
        Column("result", "Kết quả"),
        Column("record_id", "Mã bản ghi", help=gettext_lazy("Optional id of the line in your records.")),
    )

    def import_chunk(self, rows):
        by_external_id, by_phone = self.people_by_identity(rows)
        trainings = []
        for row_number, values in rows:
            training = self.clean_row(row_number, values, by_external_id, by_phone)
            if training is not None:
                trainings.append(training)
        if self.report.errors:
            return
        written = ledger.record_imported(trainings=trainings)
        self.report.created += len(written)
        self.report.unchanged += len(trainings) - len(written)

    def clean_row(self, row_number, values, by_external_id, by_phone):
        errors_before = len(self.report.errors)
        person = find_person(self, row_number, values, by_external_id, by_phone)
        date = self.read_cell(row_number, values, "date", parse_date)
        hours = self.read_cell(row_number, values, "hours", parse_hours)
        reference = text(values.get("reference"))
        if date is None and "date" not in {error.column for error in self.report.errors[errors_before:]}:
            self.error(row_number, "date", _("The date is missing."))
        if not reference:
            self.error(row_number, "reference", _("The training is missing."))
        if len(self.report.errors) > errors_before:
            return None
        record_id = text(values.get("record_id"))
        fingerprint = record_id or f"{person.pk}|{date.isoformat()}|{fold(reference)}"
        return ledger.ImportedTraining(
            person=person,
            fingerprint=fingerprint,
            reference=reference,
            date=date,
            hours=hours,
            result=text(values.get("result")),
        )


def find_person(importer, row_number, values, by_external_id, by_phone):
    """The person a row names by external id or phone, or None after recording why not."""
    external_id = text(values.get("external_id"))
    phone = normalize_phone(phone_text(values.get("phone")))
    person = by_external_id.get(external_id) if external_id else by_phone.get(phone) if phone else None
    if not external_id and not phone:
        importer.error(row_number, "external_id", _("Give the person's external id or phone number."))
    elif person is None:
        importer.error(row_number, "external_id", _("No person has this id or phone number."))
    elif not importer.in_scope(person.unit):
        importer.error(row_number, "external_id", _("This person belongs to a unit outside yours."))
    else:
        return person
    return None


class AttendanceImport(SpreadsheetImport):
    """The attendance list of one session, by external id or phone."""

    label = gettext_lazy("Attendance")
    model = Attendance
    columns = (
        Column("external_id", "Mã định danh", help=gettext_lazy("The person's id; or give the phone.")),
        Column("phone", "Điện thoại"),
        Column("full_name", "Họ và tên", help=gettext_lazy("For your reading only.")),
    )

    def __init__(self, *, session, **kwargs):
        super().__init__(**kwargs)
        self.session = session

    def import_chunk(self, rows):
        by_external_id, by_phone = self.people_by_identity(rows)
        people = []
        for row_number, values in rows:
            person = find_person(self, row_number, values, by_external_id, by_phone)
            if person is not None:
                people.append(person)
        if self.report.errors:
            return
        recorded = services.record_attendance(
            session=self.session, people=people, method=AttendanceMethod.IMPORTED, user=self.user
        )
        self.report.created += recorded
        self.report.unchanged += len(people) - recorded

    def log_import(self, filename):
        pass  # record_attendance logs on the session
