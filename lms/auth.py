"""Authentication by username, email address or phone number."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from lms.phones import normalize_phone


def find_user_by_login(identifier):
    """Return the one user that ``identifier`` names, or None.

    An identifier with "@" is an email address; one that reads as a Vietnamese phone number is a phone;
    anything else is a username. Case is ignored ("Hocvien" from a phone keyboard is "hocvien"), but a
    username spelled exactly as typed wins over others that differ from it only in case.
    """
    users = get_user_model()._default_manager
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        matches = users.filter(email__iexact=identifier)
    else:
        phone = normalize_phone(identifier)
        matches = users.filter(username=identifier)
        if not matches.exists():
            matches = users.filter(username__iexact=identifier)
        if phone and not matches.exists():
            matches = users.filter(phone=phone)
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None


def account_key(identifier):
    """The account that wrong passwords typed with ``identifier`` count against.

    ``user:<pk>`` when the identifier names one account, whichever of its spellings was typed; otherwise the
    identifier in one form, case folded (``phone:0912000400``, ``email:an@example.vn``, ``username:an``), so that an
    unknown identity is counted, and locked, exactly like a known one.
    """
    user = find_user_by_login(identifier)
    if user is not None:
        return f"user:{user.pk}"
    identifier = (identifier or "").strip()
    if "@" in identifier:
        key = f"email:{identifier.lower()}"
    elif phone := normalize_phone(identifier):
        key = f"phone:{phone}"
    else:
        key = f"username:{identifier.lower()}"
    return key[:255]  # django-axes keeps it in a column of 255 characters


def lockout_account_key(request, credentials=None):
    """django-axes' ``AXES_USERNAME_CALLABLE``: the account key of the log-in name being tried."""
    identifier = credentials.get("username") if credentials else request.POST.get("username")
    return account_key(identifier)


class UsernameEmailOrPhoneBackend(ModelBackend):
    """Log in with whichever of username, email or phone the person remembers.

    Its ``get_user`` (the read of the session's user on every request) brings in the same query what every page
    shows of them: the person they are on a unit's list (``user.person``, with its unit) and whether the Wagtail
    admin lets them in (``user.admin_access``, read by ``User.can_enter_admin``).
    """

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("person__unit")
        try:
            user = users.annotate(admin_access=RawSQL(admin_access_sql(), [], output_field=BooleanField())).get(
                pk=user_id
            )
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_user_by_login(username)
        if user is None:
            # Hash anyway so that response time does not reveal whether the account exists.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


@functools.cache
def admin_access_sql():
    """Whether the user of the row may enter the Wagtail admin (a superuser, or the ``access_admin`` permission of
    their own or of a group of theirs), as SQL written once: the same test in Django's expressions is compiled anew on
    every request and costs about a millisecond of CPU, most of the read of the session's user."""
    users = get_user_model()
    table = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in {
            "user": users,
            "permission": Permission,
            "content_type": ContentType,
            "user_permission": users.user_permissions.through,
            "user_group": users.groups.through,
            "group_permission": Group.permissions.through,
        }.items()
    }
    return f"""{table["user"]}.is_superuser OR EXISTS (
        SELECT 1 FROM {table["permission"]} p JOIN {table["content_type"]} ct ON ct.id = p.content_type_id
        WHERE ct.app_label = 'wagtailadmin' AND p.codename = 'access_admin' AND (
            p.id IN (SELECT permission_id FROM {table["user_permission"]} WHERE user_id = {table["user"]}.id)
            OR p.id IN (
                SELECT gp.permission_id FROM {table["group_permission"]} gp
                JOIN {table["user_group"]} ug ON ug.group_id = gp.group_id WHERE ug.user_id = {table["user"]}.id
            )
        )
    )"""
