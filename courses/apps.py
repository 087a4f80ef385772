from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Course pages, enrolment and progress."""

    name = "courses"
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from courses.models import Question, QuestionCategory
        from courses.selectors import FILTER_CHOICE_MODELS, forget_catalogue_filter_choices
        from lms.pages import forget_pages

        for model in FILTER_CHOICE_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(forget_catalogue_filter_choices, sender=model, dispatch_uid=model._meta.label)
        # The catalogue and the course pages each process keeps show the courses' competences and audiences; the
        # quizzes' draws it keeps are made from the question bank (a question of any type, or a category).
        questions = [model for model in self.get_models() if issubclass(model, Question)]
        for model in [*FILTER_CHOICE_MODELS, QuestionCategory, *questions]:
            for signal in (post_save, post_delete):
                signal.connect(forget_pages, sender=model, dispatch_uid=f"courses.forget_pages.{model._meta.label}")
