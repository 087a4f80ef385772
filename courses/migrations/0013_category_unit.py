"""Question categories belong to a unit: a category goes to the unit its owner manages (the categories inside it
with it); those of owners without a unit become shared by the whole install, kept by administrators. The history
of the bank moves to the unit-scoped log, so that trainers read only their own units' entries."""

import django.db.models.deletion
from django.db import migrations, models


def give_units(apps, schema_editor):
    QuestionCategory = apps.get_model("courses", "QuestionCategory")
    parents = dict(QuestionCategory.objects.values_list("pk", "parent_id"))
    owners_units = dict(QuestionCategory.objects.values_list("pk", "owner__managed_unit_id"))

    def root(pk):
        seen = set()
        while parents[pk] is not None and pk not in seen:  # a loop of parents ends where it closes
            seen.add(pk)
            pk = parents[pk]
        return pk

    by_unit = {}
    for pk in parents:
        by_unit.setdefault(owners_units[root(pk)], []).append(pk)
    for unit_id, pks in by_unit.items():
        if unit_id is not None:
            QuestionCategory.objects.filter(pk__in=pks).update(unit_id=unit_id)


LOGGED_FIELDS = ("label", "action", "data", "timestamp", "uuid", "user_id", "revision_id", "content_changed", "deleted")
QUESTION_MODELS = (
    "question",
    "singlechoicequestion",
    "multiplechoicequestion",
    "truefalsequestion",
    "shortanswerquestion",
    "numericalquestion",
    "matchingquestion",
    "essayquestion",
)


def move_log_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    UnitLogEntry = apps.get_model("lms", "UnitLogEntry")
    content_types = ContentType.objects.filter(app_label="courses", model__in=("questioncategory", *QUESTION_MODELS))
    entries = ModelLogEntry.objects.filter(content_type__in=content_types)
    if not entries.exists():
        return
    categories = apps.get_model("courses", "QuestionCategory").objects.values_list("pk", "unit_id")
    questions = apps.get_model("courses", "Question").objects.values_list("pk", "category__unit_id")
    units = {
        "category": {str(pk): unit_id for pk, unit_id in categories},
        "question": {str(pk): unit_id for pk, unit_id in questions},
    }
    UnitLogEntry.objects.bulk_create(
        (
            UnitLogEntry(
                content_type_id=entry.content_type_id,
                object_id=entry.object_id,
                unit_id=units["question" if entry.content_type.model in QUESTION_MODELS else "category"].get(
                    entry.object_id
                ),
                **{name: getattr(entry, name) for name in LOGGED_FIELDS},
            )
            for entry in entries.select_related("content_type").iterator()
        ),
        batch_size=1000,
    )
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0012_assignment_job_required"),
        ("lms", "0006_background_jobs"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="questioncategory",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "Kept by the trainers of this unit and of the units above it, used by those below. Empty: shared "
                    "by every unit, kept by administrators. A category inside another belongs to the other's unit."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="lms.unit",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(give_units, migrations.RunPython.noop),
        migrations.RunPython(move_log_entries, migrations.RunPython.noop),
    ]
