"""The audit log of what belongs to a unit (units, people, sessions, course assignments), readable by
each organiser for their own subtree only."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, LogEntryQuerySet, ModelLogEntryManager

from lms.models.scoping import UnitScopedQuerySet


def has_any_permission(user, content_type):
    return any(
        user.has_perm(f"{content_type.app_label}.{action}_{content_type.model}") for action in ("add", "change", "view")
    )


class UnitLogEntryQuerySet(UnitScopedQuerySet, LogEntryQuerySet):
    unit_path = "unit__path"


class UnitLogEntryManager(ModelLogEntryManager.from_queryset(UnitLogEntryQuerySet)):
    def get_queryset(self):
        # Wagtail's log manager builds its own queryset class, whatever ``from_queryset`` gave
        return UnitLogEntryQuerySet(self.model, using=self._db)

    def log_action(self, instance, action, **kwargs):
        kwargs.update(unit_id=instance.audit_unit_id)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        """Entries on the kinds of object ``user`` has any permission on, within the user's unit subtree.

        Wagtail's own check is not reused: it caches its answer on the user for whichever log model
        is asked first, which would hide these entries from Reports → Site history.
        """
        readable = [
            content_type_id
            for content_type_id in self.values_list("content_type_id", flat=True).distinct().order_by()
            if has_any_permission(user, ContentType.objects.get_for_id(content_type_id))
        ]
        return self.filter(content_type_id__in=readable).visible_to(user)


class UnitLogEntry(BaseLogEntry):
    """Wagtail's model log entry, with the unit the logged object belonged to when it was logged
    (models logged here give it as ``audit_unit_id``)."""

    object_id = models.CharField(max_length=255, db_index=True)
    # None for what belongs to no unit (what the whole install shares, the lockout of an unknown identity):
    # only superusers read those entries.
    unit = models.ForeignKey(
        "lms.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )

    objects = UnitLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("organisation log entry")
        verbose_name_plural = _("organisation log entries")
