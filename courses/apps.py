from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Course pages, enrolment and progress."""

    name = "courses"
    verbose_name = _("Courses")
