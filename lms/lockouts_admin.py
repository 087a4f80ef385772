"""Log-in lockouts in the Wagtail admin: the ones that hold, for an organiser's subtree (every one for an
administrator), and lifting one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import MenuItem

from lms.admin.views import AdminPageMixin, ScopedIndexView
from lms.admin.viewsets import ScopedViewSet
from lms.lockouts import current_lockouts, lift_lockout
from lms.models import LoginLockout

LIFT_PERMISSION = "lms.change_loginlockout"


class LockoutIndexView(ScopedIndexView):
    """The lockouts that hold now, newest first."""

    def get_base_queryset(self):
        return current_lockouts(self.request.user)

    def get_list_more_buttons(self, instance):
        if not self.request.user.has_perm(LIFT_PERMISSION):
            return []
        return [MenuItem(_("Lift"), url=reverse("lms_loginlockout:lift", args=[instance.pk]), icon_name="lock-open")]


class LockoutLiftView(AdminPageMixin, TemplateView):
    """Asks, then lets a locked-out account (or address) try again at once."""

    template_name = "lms/admin/lockout_lift.html"
    page_title = gettext_lazy("Lift lockout")
    header_icon = "lock-open"

    def dispatch(self, request, pk):
        if not request.user.has_perm(LIFT_PERMISSION):
            raise PermissionDenied
        self.lockout = get_object_or_404(current_lockouts(request.user), pk=pk)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return str(self.lockout)

    def parent_breadcrumbs(self):
        return [{"url": reverse("lms_loginlockout:index"), "label": capfirst(LoginLockout._meta.verbose_name_plural)}]

    def post(self, request):
        try:
            lift_lockout(lockout=self.lockout, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(account)s can log in again.") % {"account": self.lockout})
        return redirect("lms_loginlockout:index")


class LockoutViewSet(ScopedViewSet):
    model = LoginLockout
    name = "lms_loginlockout"
    url_prefix = "lockouts"
    icon = "lock"
    menu_order = 500
    index_view_class = LockoutIndexView
    form_fields = []
    list_filter = []

    @property
    def list_display(self):
        return [
            Column("__str__", label=_("account")),
            Column("unit", label=_("unit")),
            Column("ip_address", label=_("IP address")),
            DateColumn("locked_at", label=_("locked at")),
        ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<id:pk>/lift/", LockoutLiftView.as_view(), name="lift")]
