"""Organisers keep the targets of their units and read their coverage."""

from django.db import migrations

CODENAMES = {"add_target": "Can add target", "change_target": "Can change target", "view_target": "Can view target"}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="coverage", model="target")
    organisers, _created = Group.objects.get_or_create(name="Ban tổ chức")
    for codename, name in CODENAMES.items():
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        organisers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_targets"), ("lms", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
