"""Organisers see the log-in lockouts of their units' people and lift them."""

from django.db import migrations

ORGANISER = "Ban tổ chức"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    organisers, _created = Group.objects.get_or_create(name=ORGANISER)
    content_type, _created = ContentType.objects.get_or_create(app_label="lms", model="loginlockout")
    for action in ("change", "view"):
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_loginlockout",
            defaults={"name": f"Can {action} log-in lockout"},
        )
        organisers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("lms", "0007_login_lockouts")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
