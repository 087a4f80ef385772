"""The organisation in the Wagtail admin: menus, viewsets, log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    actions.register_action("lms.load_official_units", _("Load official units"), _("Official units loaded"))
    actions.register_action("lms.unit_merge", _("Merge unit"), _("Merged into another unit"))
    actions.register_action("lms.unit_merge_target", _("Receive merged units"), _("Units merged into this one"))
    actions.register_action("lms.import", _("Import"), _("Imported from a spreadsheet"))
    actions.register_action("lms.attendance", _("Record attendance"), _("Attendance recorded"))
