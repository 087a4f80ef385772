"""Trainers keep the question bank: they add, change and see categories and questions of every type."""

from django.db import migrations

TRAINER = "Giảng viên"
MODELS = [
    "questioncategory",
    "question",
    "singlechoicequestion",
    "multiplechoicequestion",
    "truefalsequestion",
    "shortanswerquestion",
    "numericalquestion",
    "matchingquestion",
    "essayquestion",
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    trainers, _created = Group.objects.get_or_create(name=TRAINER)
    for model in MODELS:
        content_type, _created = ContentType.objects.get_or_create(app_label="courses", model=model)
        for action in ("add", "change", "view"):  # never delete: questions are retired, not deleted
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
            )
            trainers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_question_bank")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
