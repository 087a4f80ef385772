"""Wagtail's migrations name the site's first groups, workflow and root page in English; this site speaks
Vietnamese, so it names them again. Only Wagtail's own names are changed: a name an administrator chose stays."""

from django.db import migrations

GROUPS = {"Moderators": "Kiểm duyệt viên", "Editors": "Biên tập viên"}
APPROVAL = {"Moderators approval": "Duyệt nội dung"}
ROOT_TITLE = {"Root": "Gốc"}


def rename(rows, field, names):
    for english, vietnamese in names.items():
        rows.filter(**{field: english}).update(**{field: vietnamese})


def name_in_vietnamese(apps, schema_editor):
    rename(apps.get_model("auth", "Group").objects, "name", GROUPS)
    rename(apps.get_model("wagtailcore", "Workflow").objects, "name", APPROVAL)
    rename(apps.get_model("wagtailcore", "Task").objects, "name", APPROVAL)
    root = apps.get_model("wagtailcore", "Page").objects.filter(depth=1)
    rename(root, "title", ROOT_TITLE)
    rename(root, "draft_title", ROOT_TITLE)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(name_in_vietnamese, migrations.RunPython.noop)]
