"""The user forms of the Wagtail admin, with the phone number field."""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet


class AccountCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"phone"}


class AccountEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"phone"}


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin using the forms above."""

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm
