"""Who sees what in the admin menus, and permission policies that allow fewer actions than a model's permissions."""

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

    def allows(self, action):
        return action != "delete"

    def user_has_permission(self, user, action):
        return self.allows(action) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class LimitedPermissionPolicy(NeverDeletePermissionPolicy):
    """Model permissions for ``actions`` only, even for superusers: enrolments are only viewed (learners
    and assignments make them); assignments and bulk issues are added and viewed, never changed."""

    def __init__(self, model, *, actions):
        super().__init__(model)
        self.actions = actions

    def allows(self, action):
        return action in self.actions
