"""Tables downloaded from admin pages that are not Wagtail reports, as .xlsx files."""

from django.http import HttpResponse

from lms.spreadsheets import XLSX_TYPE, table_workbook


def workbook_download(headers, rows, *, filename):
    """A table as an .xlsx download named ``filename`` (without suffix)."""
    response = HttpResponse(table_workbook(headers, rows, title=filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
