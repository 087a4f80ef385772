"""The question bank in the Wagtail admin: one listing of every question, and one viewset per type
(a multi-table subtype cannot be edited inline), reached by picking the type first.

A trainer changes the categories and questions of their unit subtree (``visible_to``) and reads, exports and draws
from those they may use (``usable_by``): the shared ones and those of the units above theirs.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.widgets import HeaderButton

from courses.models import (
    QUESTION_TYPES,
    Question,
    QuestionCategory,
)
from courses.question_export import EXPORT_FORMATS, export_questions
from courses.question_formats import SHEET_COLUMNS
from courses.question_import import IMPORT_FORMATS, import_questions
from lms.admin.choosers import unit_chooser_viewset
from lms.admin.exports import workbook_download
from lms.admin.forms import ScopedFormMixin
from lms.admin.views import AdminPageMixin, ScopedEditView
from lms.admin.viewsets import ScopedViewSet
from lms.uploads import max_import_size
from lms.vietnamese import fold


def type_namespace(model):
    return f"courses_{model._meta.model_name}"


class UsableIndexView(IndexView):
    """A listing of what the user may use; only what they keep (their unit subtree) opens for editing."""

    def get_base_queryset(self):
        return super().get_base_queryset().usable_by(self.request.user)

    @cached_property
    def kept_ids(self):
        return set(self.model.objects.visible_to(self.request.user).values_list("pk", flat=True))

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if instance.pk in self.kept_ids else None


class CategoryForm(ScopedFormMixin, WagtailAdminModelForm):
    """A category of a unit the user keeps (only a superuser keeps shared ones), or inside a category they keep."""

    unit_fields = ("unit",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kept = QuestionCategory.objects.visible_to(self.for_user)
        self.fields["parent"].queryset = kept.exclude(pk=self.instance.pk) if self.instance.pk else kept
        if not self.for_user.is_superuser and not self.initial.get("unit"):
            self.initial["unit"] = self.for_user.managed_unit_id

    def clean(self):
        data = super().clean()
        if not data.get("parent") and not data.get("unit") and not self.for_user.is_superuser:
            self.add_error("unit", _("Choose the unit the category belongs to."))
        return data


class CategoryCreateView(CreateView):
    """The trainer who creates a category owns it."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.owner = self.request.user
        instance.save()
        return instance


class QuestionCategoryViewSet(ScopedViewSet):
    model = QuestionCategory
    name = "courses_questioncategory"
    url_prefix = "question-categories"
    icon = "folder-open-inverse"
    menu_order = 510
    index_view_class = UsableIndexView
    add_view_class = CategoryCreateView
    base_form_class = CategoryForm
    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("unit", widget=unit_chooser_viewset.widget_class)]
    list_display = ["name", "parent", "unit", "owner"]
    search_fields = ["name"]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(self.model)


class QuestionFilterSet(WagtailFilterSet):
    """Narrow a listing of questions to a category the user may use."""

    category = django_filters.ModelChoiceFilter(
        label=_("category"), queryset=lambda request: QuestionCategory.objects.usable_by(request.user)
    )
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Question
        fields = ["category", "is_active"]


class QuestionForm(WagtailAdminModelForm):
    """A question goes only into a category the user keeps."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QuestionCategory.objects.visible_to(self.for_user)


class QuestionEditView(ScopedEditView):
    """Each save makes a new version; attempts already started keep the version they froze."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.version += 1
        instance.save()
        self.form.save_m2m()
        return instance


class QuestionTypeViewSet(ScopedViewSet):
    """Add and edit one type of question; its listing is the bank's, filtered to the type."""

    add_to_admin_menu = False
    icon = "help"
    index_view_class = UsableIndexView
    edit_view_class = QuestionEditView
    list_display = ["name", "category", "points", "is_active"]
    filterset_class = QuestionFilterSet
    search_fields = ["name"]

    def __init__(self, model):
        self.model = model
        super().__init__(name=type_namespace(model), url_prefix=f"questions/{model._meta.model_name}")

    @property
    def panels(self):
        """The fields every question has around those of its type; a type may lay out its form itself."""
        if hasattr(self.model, "panels"):
            return self.model.panels
        return [
            FieldRowPanel([FieldPanel("category"), FieldPanel("points")]),
            FieldRowPanel([FieldPanel("name"), FieldPanel("idnumber")]),
            FieldPanel("text"),
            *self.model.type_panels,
            MultiFieldPanel([FieldPanel("general_feedback"), FieldPanel("is_active")], heading=_("After answering")),
        ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=QuestionForm).bind_to_model(self.model)


class QuestionBankIndexView(UsableIndexView):
    """Every question the user may use, whatever its type; each row they keep opens its type's form."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("category", "polymorphic_ctype")

    def get_edit_url(self, instance):
        if self.user_has_permission("change") and instance.pk in self.kept_ids:
            return reverse(f"{type_namespace(instance.get_real_instance_class())}:edit", args=[instance.pk])
        return None

    def get_add_url(self):
        return reverse("courses_question:choose_type") if self.user_has_permission("add") else None

    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("add"):
            buttons.append(
                HeaderButton(_("Import questions"), url=reverse("courses_question:import"), icon_name="upload")
            )
        buttons.append(
            HeaderButton(_("Export questions"), url=reverse("courses_question:export"), icon_name="download")
        )
        return buttons


class QuestionFileForm(forms.Form):
    file = forms.FileField(label=_("File"), validators=[max_import_size])
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(name, import_format.label) for name, import_format in IMPORT_FORMATS.items()],
        initial="gift",
    )
    category = forms.CharField(
        label=_("Into the category"), max_length=255, help_text=_("Made if it does not exist yet.")
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the readable questions even if some cannot be read"), required=False
    )


class QuestionImportView(AdminPageMixin, FormView):
    """Upload a file in one of ``IMPORT_FORMATS`` (the XLSX template is downloaded here): every question that
    cannot be read is listed with its line."""

    template_name = "courses/admin/import_questions.html"
    form_class = QuestionFileForm
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        # the questions go into a category of the user's unit: a user without one has nowhere to put them
        if not user.has_perm("courses.add_question") or not (user.is_superuser or user.managed_unit_id):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import questions")

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            headers = [column.header for column in SHEET_COLUMNS]
            return workbook_download(headers, [], filename="mau-cau-hoi")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=SHEET_COLUMNS, **kwargs)

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_question:index"), "label": capfirst(Question._meta.verbose_name_plural)}]

    def form_valid(self, form):
        data = form.cleaned_data
        result = import_questions(
            data["file"],
            filename=data["file"].name,
            file_format=data["file_format"],
            category_name=data["category"],
            owner=self.request.user,
            skip_invalid=data["skip_invalid"],
        )
        if result.errors and not data["skip_invalid"]:
            return self.render_to_response(self.get_context_data(form=form, errors=result.errors))
        summary = gettext(
            "%(added)s questions added, %(updated)s updated, %(existing)s already in the bank, %(skipped)s skipped."
        ) % {
            "added": result.added,
            "updated": result.updated,
            "existing": result.existing,
            "skipped": len(result.errors),
        }
        if not result.notes:
            messages.success(self.request, summary)
            return redirect("courses_question:index")
        return self.render_to_response(self.get_context_data(form=form, summary=summary, notes=result.notes))


class QuestionExportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=QuestionCategory.objects.none(),
        help_text=_("Its active questions and those of the categories inside it."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(name, export_format.label) for name, export_format in EXPORT_FORMATS.items()],
        initial="gift",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QuestionCategory.objects.usable_by(user)


class QuestionExportView(AdminPageMixin, FormView):
    """Download a category of the bank in one of ``EXPORT_FORMATS``, to move it or edit it and import it again."""

    template_name = "courses/admin/export_questions.html"
    form_class = QuestionExportForm
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("courses.view_question"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Export questions")

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_question:index"), "label": capfirst(Question._meta.verbose_name_plural)}]

    def get_form_kwargs(self):
        return {"data": self.request.GET or None, "user": self.request.user}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        category, file_format = form.cleaned_data["category"], form.cleaned_data["file_format"]
        content, changed = export_questions(category, file_format)
        if changed:
            messages.warning(
                request,
                gettext("Not written as they are in the bank: %(questions)s")
                % {"questions": "; ".join(f"{question.name}: {reason}" for question, reason in changed)},
            )
        export_format = EXPORT_FORMATS[file_format]
        response = HttpResponse(content, content_type=export_format.content_type)
        filename = f"{slugify(fold(category.name)) or 'cau-hoi'}.{export_format.extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ChooseQuestionTypeView(AdminPageMixin, TemplateView):
    template_name = "courses/admin/choose_question_type.html"
    header_icon = "help"

    def get_page_title(self):
        return _("Add a question")

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_question:index"), "label": capfirst(Question._meta.verbose_name_plural)}]

    def get_context_data(self, **kwargs):
        types = [
            (capfirst(model._meta.verbose_name), reverse(f"{type_namespace(model)}:add")) for model in QUESTION_TYPES
        ]
        return super().get_context_data(question_types=types, **kwargs)


def question_type_label(question):
    return capfirst(question.polymorphic_ctype.model_class()._meta.verbose_name)


def edit_by_type(request, pk):
    """The bank's own edit URL opens the form of the question's type."""
    question = get_object_or_404(Question.objects.visible_to(request.user), pk=pk)
    return redirect(f"{type_namespace(question.get_real_instance_class())}:edit", question.pk)


class QuestionBankViewSet(ScopedViewSet):
    model = Question
    name = "courses_question"
    url_prefix = "questions"
    icon = "help"
    menu_label = _("Question bank")
    menu_order = 500
    index_view_class = QuestionBankIndexView
    filterset_class = QuestionFilterSet
    search_fields = ["name"]
    form_fields = ["name"]  # never shown: adding and editing go through the question's type
    copy_view_enabled = False

    @property
    def list_display(self):
        return ["name", Column("type", label=_("type"), accessor=question_type_label), "category", "points"]

    @property
    def add_view(self):
        return lambda request: redirect("courses_question:choose_type")

    @property
    def edit_view(self):
        return edit_by_type

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("new-question/", ChooseQuestionTypeView.as_view(), name="choose_type"),
            path("import/", QuestionImportView.as_view(), name="import"),
            path("export/", QuestionExportView.as_view(), name="export"),
        ]


def question_type_viewsets():
    return [QuestionTypeViewSet(model) for model in QUESTION_TYPES]
