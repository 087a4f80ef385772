"""Organisers keep certificate templates, see and revoke or reissue their units' certificates and issue in bulk."""

from django.db import migrations

ORGANISER = "Ban tổ chức"
GRANTS = {
    "certificatetemplate": ("add", "change", "view"),
    "certificate": ("change", "view"),
    "certificatebatch": ("add", "view"),
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    organisers, _created = Group.objects.get_or_create(name=ORGANISER)
    for model, actions in GRANTS.items():
        content_type, _created = ContentType.objects.get_or_create(app_label="certificates", model=model)
        for action in actions:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
            )
            organisers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
