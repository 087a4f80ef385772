from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    """Targets (chỉ tiêu), coverage reports against them, snapshots, reminders and the read-only API."""

    name = "coverage"
    verbose_name = _("Targets and coverage")
