"""Reading and writing the spreadsheets lists travel in (XLSX from Excel, or CSV), row by row."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lms.vietnamese import fold

SPREADSHEET_SUFFIXES = (".xlsx", ".csv")


class CellError(ValueError):
    """A cell that cannot be read; the message says why."""


@dataclass(frozen=True)
class Column:
    """A column of an import/export sheet: its Vietnamese header, and how to read it."""

    field: str
    header: str
    required: bool = False
    help: str = ""

    def matches(self, header):
        folded = fold(str(header or "")).replace("_", " ")
        return folded in (fold(self.header), self.field.replace("_", " "))


class SheetFormatError(ValueError):
    """The file as a whole cannot be read (wrong type, missing columns...)."""


def read_rows(file, filename, columns):
    """Yield ``(row_number, {field: value})`` for every non-empty row, streaming.

    The first row holds the headers; they are matched to ``columns`` without regard to case or
    diacritics. Row numbers are those a spreadsheet program shows (the header is row 1). A .json file (a list
    of objects, their keys the headers) is read too, its objects numbered from 1.
    """
    suffix = Path(filename).suffix.lower()
    first_row = 2
    if suffix == ".xlsx":
        rows = _xlsx_rows(file)
    elif suffix == ".csv":
        rows = _csv_rows(file)
    elif suffix == ".json":
        rows, first_row = _json_rows(file), 1
    else:
        raise SheetFormatError(_("Upload an .xlsx or .csv file."))
    try:
        headers = next(rows)
    except StopIteration:
        raise SheetFormatError(_("The file is empty.")) from None
    positions = {}
    for index, header in enumerate(headers):
        for column in columns:
            if column.matches(header) and column.field not in positions:
                positions[column.field] = index
    missing = [column.header for column in columns if column.required and column.field not in positions]
    if missing:
        raise SheetFormatError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    for row_number, values in enumerate(rows, start=first_row):
        if not any(value not in (None, "") for value in values):
            continue
        for index, value in enumerate(values):
            if isinstance(value, str) and "\x00" in value:  # no database text may hold it (PostgreSQL refuses)
                column = headers[index] if index < len(headers) else index + 1
                raise SheetFormatError(
                    _("Row %(row)s, column “%(column)s” holds a NUL character, which no text may hold.")
                    % {"row": row_number, "column": column}
                )
        yield (
            row_number,
            {field: (values[index] if index < len(values) else None) for field, index in positions.items()},
        )


def check_unpacked_size(file):
    """Refuse a workbook (a ZIP) that would unpack beyond ``LMS_IMPORT_MAX_UNPACKED_SIZE`` or is packed more
    tightly than ``LMS_IMPORT_MAX_PACKING_RATIO`` (a "zip bomb"), reading only its table of contents."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise SheetFormatError(_("The file is not a readable .xlsx workbook.")) from error
    finally:
        file.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    limit, ratio = settings.LMS_IMPORT_MAX_UNPACKED_SIZE, settings.LMS_IMPORT_MAX_PACKING_RATIO
    if unpacked > limit or unpacked > ratio * max(packed, 1):
        raise SheetFormatError(
            _(
                "The workbook unpacks to %(size)s (%(ratio)s times its size); workbooks that unpack to at most "
                "%(limit)s and at most %(max_ratio)s times their size are read. Split the list into smaller files."
            )
            % {
                "size": filesizeformat(unpacked),
                "ratio": unpacked // max(packed, 1),
                "limit": filesizeformat(limit),
                "max_ratio": ratio,
            }
        )


def _xlsx_rows(file):
    check_unpacked_size(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is no workbook
        raise SheetFormatError(_("The file is not a readable .xlsx workbook.")) from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _json_rows(file):
    """The objects of a JSON list as rows, under the keys any of them has; read whole (exports of units are a
    few megabytes at most)."""
    try:
        items = json.load(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise SheetFormatError(_("The file is not readable JSON.")) from error
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise SheetFormatError(_("The JSON file must hold a list of objects, one per row."))
    headers = list(dict.fromkeys(key for item in items for key in item))
    yield headers
    for item in items:
        yield [item.get(header) for header in headers]


def _csv_rows(file):
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        first_line = text.readline()
    except UnicodeDecodeError as error:
        raise SheetFormatError(_('The CSV file is not UTF-8 text; save it as "CSV UTF-8".')) from error
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield next(csv.reader([first_line], delimiter=delimiter))
        yield from reader
    except UnicodeDecodeError as error:
        raise SheetFormatError(_('The CSV file is not UTF-8 text; save it as "CSV UTF-8".')) from error
    except csv.Error as error:  # with the default dialect, only a cell over csv.field_size_limit()
        raise SheetFormatError(
            _("Line %(line)s of the CSV file has a cell longer than %(limit)s characters.")
            % {"line": reader.line_num + 1, "limit": f"{csv.field_size_limit():,}".replace(",", ".")}
        ) from error
    finally:
        text.detach()


def text(value):
    """A cell as trimmed text; whole numbers lose Excel's ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y")


def parse_date(value):
    """A date from an Excel date cell or text such as 05/03/2026; None when blank."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text(value), date_format).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text(value)})


def parse_hours(value):
    """A number of hours such as 3.5 or 3,5, below 10,000 (what the ledger stores); None when blank."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(text(value).replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():  # "NaN" and "Infinity" are Decimals too
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)})
    if number < 0:
        raise CellError(_("The number cannot be negative."))
    if number >= 10000:
        raise CellError(_("“%(value)s” hours is too many.") % {"value": text(value)})
    return number


YES_WORDS = {"co", "x", "1", "yes", "true", "dang hoat dong"}
NO_WORDS = {"khong", "0", "no", "false", "nghi"}


def parse_yes_no(value, default):
    """Có/Không, x, 1/0, yes/no; ``default`` when blank."""
    folded = fold(text(value))
    if not folded:
        return default
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    raise CellError(_("Write “Có” or “Không”."))


def template_workbook(columns, *, title):
    """An empty .xlsx sheet with the columns' headers in bold: a template to fill in."""
    return table_workbook([column.header for column in columns], [], title=title)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet program runs a cell starting with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula starts with an apostrophe,
    which Excel and LibreOffice read as "this is text"; numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value):
    """``value`` as a CSV cell: decimals written as the screen writes them (“90,5” in Vietnamese), text that a
    spreadsheet would run as a formula neutralised."""
    if isinstance(value, Decimal | float):
        return localize(value)
    return neutralised(force_str(value, strings_only=True))


def text_cell(sheet, value):
    """An .xlsx cell of ``value`` (translated labels may be lazy) that is never a formula, as in Wagtail's
    exports: text starting with "=" stays text."""
    cell = WriteOnlyCell(sheet, value=str(value) if isinstance(value, Promise) else value)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def table_workbook(headers, rows, *, title):
    """An .xlsx sheet of ``rows`` under ``headers`` in bold."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    header_font = Font(bold=True)
    header = []
    for value in headers:
        cell = text_cell(sheet, str(value))
        cell.font = header_font
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_csv(headers, rows):
    """``rows`` under ``headers`` as CSV bytes, with the byte-order mark Excel needs to read Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(value) for value in headers])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
