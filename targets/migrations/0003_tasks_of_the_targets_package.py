"""The app's code moved from the package ``coverage`` to ``targets``: background tasks queued before (the weekly
snapshots and reminders wait a week in the queue) are pointed at their new place, or the worker could not run them."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr


def repoint(apps, old, new):
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    results.filter(task_path__startswith=old).update(task_path=Concat(Value(new), Substr("task_path", len(old) + 1)))


def forwards(apps, schema_editor):
    repoint(apps, "coverage.tasks.", "targets.tasks.")


def backwards(apps, schema_editor):
    repoint(apps, "targets.tasks.", "coverage.tasks.")


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0002_organiser_permissions"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
