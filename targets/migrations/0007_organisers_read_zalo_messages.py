"""Organisers read the Zalo messages sent to the people of their units (templates stay with administrators)."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="coverage", model="zalomessage")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename="view_zalomessage", defaults={"name": "Can view Zalo message"}
    )
    organisers, _created = Group.objects.get_or_create(name="Ban tổ chức")
    organisers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("coverage", "0006_zalo_messages"), ("lms", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
