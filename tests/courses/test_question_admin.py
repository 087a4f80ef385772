"""Trainers keep the question bank of their units in the admin: categories, one form per question type, no
deletion; they use the shared categories and those of the units above as they are."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import (
    QUESTION_TYPES,
    MatchingQuestion,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from lms.models import UnitLogEntry
from tests.factories import make_learner, make_trainer, make_unit_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture
def trainer(client, tree):
    user = make_trainer(is_staff=True, managed_unit=tree["province"])
    client.force_login(user)
    return user


@pytest.fixture
def category(tree):
    return QuestionCategory.objects.create(name="An toàn thông tin", unit=tree["province"])


def question_form(category, **fields):
    return nested_form_data(
        {
            "category": category.pk,
            "points": "1",
            "name": "Cuộc gọi đòi mã OTP",
            "text": rich_text("<p>Có người gọi xưng là ngân hàng và hỏi mã OTP. Bạn làm gì?</p>"),
            "general_feedback": rich_text(""),
            "is_active": True,
            **fields,
        }
    )


def test_a_trainer_creates_a_category_inside_another_and_owns_it(client, trainer, category):
    response = client.post(reverse("courses_questioncategory:add"), {"name": "Lừa đảo", "parent": category.pk})

    created = QuestionCategory.objects.get(name="Lừa đảo")
    assert response.status_code == 302
    assert (created.parent, created.owner) == (category, trainer)


def test_adding_a_question_starts_by_picking_its_type(client, trainer):
    response = client.get(reverse("courses_question:add"), follow=True)

    assert response.redirect_chain == [(reverse("courses_question:choose_type"), 302)]
    for model in QUESTION_TYPES:
        assert reverse(f"courses_{model._meta.model_name}:add") in response.text


def test_a_trainer_writes_a_single_choice_question_that_grades_the_right_choice(client, trainer, category):
    choices = streamfield(
        [
            ("choice", {"text": "Đọc mã cho họ", "correct": False, "feedback": "Không bao giờ đọc mã OTP."}),
            ("choice", {"text": "Gác máy và gọi tổng đài ngân hàng", "correct": True, "feedback": ""}),
        ]
    )

    response = client.post(reverse("courses_singlechoicequestion:add"), question_form(category, choices=choices))

    assert response.status_code == 302
    question = SingleChoiceQuestion.objects.get()
    wrong, right = (choice.id for choice in question.choices)
    assert question.grade(right) == 1
    assert question.grade(wrong) == 0
    assert question.version == 1


def test_a_matching_question_is_written_with_its_pairs(client, trainer, category):
    pairs = streamfield(
        [
            ("pair", {"prompt": "Định danh điện tử", "match": "VNeID"}),
            ("pair", {"prompt": "Bảo hiểm xã hội", "match": "VssID"}),
        ]
    )

    client.post(reverse("courses_matchingquestion:add"), question_form(category, pairs=pairs))

    question = MatchingQuestion.objects.get()
    first, second = (pair.id for pair in question.pairs)
    assert question.grade({first: first, second: second}) == 1


def test_editing_a_question_makes_a_new_version(client, trainer, category):
    question = TrueFalseQuestion.objects.create(
        category=category, name="OTP", text="<p>Được đọc mã OTP cho người lạ.</p>", correct_answer=False
    )

    response = client.post(
        reverse("courses_truefalsequestion:edit", args=[question.pk]),
        question_form(category, correct_answer=False, feedback_true="", feedback_false="Đúng vậy."),
    )

    question.refresh_from_db()
    assert response.status_code == 302
    assert question.version == 2
    assert question.feedback_false == "Đúng vậy."


def test_the_bank_lists_every_type_and_opens_each_in_its_own_form(client, trainer, category):
    single = SingleChoiceQuestion.objects.create(category=category, name="Một lựa chọn", text="<p>?</p>", choices=[])
    true_false = TrueFalseQuestion.objects.create(
        category=category, name="Đúng sai", text="<p>?</p>", correct_answer=True
    )

    response = client.get(reverse("courses_question:index"))
    redirect = client.get(reverse("courses_question:edit", args=[true_false.pk]))

    assert response.status_code == 200
    assert reverse("courses_singlechoicequestion:edit", args=[single.pk]) in response.text
    assert reverse("courses_truefalsequestion:edit", args=[true_false.pk]) in response.text
    assert "Câu hỏi đúng/sai" in response.text
    assert redirect.url == reverse("courses_truefalsequestion:edit", args=[true_false.pk])


def test_questions_are_retired_not_deleted(client, category):
    client.force_login(make_trainer(is_staff=True, is_superuser=True))
    question = TrueFalseQuestion.objects.create(category=category, name="OTP", text="<p>?</p>", correct_answer=True)

    client.post(reverse("courses_truefalsequestion:delete", args=[question.pk]))
    client.post(reverse("courses_question:delete", args=[question.pk]))

    assert Question.objects.filter(pk=question.pk).exists()


def test_learners_have_no_question_bank(client, category):
    client.force_login(make_learner(is_staff=True))

    for url in (reverse("courses_question:index"), reverse("courses_singlechoicequestion:add")):
        assert client.get(url).status_code == 302


def upload(content, name="ngan-hang.gift"):
    """An uploaded file of ``content``: text (written as UTF-8) or bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)


GOOD_AND_BAD = "Mật khẩu mạnh dài ít nhất 12 ký tự.{T}\n\nHỏng {=a ~b\n"


def test_a_trainer_imports_a_gift_file_from_the_bank(client, trainer):
    index = client.get(reverse("courses_question:index"))
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload("Mật khẩu mạnh dài ít nhất 12 ký tự.{T}\n"), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert reverse("courses_question:import") in index.text
    assert response.status_code == 302
    question = TrueFalseQuestion.objects.get(category__name="Mật khẩu")
    assert question.category.owner == trainer


def test_an_import_with_an_unreadable_question_lists_it_and_imports_nothing(client, trainer):
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload(GOOD_AND_BAD), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert response.status_code == 200
    assert [(error.line, error.reason) for error in response.context["errors"]] == [
        (3, "đáp án phải nằm trong một cặp ngoặc { }, mở và đóng một lần.")
    ]
    assert not Question.objects.exists()

    client.post(
        reverse("courses_question:import"),
        {"file": upload(GOOD_AND_BAD), "file_format": "gift", "category": "Mật khẩu", "skip_invalid": "on"},
    )

    assert Question.objects.count() == 1


def test_learners_cannot_import_questions(client):
    client.force_login(make_learner(is_staff=True))

    response = client.post(
        reverse("courses_question:import"),
        {"file": upload("Câu hỏi {T}"), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert response.status_code in (302, 403)
    assert not Question.objects.exists()


def test_the_xlsx_template_offered_on_the_import_page_is_accepted_there(client, trainer):
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload(filled_template(client), "cau-hoi.xlsx"), "file_format": "xlsx", "category": "Mẫu"},
    )

    assert response.status_code == 302
    assert TrueFalseQuestion.objects.get().correct_answer is True


def filled_template(client):
    template = client.get(reverse("courses_question:import"), {"template": 1})
    workbook = load_workbook(io.BytesIO(template.content))
    workbook.active.append(["Đúng sai", "", "", "Zalo có xác thực hai lớp.", "", "", "", "", "", "", "Đúng", "", ""])
    filled = io.BytesIO()
    workbook.save(filled)
    return filled.getvalue()


# One true/false question in each format the import page offers.
ONE_QUESTION = {
    "gift": lambda client: upload("Zalo có xác thực hai lớp.{T}\n", "cau-hoi.gift"),
    "aiken": lambda client: upload("Zalo có xác thực hai lớp?\nA. Có\nB. Không\nANSWER: A\n", "cau-hoi.txt"),
    "xml": lambda client: upload(
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="truefalse"><name><text>Zalo</text></name>'
        '<questiontext format="html"><text>Zalo có xác thực hai lớp.</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question></quiz>",
        "cau-hoi.xml",
    ),
    "xlsx": lambda client: upload(filled_template(client), "cau-hoi.xlsx"),
}


def test_the_import_page_offers_every_format_it_reads(client, trainer):
    offered = client.get(reverse("courses_question:import")).context["form"].fields["file_format"].choices

    assert {name for name, _label in offered} == set(ONE_QUESTION)


@pytest.mark.parametrize("file_format", ONE_QUESTION)
def test_every_format_the_import_page_offers_is_accepted_there(client, trainer, file_format):
    response = client.post(
        reverse("courses_question:import"),
        {"file": ONE_QUESTION[file_format](client), "file_format": file_format, "category": "Mẫu"},
    )

    assert response.status_code == 302
    assert Question.objects.filter(category__name="Mẫu").count() == 1


def test_an_import_that_could_not_keep_everything_shows_what_and_where(client, trainer):
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload("// [tag:dễ]\n::A::Câu{T}\n"), "file_format": "gift", "category": "Thẻ"},
    )

    assert response.status_code == 200
    assert [(note.line, note.reason) for note in response.context["notes"]] == [(2, "không giữ thẻ: dễ.")]
    assert Question.objects.count() == 1


# Categories of units -----------------------------------------------------------------------------------------------


def single_choice(category, name):
    return SingleChoiceQuestion.objects.create(category=category, name=name, text="<p>?</p>", choices=[])


@pytest.fixture
def banks(tree):
    """A category with one question for the whole install (shared), the centre, both provinces and a commune."""
    banks = {}
    for role in ("shared", "central", "province", "other_province", "commune"):
        category = QuestionCategory.objects.create(name=f"Ngân hàng {role}", unit=tree.get(role))
        banks[role] = (category, single_choice(category, f"Câu hỏi {role}"))
    return banks


def listed(response):
    return {str(row) for row in response.context["object_list"]}


def test_a_trainer_lists_the_shared_categories_those_above_and_their_own_but_not_another_provinces(
    client, trainer, banks
):
    categories = client.get(reverse("courses_questioncategory:index"))
    questions = client.get(reverse("courses_question:index"))

    usable = ("shared", "central", "province", "commune")
    assert listed(categories) == {f"Ngân hàng {role}" for role in usable}
    assert listed(questions) == {f"Câu hỏi {role}" for role in usable}


def test_a_trainer_uses_the_shared_category_read_only(client, trainer, banks):
    shared, question = banks["shared"]

    categories = client.get(reverse("courses_questioncategory:index"))
    questions = client.get(reverse("courses_question:index"))
    edit = client.post(reverse("courses_questioncategory:edit", args=[shared.pk]), {"name": "Đổi tên"})
    edit_question = client.post(
        reverse("courses_singlechoicequestion:edit", args=[question.pk]),
        question_form(shared, name="Đổi"),
    )
    export = client.get(reverse("courses_question:export"), {"category": shared.pk, "file_format": "gift"})

    assert reverse("courses_questioncategory:edit", args=[shared.pk]) not in categories.text
    assert reverse("courses_singlechoicequestion:edit", args=[question.pk]) not in questions.text
    assert (edit.status_code, edit_question.status_code) == (404, 404)
    assert export.status_code == 200
    shared.refresh_from_db()
    question.refresh_from_db()
    assert (shared.name, question.name) == ("Ngân hàng shared", "Câu hỏi shared")


def test_a_trainer_cannot_open_change_export_or_file_into_another_provinces_category(client, trainer, banks):
    theirs, question = banks["other_province"]

    refused = {
        "category": client.get(reverse("courses_questioncategory:edit", args=[theirs.pk])).status_code,
        "question": client.get(reverse("courses_singlechoicequestion:edit", args=[question.pk])).status_code,
        "history": client.get(reverse("courses_singlechoicequestion:history", args=[question.pk])).status_code,
    }
    export = client.get(reverse("courses_question:export"), {"category": theirs.pk, "file_format": "gift"})
    form = client.get(reverse("courses_singlechoicequestion:add")).context["form"]
    category_form = client.get(reverse("courses_questioncategory:add")).context["form"]

    assert refused == {"category": 404, "question": 404, "history": 404}
    assert export.context["form"].errors["category"]
    kept = {banks["province"][0], banks["commune"][0]}
    assert set(form.fields["category"].queryset) == kept
    assert set(category_form.fields["parent"].queryset) == kept


def test_a_trainer_changes_a_category_of_their_subtree(client, trainer, banks):
    commune, _question = banks["commune"]

    saved = client.post(
        reverse("courses_questioncategory:edit", args=[commune.pk]), {"name": "Đổi tên", "unit": commune.unit_id}
    )

    assert saved.status_code == 302
    commune.refresh_from_db()
    assert commune.name == "Đổi tên"


def test_an_import_files_into_the_trainers_own_category_never_a_same_named_one_of_another_unit(client, trainer, tree):
    QuestionCategory.objects.create(name="Mật khẩu", unit=tree["other_province"])
    QuestionCategory.objects.create(name="Mật khẩu", unit=None)

    client.post(
        reverse("courses_question:import"),
        {"file": upload("Mật khẩu mạnh dài ít nhất 12 ký tự.{T}\n"), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert TrueFalseQuestion.objects.get().category.unit == tree["province"]


def test_a_trainer_without_a_unit_may_not_import_nor_add_a_category(client):
    client.force_login(make_trainer(is_staff=True))

    added = client.post(reverse("courses_questioncategory:add"), {"name": "Không đơn vị"})
    imported = client.post(
        reverse("courses_question:import"),
        {"file": upload("Câu hỏi {T}"), "file_format": "gift", "category": "Không đơn vị"},
    )

    assert imported.url == reverse("wagtailadmin_home")  # refused, back to the dashboard
    assert added.context["form"].errors["unit"]
    assert not QuestionCategory.objects.exists()


def test_a_category_inside_another_belongs_to_the_others_unit(tree):
    province = QuestionCategory.objects.create(name="Tỉnh", unit=tree["province"])

    inside = QuestionCategory.objects.create(name="Bên trong", parent=province, unit=tree["other_province"])
    province.unit = tree["commune"]
    province.save()

    inside.refresh_from_db()
    assert inside.unit == tree["commune"]


def test_a_superuser_sees_and_changes_every_category(client, banks):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    theirs, _question = banks["other_province"]

    categories = client.get(reverse("courses_questioncategory:index"))
    saved = client.post(reverse("courses_questioncategory:edit", args=[theirs.pk]), {"name": "Quản trị đổi"})

    assert len(categories.context["object_list"]) == 5
    assert saved.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.name, theirs.unit) == ("Quản trị đổi", None)


def test_the_site_history_shows_a_trainer_the_changes_to_their_units_bank_only(client, trainer, tree, banks):
    own, _question = banks["province"]
    client.post(reverse("courses_questioncategory:edit", args=[own.pk]), {"name": "Đổi tên", "unit": own.unit_id})
    entry = UnitLogEntry.objects.get(object_id=str(own.pk), action="wagtail.edit")

    seen_by_trainer = client.get(reverse("wagtailadmin_reports:site_history")).context["object_list"]
    client.force_login(make_trainer(is_staff=True, managed_unit=tree["other_province"]))
    seen_by_other = client.get(reverse("wagtailadmin_reports:site_history")).context["object_list"]

    assert entry.unit == tree["province"]
    assert entry in seen_by_trainer
    assert entry not in seen_by_other


def test_the_bank_filters_by_the_categories_a_trainer_may_use_only(client, trainer, banks):
    for url in (reverse("courses_question:index"), reverse("courses_singlechoicequestion:index")):
        offered = client.get(url).context["filters"].form.fields["category"].queryset

        assert {category.name for category in offered} == {
            f"Ngân hàng {role}" for role in ("shared", "central", "province", "commune")
        }
