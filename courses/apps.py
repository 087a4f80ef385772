from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Course pages, enrolment and progress."""

    name = "courses"
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Courses")
