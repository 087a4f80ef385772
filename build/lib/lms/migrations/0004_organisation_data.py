"""Seed the person categories and give organisers and trainers their permissions on the organisation."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISER = "Ban tổ chức"
TRAINER = "Giảng viên"

CATEGORIES = [
    ("chuyen-trach", "Cán bộ chuyên trách"),
    ("khong-chuyen-trach", "Cán bộ không chuyên trách"),
    ("truong-ban-cong-tac-mat-tran", "Trưởng Ban công tác Mặt trận"),
    ("uy-vien-uy-ban", "Ủy viên Ủy ban MTTQ"),
    ("can-bo-to-chuc-thanh-vien", "Cán bộ tổ chức chính trị - xã hội thành viên"),
]

# Nothing is deleted, so no role gets a delete permission.
ROLE_PERMISSIONS = {
    ORGANISER: [
        "add_unit",
        "change_unit",
        "view_unit",
        "add_person",
        "change_person",
        "view_person",
        "view_personcategory",
        "add_trainingsession",
        "change_trainingsession",
        "view_trainingsession",
        "add_attendance",
        "view_attendance",
        "add_trainingrecord",
        "view_trainingrecord",
    ],
    TRAINER: [
        "view_unit",
        "view_person",
        "view_personcategory",
        "add_trainingsession",
        "change_trainingsession",
        "view_trainingsession",
        "add_attendance",
        "view_attendance",
    ],
}


def seed(apps, schema_editor):
    lms_config = apps.get_app_config("lms")
    lms_config.models_module = True  # let create_permissions see the historical models
    create_permissions(lms_config, apps=apps, verbosity=0)
    lms_config.models_module = None

    PersonCategory = apps.get_model("lms", "PersonCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        PersonCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="lms", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_organisation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
