"""Organisers erase people's data, handle their correction requests and read who accessed personal data."""

from django.db import migrations

ORGANISER = "Ban tổ chức"
GRANTED = [
    ("person", "erase_person", "Can erase a person's personal data"),
    ("correctionrequest", "view_correctionrequest", "Can view correction request"),
    ("correctionrequest", "change_correctionrequest", "Can change correction request"),
    ("personaldataaccess", "view_personaldataaccess", "Can view access to personal data"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    organisers, _created = Group.objects.get_or_create(name=ORGANISER)
    for model, codename, name in GRANTED:
        content_type, _created = ContentType.objects.get_or_create(app_label="lms", model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        organisers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("lms", "0016_personal_data")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
