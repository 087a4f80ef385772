"""Give organisers and trainers their permissions on enrolments, assignments, competences and media.

Which courses a trainer may edit is not set here: it is a Wagtail page permission on a course tree,
given per group in Settings → Groups (seed_demo gives the demo trainers the demo catalogue).
"""

from django.db import migrations

ORGANISER = "Ban tổ chức"
TRAINER = "Giảng viên"

# (app label, model, codename); nothing is deleted, so no role gets a delete permission.
ROLE_PERMISSIONS = {
    ORGANISER: [
        ("courses", "courseassignment", "add_courseassignment"),
        ("courses", "courseassignment", "view_courseassignment"),
        ("courses", "enrolment", "view_enrolment"),
    ],
    TRAINER: [
        ("courses", "enrolment", "view_enrolment"),
        ("courses", "competence", "add_competence"),
        ("courses", "competence", "change_competence"),
        ("courses", "competence", "view_competence"),
        ("courses", "competencedomain", "view_competencedomain"),
    ],
}
# Trainers upload the images and documents of their lessons (in the root collection).
TRAINER_MEDIA_PERMISSIONS = [
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "choose_image"),
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "choose_document"),
]


def get_permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(get_permission(apps, *permission) for permission in permissions))

    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    trainers, _created = Group.objects.get_or_create(name=TRAINER)
    for permission in TRAINER_MEDIA_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=trainers, collection=root, permission=get_permission(apps, *permission)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_competence_framework"),
        ("lms", "0004_organisation_data"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
