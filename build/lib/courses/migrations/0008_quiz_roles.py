"""Trainers grade essays and see quiz statistics; organisers see quiz statistics of their units."""

from django.db import migrations

GRANTS = {"Giảng viên": ["grade_attempt", "view_attempt"], "Ban tổ chức": ["view_attempt"]}
NAMES = {"grade_attempt": "Can grade essays and see quiz statistics", "view_attempt": "Can view attempt"}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="courses", model="attempt")
    for group_name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": NAMES[codename]}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("courses", "0007_quizzes")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
