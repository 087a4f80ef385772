"""The base of the admin's list and table reports: Wagtail's ``ReportView`` (filters, pagination, permission
checks, XLSX/CSV export), with exports that organisers can open in Excel safely and read in Vietnamese."""

import codecs
from datetime import datetime

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import policy_registry

from lms import personal_data
from lms.converters import parse_id
from lms.models import Unit
from lms.spreadsheets import csv_cell


class Streamed:
    """A queryset read in chunks, so that exporting a province's people does not hold them all in memory."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.model = queryset.model  # for Wagtail's default headings

    def __iter__(self):
        return self.queryset.iterator(chunk_size=2000)


class SafeExportMixin:
    """Wagtail's XLSX/CSV export as organisers need it. Wagtail turns formulas into text in XLSX only, so
    CSV cells are neutralised here too, and their decimals written as on screen (“90,5”); the CSV starts with
    the byte-order mark Excel needs to read Vietnamese; times are in Vietnam's time (Wagtail writes UTC: a
    course completed at 06:30 on 10/03 would read as completed the day before); querysets are streamed."""

    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime: {
            "xlsx": lambda value: timezone.localtime(value).replace(tzinfo=None),
            "csv": lambda value: timezone.localtime(value).strftime("%d/%m/%Y %H:%M"),
        },
    }

    def write_csv_row(self, writer, row_dict):
        cells = {field: self.preprocess_field_value(field, value, "csv") for field, value in row_dict.items()}
        return writer.writerow({field: csv_cell(value) for field, value in cells.items()})

    def stream_csv(self, queryset):
        yield codecs.BOM_UTF8
        yield from super().stream_csv(queryset)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if isinstance(queryset, QuerySet):
            queryset = Streamed(queryset)
        return super().as_spreadsheet(queryset, spreadsheet_format)


class LoggedExportMixin:
    """An export of people's personal data, noted in the access log (``lms.PersonalDataAccess``): ``export_what``
    names it; the unit is ``export_unit()``, by default the unit its filter chose (else the exporter's own)."""

    export_what = None

    def export_unit(self):
        unit_id = parse_id(self.request.GET.get("unit", ""))
        return Unit.objects.visible_to(self.request.user).filter(pk=unit_id).first() if unit_id else None

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # the query as typed (not URL-encoded), so that erasing a person finds their name in it
        detail = " ".join(f"{key}={value}" for key, value in self.request.GET.items())
        personal_data.log_export(user=self.request.user, what=self.export_what, unit=self.export_unit(), detail=detail)
        return super().as_spreadsheet(queryset, spreadsheet_format)


class ModelPermissionMixin(PermissionCheckedMixin):
    """Checks ``permission_required`` with the permission policy of ``permission_model``: the model whose
    permission opens a page is not always the one it shows (quizzes are read by those who may view
    attempts)."""

    permission_model = None

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.permission_model)


class UnitReportView(SafeExportMixin, ModelPermissionMixin, ReportView):
    """A report of what the viewer's unit subtree holds; by default for those who may view
    ``permission_model``."""

    permission_required = "view"


def report_urls(viewset, route, view_class, name):
    """The URLs of a report registered by ``viewset``: the page, and its results alone, which Wagtail
    fetches again when a filter changes."""
    names = {
        "index_url_name": viewset.get_url_name(name),
        "index_results_url_name": viewset.get_url_name(f"{name}_results"),
    }
    return [
        path(route, view_class.as_view(**names), name=name),
        path(f"{route}results/", view_class.as_view(results_only=True, **names), name=f"{name}_results"),
    ]
