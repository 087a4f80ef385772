"""Questions keep what Moodle's formats say: weighted choices, short answers and numbers with several
weighted answers and their feedback, matching distractors, descriptions, ID numbers.

A short answer question's accepted lines and a numerical question's answer ± tolerance become full-credit
answers, in the bank and in the frozen copies of attempts already started, so those grade as before."""

import json
import uuid

import django.db.models.deletion
import wagtail.fields
from django.db import migrations, models

TRAINER = "Giảng viên"


def short_answers(lines):
    answers = [line.strip() for line in lines.splitlines() if line.strip()]
    return [
        {"type": "answer", "id": str(uuid.uuid4()), "value": {"text": text, "weight": "100", "feedback": ""}}
        for text in answers
    ]


def numerical_answers(answer, tolerance):
    value = {"value": str(answer), "tolerance": str(tolerance), "weight": "100", "feedback": ""}
    return [{"type": "answer", "id": str(uuid.uuid4()), "value": value}]


def convert_answers(apps, schema_editor):
    for question in apps.get_model("courses", "ShortAnswerQuestion").objects.all():
        question.answers = short_answers(question.accepted_answers)
        question.save(update_fields=["answers"])
    for question in apps.get_model("courses", "NumericalQuestion").objects.all():
        question.answers = numerical_answers(question.answer, question.tolerance)
        question.save(update_fields=["answers"])
    for frozen_question in apps.get_model("courses", "AttemptQuestion").objects.filter(
        frozen__type__in=["courses.shortanswerquestion", "courses.numericalquestion"]
    ):
        converted_snapshot(frozen_question.frozen["fields"])
        frozen_question.save(update_fields=["frozen"])


def converted_snapshot(fields):
    """The frozen fields of a short answer or numerical question (see Question.snapshot), its answers turned
    into the list of weighted answers in place."""
    if "accepted_answers" in fields:
        fields["answers"] = json.dumps(short_answers(fields.pop("accepted_answers")))
    if "answer" in fields:
        fields["answers"] = json.dumps(numerical_answers(fields.pop("answer"), fields.pop("tolerance")))
    return fields


def grant_descriptions(apps, schema_editor):
    """Trainers add, change and see descriptions as they do every other question type."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    trainers, _created = Group.objects.get_or_create(name=TRAINER)
    content_type, _created = ContentType.objects.get_or_create(app_label="courses", model="descriptionquestion")
    for action in ("add", "change", "view"):
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_descriptionquestion",
            defaults={"name": f"Can {action} description"},
        )
        trainers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_quiz_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="DescriptionQuestion",
            fields=[
                (
                    "question_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="courses.question",
                    ),
                ),
            ],
            options={
                "verbose_name": "description",
                "verbose_name_plural": "descriptions",
            },
            bases=("courses.question",),
        ),
        migrations.AddField(
            model_name="numericalquestion",
            name="answers",
            field=wagtail.fields.StreamField(
                [("answer", 4)],
                block_lookup={
                    0: (
                        "wagtail.blocks.DecimalBlock",
                        (),
                        {
                            "decimal_places": 6,
                            "help_text": "Empty: any other answer (for its feedback).",
                            "label": "answer",
                            "required": False,
                        },
                    ),
                    1: (
                        "wagtail.blocks.DecimalBlock",
                        (),
                        {"decimal_places": 6, "default": 0, "label": "tolerance (±)", "min_value": 0},
                    ),
                    2: (
                        "wagtail.blocks.DecimalBlock",
                        (),
                        {
                            "decimal_places": 5,
                            "default": 100,
                            "help_text": "Share of the points in %.",
                            "label": "weight (%)",
                            "max_digits": 9,
                            "max_value": 100,
                            "min_value": -100,
                        },
                    ),
                    3: ("wagtail.blocks.CharBlock", (), {"label": "feedback", "required": False}),
                    4: (
                        "wagtail.blocks.StructBlock",
                        [[("value", 0), ("tolerance", 1), ("weight", 2), ("feedback", 3)]],
                        {},
                    ),
                },
                default="[]",
                verbose_name="answers",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="question",
            name="idnumber",
            field=models.CharField(
                blank=True,
                help_text="An identifier of your own (Moodle's “ID number”); a file imported again updates the question.",
                max_length=100,
                verbose_name="ID number",
            ),
        ),
        migrations.AddField(
            model_name="shortanswerquestion",
            name="answers",
            field=wagtail.fields.StreamField(
                [("answer", 3)],
                block_lookup={
                    0: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "* stands for any characters, e.g. “chữ ký*”.", "label": "answer"},
                    ),
                    1: (
                        "wagtail.blocks.DecimalBlock",
                        (),
                        {
                            "decimal_places": 5,
                            "default": 100,
                            "help_text": "Share of the points in %.",
                            "label": "weight (%)",
                            "max_digits": 9,
                            "max_value": 100,
                            "min_value": -100,
                        },
                    ),
                    2: ("wagtail.blocks.CharBlock", (), {"label": "feedback", "required": False}),
                    3: ("wagtail.blocks.StructBlock", [[("text", 0), ("weight", 1), ("feedback", 2)]], {}),
                },
                default="[]",
                verbose_name="accepted answers",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="shortanswerquestion",
            name="case_sensitive",
            field=models.BooleanField(default=False, verbose_name="case sensitive"),
        ),
        migrations.AlterField(
            model_name="matchingquestion",
            name="pairs",
            field=wagtail.fields.StreamField(
                [("pair", 2)],
                block_lookup={
                    0: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "Empty: a wrong answer to choose from.", "label": "item", "required": False},
                    ),
                    1: ("wagtail.blocks.CharBlock", (), {"label": "matches"}),
                    2: ("wagtail.blocks.StructBlock", [[("prompt", 0), ("match", 1)]], {}),
                },
                verbose_name="pairs",
            ),
        ),
        migrations.AlterField(
            model_name="multiplechoicequestion",
            name="choices",
            field=wagtail.fields.StreamField(
                [("choice", 4)],
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"label": "answer"}),
                    1: ("wagtail.blocks.BooleanBlock", (), {"label": "correct", "required": False}),
                    2: (
                        "wagtail.blocks.DecimalBlock",
                        (),
                        {
                            "decimal_places": 5,
                            "help_text": "Share of the points in %, from -100 to 100; empty: what “correct” says.",
                            "label": "weight (%)",
                            "max_digits": 9,
                            "max_value": 100,
                            "min_value": -100,
                            "required": False,
                        },
                    ),
                    3: ("wagtail.blocks.CharBlock", (), {"label": "feedback", "required": False}),
                    4: (
                        "wagtail.blocks.StructBlock",
                        [[("text", 0), ("correct", 1), ("weight", 2), ("feedback", 3)]],
                        {},
                    ),
                },
                verbose_name="choices",
            ),
        ),
        migrations.AlterField(
            model_name="singlechoicequestion",
            name="choices",
            field=wagtail.fields.StreamField(
                [("choice", 4)],
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"label": "answer"}),
                    1: ("wagtail.blocks.BooleanBlock", (), {"label": "correct", "required": False}),
                    2: (
                        "wagtail.blocks.DecimalBlock",
                        (),
                        {
                            "decimal_places": 5,
                            "help_text": "Share of the points in %, from -100 to 100; empty: what “correct” says.",
                            "label": "weight (%)",
                            "max_digits": 9,
                            "max_value": 100,
                            "min_value": -100,
                            "required": False,
                        },
                    ),
                    3: ("wagtail.blocks.CharBlock", (), {"label": "feedback", "required": False}),
                    4: (
                        "wagtail.blocks.StructBlock",
                        [[("text", 0), ("correct", 1), ("weight", 2), ("feedback", 3)]],
                        {},
                    ),
                },
                verbose_name="choices",
            ),
        ),
        migrations.RunPython(convert_answers, migrations.RunPython.noop),
        migrations.RunPython(grant_descriptions, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="numericalquestion",
            name="answer",
        ),
        migrations.RemoveField(
            model_name="numericalquestion",
            name="tolerance",
        ),
        migrations.RemoveField(
            model_name="shortanswerquestion",
            name="accepted_answers",
        ),
    ]
