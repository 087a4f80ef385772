"""Tables downloaded from admin pages, as .xlsx or .csv files."""

from django.http import HttpResponse

from lms.spreadsheets import table_csv, table_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(headers, rows, *, filename, file_format):
    """A table as an .xlsx or .csv download named ``filename`` (without suffix)."""
    if file_format == "csv":
        response = HttpResponse(table_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_workbook(headers, rows, title=filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{"csv" if file_format == "csv" else "xlsx"}"'
    return response
