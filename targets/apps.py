from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    """Targets (chỉ tiêu), coverage reports against them, snapshots, reminders and the read-only API."""

    # The package is not called "coverage" so that it cannot collide with coverage.py in a site's environment;
    # the app label, and with it the tables, permissions and templates, stays "coverage".
    name = "targets"
    label = "coverage"
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Targets and coverage")

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.signals import page_published

        from courses.models import CoursePage
        from lms.models import Person, Unit
        from lms.signals import people_changed, training_recorded
        from targets import summary
        from targets.models import Target

        training_recorded.connect(summary.training_recorded, dispatch_uid="coverage.training_recorded")
        post_save.connect(summary.target_saved, sender=Target, dispatch_uid="coverage.target_saved")
        page_published.connect(summary.course_published, sender=CoursePage, dispatch_uid="coverage.course_published")
        people_changed.connect(summary.people_changed, dispatch_uid="coverage.people_changed")
        for model in (Person, Unit):
            post_save.connect(summary.people_changed, sender=model, dispatch_uid=f"coverage.{model.__name__}_saved")
