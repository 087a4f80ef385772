"""The user forms of the Wagtail admin, with the phone number and the unit an organiser manages."""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from lms.models import Unit, UnitLevel

EXTRA_FIELDS = {"phone", "managed_unit"}


class ManagedUnitChoicesMixin:
    """Offer the active units down to communes, in tree order, indented by level."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["managed_unit"]
        field.queryset = Unit.objects.filter(is_active=True).exclude(level=UnitLevel.RESIDENTIAL_AREA).order_by("path")
        field.label_from_instance = Unit.tree_label


class AccountCreationForm(ManagedUnitChoicesMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | EXTRA_FIELDS


class AccountEditForm(ManagedUnitChoicesMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | EXTRA_FIELDS


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin using the forms above."""

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm
