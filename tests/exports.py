"""Reading the XLSX and CSV downloads of the admin's reports in tests."""

import csv
import io

from openpyxl import load_workbook

# A name that a spreadsheet program would run as a formula, and how each download must hold it: XLSX as a
# text cell, CSV behind an apostrophe, which spreadsheet programs read as "this is text".
FORMULA_NAME = '=HYPERLINK("http://example.com";"Bấm")'
NEUTRALISED = {"xlsx": ("s", FORMULA_NAME), "csv": f"'{FORMULA_NAME}"}


def downloaded(response):
    """The bytes of a download, streamed (Wagtail streams its CSV) or not."""
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def exported_rows(response, export_format):
    """The rows of a download, the headings first, every cell as text."""
    content = downloaded(response)
    if export_format == "csv":
        assert content.startswith("\ufeff".encode())  # Excel reads Vietnamese only after the byte-order mark
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    rows = load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    rows = [["" if value is None else str(value) for value in row] for row in rows]
    return [row + [""] * (len(rows[0]) - len(row)) for row in rows]  # read-only mode drops empty cells at the end


def exported_formula_cell(response, export_format, text):
    """The cell of a download that holds ``text`` (which starts with "="), as a spreadsheet program reads it:
    XLSX's type and value, or CSV's raw text."""
    content = downloaded(response)
    if export_format == "csv":
        cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
        return next(cell for cell in cells if text in cell)
    sheet = load_workbook(io.BytesIO(content)).active
    cell = next(cell for row in sheet.iter_rows() for cell in row if cell.value and text in str(cell.value))
    return cell.data_type, cell.value
