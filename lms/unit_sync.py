"""Bringing the unit tree in line with an official unit list: an export of Mặt trận số's unit database, or any
CSV, XLSX or JSON list of code, name, level, parent code, validity dates and, for a merged unit, the code it
was merged into.

Each difference becomes one change made by the organisation's own services: a unit added, renamed, merged
(its people and units move, ``lms.services.merge_units``) or closed. All of them are made in one transaction,
or none when any row is refused; a dry run makes them and rolls them back, so it lists exactly what applying
would do. Applying the same list again changes nothing. Units the list does not name are left as they are
(a list may cover one province), nothing moves from one parent to another, and nothing closed is reopened.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms import services
from lms.importers import RowError, chunks, parse_level
from lms.models import Unit, UnitLevel
from lms.spreadsheets import CellError, Column, SheetFormatError, parse_date, read_rows, text

COLUMNS = (
    Column("code", "Mã đơn vị", required=True, help=gettext_lazy("The official code: how a row finds its unit.")),
    Column("name", "Tên đơn vị", required=True, help=gettext_lazy("A different name renames the unit.")),
    Column("level", "Cấp", help=gettext_lazy("Tỉnh, Xã, Phường, Tổ dân phố...; blank: Khu dân cư for a new unit.")),
    Column("parent_code", "Mã đơn vị cấp trên", help=gettext_lazy("Required for a new unit; units are never moved.")),
    Column("valid_from", "Hiệu lực từ", help=gettext_lazy("dd/mm/yyyy")),
    Column("valid_to", "Hiệu lực đến", help=gettext_lazy("dd/mm/yyyy: the unit closed on that day.")),
    Column("merged_into", "Sáp nhập vào", help=gettext_lazy("The code of the unit it was merged into.")),
)
CODE_LENGTH = Unit._meta.get_field("code").max_length
NAME_LENGTH = Unit._meta.get_field("name").max_length


def day(value):
    return value.strftime("%d/%m/%Y")


@dataclass
class ListedUnit:
    """One row of the list, read."""

    row: int
    code: str
    name: str
    level: str | None  # None when the cell is blank
    parent_code: str
    valid_from: date | None
    valid_to: date | None
    merged_into: str

    def closes_by(self, today):
        """Whether the list says the unit has closed by ``today``: merged, or ended on a day already come."""
        return bool(self.merged_into or self.valid_to) and (self.valid_to or today) <= today


@dataclass(frozen=True)
class Change:
    """One change the sync makes (or, in a dry run, would make), said in the user's language."""

    row: int
    text: str

    def __str__(self):
        return f"{_('Row %(row)s') % {'row': self.row}}: {self.text}"


@dataclass
class SyncReport:
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    left_out: int = 0  # closed units of the list that this site never had
    applied: bool = False


class _RollBack(Exception):
    pass


class UnitSync:
    """Reads a unit list and applies it to the tree (see the module's docstring)."""

    columns = COLUMNS
    label = gettext_lazy("Units")
    model = Unit

    def __init__(self, *, user=None, today=None):
        self.user = user
        self.today = today or timezone.localdate()
        self.report = SyncReport()
        self.additions, self.renames, self.merges, self.closings = [], [], [], []
        self.unreadable = set()  # codes of rows refused as read: rows naming them get no error of their own

    def run(self, file, filename, *, apply):
        """Check the list and make its changes; keep them only if ``apply`` and no row was refused."""
        try:
            with transaction.atomic():
                self.plan(self.read(file, filename))
                if not self.report.errors:
                    self.make_changes()
                if self.report.errors or not apply:
                    raise _RollBack
                self.report.applied = True
        except _RollBack:
            pass
        except SheetFormatError as error:
            self.report.errors.append(RowError(0, "", str(error)))
        if self.report.applied and self.report.changes:
            log(
                instance=Unit.get_first_root_node(),
                action="lms.unit_sync",
                user=self.user,
                data={"file": filename, "changes": len(self.report.changes)},
            )
        return self.report

    def error(self, row, column_field, message):
        header = next(column.header for column in COLUMNS if column.field == column_field)
        self.report.errors.append(RowError(row, header, message))

    # Reading ---------------------------------------------------------------------------------------------

    def read(self, file, filename):
        """The list's rows by code, each cell read and checked on its own."""
        listed = {}
        for row, values in read_rows(file, filename, COLUMNS):
            errors_before = len(self.report.errors)
            cells = {}
            for name, parse in (("level", parse_level), ("valid_from", parse_date), ("valid_to", parse_date)):
                try:
                    cells[name] = parse(values.get(name)) if text(values.get(name)) else None
                except CellError as error:
                    self.error(row, name, str(error))
            unit = ListedUnit(
                row=row,
                code=text(values.get("code")),
                name=text(values.get("name")),
                parent_code=text(values.get("parent_code")),
                merged_into=text(values.get("merged_into")),
                **{name: cells.get(name) for name in ("level", "valid_from", "valid_to")},
            )
            if not unit.code:
                self.error(row, "code", _("The code is missing."))
            elif len(unit.code) > CODE_LENGTH:
                self.error(row, "code", _("A code has at most %(count)s characters.") % {"count": CODE_LENGTH})
            elif unit.code in listed:
                self.error(row, "code", _("The code %(code)s appears twice in the file.") % {"code": unit.code})
            if not unit.name:
                self.error(row, "name", _("The name is missing."))
            elif len(unit.name) > NAME_LENGTH:
                self.error(row, "name", _("A name has at most %(count)s characters.") % {"count": NAME_LENGTH})
            if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
                self.error(row, "valid_to", _("The end date is before the start date."))
            if len(self.report.errors) == errors_before:
                listed[unit.code] = unit
            else:
                self.unreadable.add(unit.code)
        return listed

    # Comparing with the tree -----------------------------------------------------------------------------

    def plan(self, listed):
        """Compare every row with the tree and the rest of the list; note the changes or why a row is refused."""
        codes = {code for unit in listed.values() for code in (unit.code, unit.parent_code, unit.merged_into)}
        self.known = {
            unit.code: unit
            for chunk in chunks(codes - {""})
            for unit in Unit.objects.filter(code__in=chunk).select_related("merged_into")
        }
        parent_paths = {unit.path[: -Unit.steplen] for unit in self.known.values() if unit.depth > 1}
        self.code_at_path = {
            path: code
            for chunk in chunks(parent_paths)
            for path, code in Unit.objects.filter(path__in=chunk).values_list("path", "code")
        }
        self.listed = listed
        for unit in listed.values():
            if {unit.parent_code, unit.merged_into} & self.unreadable:
                continue
            existing = self.known.get(unit.code)
            if existing is None:
                self.plan_addition(unit)
            else:
                self.plan_existing(unit, existing)

    def level_of(self, code):
        """The level of the unit ``code``: the tree's, or the list's for a unit it adds."""
        unit = self.known.get(code) or self.listed.get(code)
        return UnitLevel(unit.level or UnitLevel.RESIDENTIAL_AREA)

    def successor(self, code):
        """The unit that ``code`` now is: itself, or the unit it was merged into (by the site or the list), so
        that a unit listed under its old parent is where that parent's merger moved it."""
        seen = {code}
        while True:
            existing, listed = self.known.get(code), self.listed.get(code)
            if existing is not None and existing.merged_into is not None:
                following = existing.merged_into.code
            elif listed is not None and listed.merged_into and listed.closes_by(self.today):
                following = listed.merged_into
            else:
                return code
            if following in seen:  # a loop of mergers in the list: refused where the merger is planned
                return code
            seen.add(following)
            code = following

    def is_open(self, code):
        """Whether the unit ``code`` stays open after the sync."""
        existing, listed = self.known.get(code), self.listed.get(code)
        return (existing is None or existing.is_active) and (listed is None or not listed.closes_by(self.today))

    def plan_addition(self, unit):
        if unit.closes_by(self.today):
            self.report.left_out += 1  # its code belongs to history only: nobody can be filed under it
            return
        errors_before = len(self.report.errors)
        parent_code = unit.parent_code
        if not parent_code:
            self.error(unit.row, "parent_code", _("A new unit needs the code of the unit above it."))
        elif parent_code not in self.known and parent_code not in self.listed:
            self.error(unit.row, "parent_code", _("No unit has the code %(code)s.") % {"code": parent_code})
        elif not self.is_open(parent_code):
            self.error(unit.row, "parent_code", _("The unit %(code)s is closed.") % {"code": parent_code})
        elif self.level_of(unit.code).rank <= self.level_of(parent_code).rank:
            self.error(unit.row, "level", _("A unit must be at a lower level than the unit above it."))
        if len(self.report.errors) == errors_before:
            self.additions.append(unit)

    def plan_existing(self, unit, existing):
        row = unit.row
        if unit.level and unit.level != existing.level:
            self.error(row, "level", _("The level of an existing unit cannot change."))
        current_parent = self.code_at_path.get(existing.path[: -Unit.steplen], "")
        if unit.parent_code and self.successor(unit.parent_code) != self.successor(current_parent):
            self.error(
                row,
                "parent_code",
                _(
                    "On this site the unit is under %(current)s, not %(code)s; a sync moves no unit: move it in the "
                    "admin (or with import_units) first."
                )
                % {"current": current_parent or "—", "code": unit.parent_code},
            )
        if unit.name != existing.name:
            self.renames.append((unit, existing))
        if not existing.is_active:
            self.check_still_closed(unit, existing)
        elif unit.closes_by(self.today) and unit.merged_into:
            self.plan_merge(unit, existing)
        elif unit.closes_by(self.today):
            self.closings.append((unit, existing))

    def check_still_closed(self, unit, existing):
        """A unit closed on the site stays closed the way it was: the list must say the same."""
        merged_into = existing.merged_into.code if existing.merged_into else ""
        if not unit.closes_by(self.today):
            self.error(
                unit.row,
                "valid_to",
                _("The unit %(code)s is closed on this site and cannot be reopened.") % {"code": unit.code},
            )
        elif unit.merged_into != merged_into:
            if merged_into:
                message = _("On this site this unit is already closed, merged into %(code)s.") % {"code": merged_into}
            else:
                message = _("On this site this unit is already closed, without a merger.")
            self.error(unit.row, "merged_into", message)

    def plan_merge(self, unit, existing):
        target_code = unit.merged_into
        if target_code == unit.code:
            self.error(unit.row, "merged_into", _("A unit cannot be merged into itself."))
        elif target_code not in self.known and target_code not in self.listed:
            self.error(unit.row, "merged_into", _("No unit has the code %(code)s.") % {"code": target_code})
        elif not self.is_open(target_code):
            self.error(unit.row, "merged_into", _("The unit %(code)s is closed.") % {"code": target_code})
        elif self.level_of(target_code) != existing.level:
            self.error(
                unit.row,
                "merged_into",
                _("%(source)s and %(target)s are not at the same level.")
                % {"source": unit.code, "target": target_code},
            )
        else:
            self.merges.append((unit, existing))

    # Making the changes ----------------------------------------------------------------------------------

    def make_changes(self):
        """Additions (upper levels first, so a new unit's parent is there), renames, merges, then closings (lower
        units first, so a unit is empty when its turn comes), each by its service; a refusal names its row."""
        # grouped by parent, in the order of the upper levels first: a new parent is made before its group
        by_parent = {}
        for unit in sorted(self.additions, key=lambda unit: self.level_of(unit.code).rank):
            by_parent.setdefault(unit.parent_code, []).append(unit)
        for parent_code, units in by_parent.items():
            parent = Unit.objects.get(code=parent_code)
            services.append_children(
                parent,
                [
                    Unit(
                        code=unit.code,
                        name=unit.name,
                        level=self.level_of(unit.code),
                        valid_from=unit.valid_from,
                        valid_to=unit.valid_to,
                    )
                    for unit in units
                ],
            )
            for unit in units:
                self.changed(
                    unit,
                    _("Add %(name)s (%(code)s) under %(parent)s (%(parent_code)s)")
                    % {"name": unit.name, "code": unit.code, "parent": parent.name, "parent_code": parent.code},
                )
        for unit, existing in self.renames:
            old_name = existing.name
            if self.by_service(unit, "name", services.rename_unit, unit=existing, name=unit.name, user=self.user):
                self.changed(
                    unit,
                    _("Rename %(code)s from “%(old)s” to “%(new)s”")
                    % {"code": unit.code, "old": old_name, "new": unit.name},
                )
        for unit, existing in self.merges:
            target = Unit.objects.get(code=unit.merged_into)
            on_date = unit.valid_to or self.today
            arguments = {"sources": [existing], "target": target, "on_date": on_date, "user": self.user}
            if self.by_service(unit, "merged_into", services.merge_units, **arguments):
                self.changed(
                    unit,
                    _("Merge %(name)s (%(code)s) into %(target)s (%(target_code)s) on %(date)s")
                    % {
                        "name": unit.name,
                        "code": unit.code,
                        "target": target.name,
                        "target_code": target.code,
                        "date": day(on_date),
                    },
                )
        for unit, existing in sorted(self.closings, key=lambda pair: -pair[1].depth):
            if self.by_service(
                unit, "valid_to", services.close_unit, unit=existing, on_date=unit.valid_to, user=self.user
            ):
                self.changed(
                    unit,
                    _("Close %(name)s (%(code)s) on %(date)s")
                    % {"name": unit.name, "code": unit.code, "date": day(unit.valid_to)},
                )

    def by_service(self, listed, column_field, service, **arguments):
        """Call ``service``; when it refuses, record its reason against ``column_field`` of the row ``listed``."""
        try:
            service(**arguments)
        except ValidationError as refusal:
            self.error(listed.row, column_field, " ".join(refusal.messages))
            return False
        return True

    def changed(self, unit, text):
        self.report.changes.append(Change(unit.row, text))
