"""Who sees what in the admin menus, and a permission policy for models that are never deleted."""

from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy


def menu_item_for(permission):
    """A menu item class shown only to users with ``permission``."""

    class PermittedMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm(permission)

    return PermittedMenuItem


class NeverDeletePermissionPolicy(ModelPermissionPolicy):
    """Model permissions without delete, even for superusers: nothing here is hard-deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
