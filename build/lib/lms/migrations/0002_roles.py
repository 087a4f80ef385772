"""Create the three roles as groups; trainers and organisers may enter the Wagtail admin."""

from django.db import migrations

LEARNER = "Học viên"
TRAINER = "Giảng viên"
ORGANISER = "Ban tổ chức"


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    Group.objects.get_or_create(name=LEARNER)
    for name in (TRAINER, ORGANISER):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
