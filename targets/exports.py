"""A coverage report as a file: the table as XLSX or CSV, or the whole report as a
PDF laid out as an official report (Nghị định 30/2020: issuing body, national heading, place and date,
title, table, signature block)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.documents import date_line, font_face, pdf_from_html
from lms.models import UnitLevel
from lms.spreadsheets import table_csv, table_workbook
from targets import charts

FORMATS = ("xlsx", "csv", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def row_label(row):
    return _("%(unit)s (its own people)") % {"unit": row.unit.name} if row.own_people else row.unit.name


def report_table(report):
    """``(headers, lines)``: one line per row of the report and one for its total."""
    headers = [
        _("Unit"),
        _("Code"),
        _("People counted"),
        _("Meeting the target"),
        _("Trainings"),
        _("Share (%)"),
        _("Threshold (%)"),
        _("Still needed"),
        _("Status"),
    ]

    def line(row, label):
        percent = "" if row.percent is None else row.percent
        status = str(row.status_label)
        return [label, row.unit.code, row.population, row.met, row.trainings, percent, row.threshold, row.gap, status]

    return headers, [line(row, row_label(row)) for row in report.rows] + [line(report.total, _("Total"))]


def report_filename(report, suffix=""):
    return f"chi-tieu-{report.target.slug}-{report.unit.code}-{report.as_of:%Y%m%d}{suffix}"


def report_file(report, file_format, *, signer=""):
    """The report as bytes in ``file_format`` (xlsx, csv or pdf); the PDF signed by ``signer`` (a full name)."""
    if file_format == "pdf":
        return report_pdf(report, signer=signer)
    headers, lines = report_table(report)
    if file_format == "csv":
        return table_csv(headers, lines)
    return table_workbook(headers, lines, title=report.target.slug)


def issuer_lines(unit):
    """The body issuing a unit's report, as Nghị định 30/2020 heads it: the unit's Front committee; for a
    residential area, its Ban công tác Mặt trận under the commune's committee."""
    if unit.level == UnitLevel.CENTRAL:
        return ["ỦY BAN TRUNG ƯƠNG", "MẶT TRẬN TỔ QUỐC VIỆT NAM"]
    if unit.level == UnitLevel.RESIDENTIAL_AREA:
        return [f"ỦY BAN MTTQ VIỆT NAM {unit.get_parent().name.upper()}", f"BAN CÔNG TÁC MẶT TRẬN {unit.name.upper()}"]
    return ["ỦY BAN MTTQ VIỆT NAM", unit.name.upper()]


def report_pdf(report, *, signer):
    unit = report.unit
    place = (unit.province.short_name or unit.province.name) if unit.province_id else unit.name
    html = render_to_string(
        "coverage/report_pdf.html",
        {
            "font_face": font_face(),
            "report": report,
            "rows": [(row_label(row), row) for row in report.rows_with_people],
            "issuer_lines": issuer_lines(unit),
            "signer": signer,
            "date_line": date_line(place, timezone.localdate()),
            "as_of": report.as_of,
            "bars": charts.bars(report),
        },
    )
    return pdf_from_html(html)
