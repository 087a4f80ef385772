"""The user forms of the Wagtail admin, with the phone number and the unit an organiser manages, and a
superuser's reset of a user's two-step verification."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_otp.plugins.otp_static.models import StaticToken
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.widgets.button import Button
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from lms import two_factor
from lms.admin.choosers import unit_chooser_viewset
from lms.admin.views import AdminPageMixin
from lms.models import Unit, UnitLevel, User

EXTRA_FIELDS = {"phone", "managed_unit"}


class ManagedUnitChoicesMixin:
    """The managed unit is picked in the searchable unit chooser (thousands of units are too many for a drop-down)
    and must be an active unit down to communes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["managed_unit"]
        field.queryset = Unit.objects.filter(is_active=True).exclude(level=UnitLevel.RESIDENTIAL_AREA)
        field.widget = unit_chooser_viewset.widget_class()


class AccountCreationForm(ManagedUnitChoicesMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | EXTRA_FIELDS


class AccountEditForm(ManagedUnitChoicesMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | EXTRA_FIELDS


class AccountEditView(WagtailUserEditView):
    """Wagtail's user edit page; a superuser also finds "Reset two-step verification" in its menu."""

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.is_superuser:
            url = reverse("wagtailusers_users:reset_two_factor", args=[self.object.pk])
            buttons.append(Button(_("Reset two-step verification"), url=url, icon_name="key", priority=40))
        return buttons


class TwoFactorResetView(AdminPageMixin, TemplateView):
    """A superuser removes a user's authenticator app and recovery codes (after a lost phone, say): the
    user sets up an app again at the next admin visit."""

    template_name = "wagtailusers/users/two_factor_reset.html"
    page_title = gettext_lazy("Reset two-step verification")
    header_icon = "key"

    def dispatch(self, request, pk):
        if not request.user.is_superuser:
            raise PermissionDenied
        self.account = get_object_or_404(User, pk=pk)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return get_user_display_name(self.account)

    def parent_breadcrumbs(self):
        return [
            {"url": reverse("wagtailusers_users:index"), "label": _("Users")},
            {"url": reverse("wagtailusers_users:edit", args=[self.account.pk]), "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "account": self.account,
            "app": two_factor.authenticator_app(self.account),
            "recovery_codes_left": StaticToken.objects.filter(device__user=self.account).count(),
        }

    def post(self, request):
        two_factor.reset_two_factor(user=self.account, by=request.user)
        messages.success(
            request,
            _("Two-step verification of %(user)s was reset: they set up an authenticator app at their next log-in.")
            % {"user": self.get_page_subtitle()},
        )
        return redirect("wagtailusers_users:edit", self.account.pk)


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin using the forms and pages above."""

    edit_view_class = AccountEditView

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                f"two-factor/reset/<{self.pk_path_converter}:pk>/",
                TwoFactorResetView.as_view(),
                name="reset_two_factor",
            ),
        ]
