"""Every URL pattern of the site, asked for by every kind of visitor, about another unit's or learner's objects.

The patterns are enumerated from the resolver (``config.urls`` with every include), so a new view without a row
in ``TABLE`` fails ``test_every_url_pattern_has_a_row``. Each cell (one row and one principal) is one test.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupPagePermission, Site, Task, Workflow

from certificates import services as certificate_services
from certificates.data_integrity import create_credential_key
from certificates.models import CertificateBatch, CertificateTemplate
from certificates.signing import create_signing_key
from courses import quizzes
from courses import services as course_services
from courses.models import (
    Competence,
    CompetenceDomain,
    CourseAssignment,
    DescriptionQuestion,
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    QuestionCategory,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from lms import roles
from lms.models import CorrectionRequest, LoginLockout, PersonalDataAccess, PersonCategory
from targets.models import ApiToken, Target, ZaloMessage
from tests.courses.helpers import make_catalogue, make_course, make_quiz, make_single_choice
from tests.factories import (
    make_job,
    make_learner,
    make_organiser,
    make_person,
    make_session,
    make_trainer,
    make_trainings,
    make_unit,
    make_unit_tree,
    make_user,
    make_zalo_template,
)

# The columns of every row's expectations, in this order.
PRINCIPALS = ("anonymous", "learner", "other_learner", "trainer", "organiser_a", "organiser_b", "superuser")


def build_world():
    """One small site: organisers of commune A and of province B, a trainer of A who may edit course A only, a
    learner of A, and the objects of unit B and of B's learner ("other learner") that the others must not reach.

    Returns ``(principals, objects)``: users by principal (None for anonymous), and objects by name.
    """
    tree = make_unit_tree()
    unit_a, unit_b = tree["commune"], tree["other_province"]
    catalogue = make_catalogue()
    course_a = make_course(catalogue, lessons=1)
    course_b = make_course(catalogue, lessons=1, title="Khóa học của tỉnh B")
    trainer = make_trainer(managed_unit=unit_a)
    trainers_of_course_a = Group.objects.create(name="Giảng viên khóa A")
    GroupPagePermission.objects.create(group=trainers_of_course_a, page=course_a, permission_type="change")
    trainer.groups.add(trainers_of_course_a)
    learner, other_learner = make_learner(), make_learner()
    make_person(unit=unit_a, user=learner, full_name="Nguyễn Văn An")
    person_b = make_person(unit=unit_b, user=other_learner, full_name="Trần Thị Bích Phượng")
    organiser_b = make_organiser(managed_unit=unit_b)
    trainer_b = make_trainer(managed_unit=unit_b)

    category_b = QuestionCategory.objects.create(name="Câu hỏi của tỉnh B", owner=trainer_b, unit=unit_b)
    question_b = make_single_choice(category_b, name="Câu hỏi riêng của tỉnh B")
    essay_b = EssayQuestion.objects.create(category=category_b, name="Tự luận của tỉnh B", text="<p>?</p>")
    quiz_b = make_quiz(course_b, questions=[question_b, essay_b])
    enrolment_b = course_services.enrol(person=person_b, course=course_b)
    attempt_b = quizzes.start_attempt(enrolment=enrolment_b, quiz=quiz_b)
    essay_answer_b = attempt_b.questions.get(question=essay_b)
    answers = QueryDict(mutable=True)
    answers.update({"shown": str(essay_answer_b.pk), f"answer-{essay_answer_b.pk}": "Bài làm của tỉnh B"})
    quizzes.save_answers(attempt=attempt_b, data=answers)
    quizzes.submit_attempt(attempt=attempt_b)  # its essay waits in the trainers' queue

    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa thử"
        )
    if not settings.CREDENTIAL_SIGNING_KEY.exists():
        create_credential_key(settings.CREDENTIAL_SIGNING_KEY)
    template_b = CertificateTemplate.objects.create(
        name="Mẫu giấy chứng nhận của tỉnh B",
        issuer="ỦY BAN MTTQ",
        place="Bắc Ninh",
        signer_name="Lê Văn Ký",
        unit=unit_b,
    )
    (record_b,) = make_trainings(person_b, day=date(2026, 3, 1), reference="Tập huấn của tỉnh B")
    certificate_b, _issued = certificate_services.issue_with_pdf(template=template_b, record=record_b, user=organiser_b)
    domain = CompetenceDomain.objects.create(number=90, name="Thông tin và dữ liệu")
    objects = {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "commune_b": make_unit(parent=unit_b, name="Xã Đông Phong"),
        "person_b": person_b,
        "record_b": record_b,
        "person_category": PersonCategory.objects.get(code="chuyen-trach"),
        "session_b": make_session(organising_unit=unit_b, invited_units=[unit_b], title="Tập huấn riêng của tỉnh B"),
        "catalogue": catalogue,
        "course_b": course_b,
        "lesson_b": course_b.get_children().specific().first(),
        "quiz_b": quiz_b,
        "category_b": category_b,
        "question_b": question_b,
        "multiplechoicequestion_b": MultipleChoiceQuestion.objects.create(category=category_b, name="Nhiều lựa chọn B"),
        "truefalsequestion_b": TrueFalseQuestion.objects.create(
            category=category_b, name="Đúng sai B", correct_answer=True
        ),
        "shortanswerquestion_b": ShortAnswerQuestion.objects.create(category=category_b, name="Trả lời ngắn B"),
        "numericalquestion_b": NumericalQuestion.objects.create(category=category_b, name="Số B"),
        "matchingquestion_b": MatchingQuestion.objects.create(category=category_b, name="Ghép cặp B"),
        "essayquestion_b": essay_b,
        "descriptionquestion_b": DescriptionQuestion.objects.create(category=category_b, name="Mô tả B"),
        "competence_domain": domain,
        "competence": Competence.objects.create(domain=domain, number="90.1", name="Tìm kiếm thông tin"),
        "enrolment_b": enrolment_b,
        "attempt_b": attempt_b,
        "essay_answer_b": essay_answer_b,
        "template_b": template_b,
        "certificate_b": certificate_b,
        "target_b": Target.objects.create(
            name="Chỉ tiêu của tỉnh B",
            slug="chi-tieu-b",
            unit=unit_b,
            starts_on=date(2026, 1, 1),
            deadline=date(2030, 1, 1),
        ),
        "api_token_b": ApiToken.issue(name="Hệ thống của tỉnh B", unit=unit_b)[0],
        "zalo_template": (zalo_template := make_zalo_template()),
        "zalo_message_b": ZaloMessage.objects.create(
            person=person_b, template=zalo_template, phone="84900000001", tracking_id="tin-cua-tinh-b"
        ),
        "assignment_b": CourseAssignment.objects.create(
            course=course_b, unit=unit_b, job=make_job(CourseAssignment._meta.label_lower)
        ),
        "batch_b": CertificateBatch.objects.create(
            template=template_b, course=course_b, unit=unit_b, job=make_job(CertificateBatch._meta.label_lower)
        ),
        "document_b": Document.objects.create(
            title="Tài liệu của tỉnh B", file=ContentFile(b"%PDF-1.4 ", "tai-lieu.pdf"), uploaded_by_user=trainer_b
        ),
        "image_b": Image.objects.create(title="Ảnh của tỉnh B", file=get_test_image_file(), uploaded_by_user=trainer_b),
        "collection": Collection.get_first_root_node().add_child(name="Tài liệu tập huấn"),
        "workflow": Workflow.objects.first(),
        "task": Task.objects.first(),
        "redirect": Redirect.objects.create(old_path="/cu", redirect_link="/moi"),
        "site": Site.objects.get(is_default_site=True),
        "group": Group.objects.get(name=roles.ORGANISER),
        "user_b": organiser_b,
        "correction_b": CorrectionRequest.objects.create(person=person_b, message="Ngày sinh sai của tỉnh B"),
        "access_b": PersonalDataAccess.objects.create(
            user=organiser_b, kind="export", what="Xuất của tỉnh B", unit=unit_b
        ),
        "lockout_b": LoginLockout.objects.create(
            account=f"user:{other_learner.pk}", user=other_learner, unit=unit_b, ip_address="10.0.0.9"
        ),
    }
    principals = {
        "anonymous": None,
        "learner": learner,
        "other_learner": other_learner,
        "trainer": trainer,
        "organiser_a": make_organiser(managed_unit=unit_a),
        "organiser_b": organiser_b,
        "superuser": make_user(is_superuser=True),
    }
    return principals, objects


@dataclass(frozen=True)
class Row:
    """How to ask for a URL pattern, and what each principal gets.

    ``expect`` has one outcome per principal, in the order of ``PRINCIPALS``:

    - ``200``, ``403``, ``404``, ``405``: that status;
    - ``login``: a redirect to a log-in page; ``home``: Wagtail's refusal, a redirect to the admin's home page;
      ``redirect``: any other redirect;
    - ``shown`` / ``hidden``: 200, and the page shows / does not show ``shows`` (an object's text);
    - ``-``: not asked (a POST row asks only the principals who must be refused).

    ``args`` fill the pattern's arguments: an object's name gives its pk, ``object.attribute`` that attribute,
    anything else is taken as it is. ``path`` is used instead for patterns that cannot be reversed (an object's
    URL attribute, or a literal path starting with "/"). ``query`` is added to the URL after formatting it with
    the objects. ``post`` is form data: the cell POSTs it and asserts that no object of the world changed.
    """

    expect: str
    args: dict = field(default_factory=dict)
    path: str = ""
    query: str = ""
    shows: str = ""
    post: dict | None = None


def row(expect, *, path="", query="", shows="", post=None, **args):
    return Row(expect, args, path, query, shows, post)


def url_patterns(patterns=None, prefix="", namespace=""):
    """``(key, route, view)`` of every URL pattern of the site; the key is the pattern's name with its
    namespaces, or its route when it has no name."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else ""
            yield name or route, route, pattern.lookup_str


def resolve(spec, objects):
    """An argument or path of a row: an object's pk, an object's attribute, or the text itself."""
    name, _dot, attribute = str(spec).partition(".")
    if name not in objects:
        return spec
    value = objects[name]
    for step in attribute.split(".") if attribute else ["pk"]:
        value = getattr(value, step)
    return value


def url_of(key, case, objects):
    if case.path:
        url = str(resolve(case.path, objects))
    else:
        url = reverse(key, kwargs={name: resolve(spec, objects) for name, spec in case.args.items()})
    return f"{url}?{case.query.format(**objects)}" if case.query else url


# One row (or a list of rows) per URL pattern, by its name (or its route, when it has none). Columns of ``expect``:
#    anonymous learner other_learner trainer organiser_a organiser_b superuser
# The objects are unit B's and B's learner's ("other_learner"); organiser_a and the trainer belong to commune A.
# Shared by the whole install, so every admin user sees them: pages (their titles), Wagtail's documents and images
# (by collection), workflows and tasks; changing them takes Wagtail's page and collection permissions.
TABLE = {
    "wagtailadmin_home": row("login login login 200 200 200 200"),
    "admin/test404/": row("login login login 200 200 200 200", path="/admin/test404/"),
    "wagtailadmin_api:pages:listing": row("login login login 200 200 200 200"),
    "wagtailadmin_api:pages:detail": row("login login login 404 404 404 200", pk="course_b"),
    "wagtailadmin_api:pages:find": row("login login login 404 404 404 404"),
    "wagtailadmin_api:pages:action": row("login login login 405 405 405 405", pk="course_b", action_name="copy"),
    "wagtailadmin_api:documents:listing": row("login login login 200 200 200 200"),
    "wagtailadmin_api:documents:detail": row("login login login 200 200 200 200", pk="document_b"),
    "wagtailadmin_api:documents:find": row("login login login 404 404 404 404"),
    "wagtailadmin_api:images:listing": row("login login login 200 200 200 200"),
    "wagtailadmin_api:images:detail": row("login login login 200 200 200 200", pk="image_b"),
    "wagtailadmin_api:images:find": row("login login login 404 404 404 404"),
    "wagtailadmin_error_test": row("login login login 500 500 500 500"),
    "wagtailadmin_explore_root": row("login login login redirect home home 200"),
    "wagtailadmin_explore": row("login login login redirect home home 200", parent_page_id="course_b"),
    "wagtailadmin_explore_results": row("login login login redirect home home 200", parent_page_id="course_b"),
    "wagtail_bulk_action": row(
        "login login login 404 404 404 404", app_label="wagtailcore", model_name="page", action="delete"
    ),
    "wagtailadmin_pages:add": row(
        "login login login home home home home",
        content_type_app_name="courses",
        content_type_model_name="coursepage",
        parent_page_id="course_b",
    ),
    "wagtailadmin_pages:preview_on_add": row(
        "login login login home home home 200",
        content_type_app_name="courses",
        content_type_model_name="coursepage",
        parent_page_id="course_b",
    ),
    "wagtailadmin_pages:type_use": row(
        "login login login 200 home home 200", content_type_app_name="courses", content_type_model_name="coursepage"
    ),
    "wagtailadmin_pages:choose_parent": row(
        "login login login 200 200 200 200", app_label="wagtailcore", model_name="page"
    ),
    "wagtailadmin_pages:type_use_results": row(
        "login login login 200 home home 200", content_type_app_name="courses", content_type_model_name="coursepage"
    ),
    "wagtailadmin_pages:usage": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:edit": [
        row("login login login home home home 200", page_id="course_b"),
        row("login login login home home home -", page_id="course_b", post={"title": "Tên đã sửa", "slug": "da-sua"}),
    ],
    "wagtailadmin_pages:preview_on_edit": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:view_draft": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:add_subpage": row("login login login home home home 200", parent_page_id="course_b"),
    # course B has learners' records: even a superuser is sent back to its edit page with the reason
    "wagtailadmin_pages:delete": row("login login login home home home redirect", page_id="course_b"),
    "wagtailadmin_pages:unpublish": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:convert_alias": row("login login login 404 404 404 404", page_id="course_b"),
    "wagtailadmin_pages:search": row("login login login 200 home home 200"),
    "wagtailadmin_pages:search_results": row("login login login 200 home home 200"),
    "wagtailadmin_pages:move": row("login login login home home home 200", page_to_move_id="course_b"),
    "wagtailadmin_pages:move_confirm": row(
        "login login login 200 200 200 200", page_to_move_id="course_b", destination_id="catalogue"
    ),
    "wagtailadmin_pages:set_page_position": row("login login login 405 405 405 405", page_to_move_id="course_b"),
    "wagtailadmin_pages:copy": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:workflow_action": row(
        "login login login 404 404 404 404", page_id="course_b", action_name="approve", task_state_id=1
    ),
    "wagtailadmin_pages:collect_workflow_action_data": row(
        "login login login 404 404 404 404", page_id="course_b", action_name="approve", task_state_id=1
    ),
    "wagtailadmin_pages:confirm_workflow_cancellation": row("login login login 200 200 200 200", page_id="course_b"),
    "wagtailadmin_pages:workflow_preview": row(
        "login login login home home home home", page_id="course_b", task_id="task"
    ),
    "wagtailadmin_pages:set_privacy": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:lock": row("login login login 405 405 405 405", page_id="course_b"),
    "wagtailadmin_pages:unlock": row("login login login 405 405 405 405", page_id="course_b"),
    "wagtailadmin_pages:revisions_index": row(
        "login login login redirect redirect redirect redirect", page_id="course_b"
    ),
    "wagtailadmin_pages:revisions_view": row(
        "login login login home home home 200", page_id="course_b", revision_id="course_b.latest_revision.pk"
    ),
    "wagtailadmin_pages:revisions_revert": row(
        "login login login home home home 200", page_id="course_b", revision_id="course_b.latest_revision.pk"
    ),
    "wagtailadmin_pages:revisions_unschedule": row(
        "login login login home home home 200", page_id="course_b", revision_id="course_b.latest_revision.pk"
    ),
    "wagtailadmin_pages:revisions_compare": row(
        "login login login home home home 200", pk="course_b", revision_id_a="earliest", revision_id_b="latest"
    ),
    "wagtailadmin_pages:workflow_history": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:workflow_history_detail": row(
        "login login login home home home 404", page_id="course_b", workflow_state_id=1
    ),
    "wagtailadmin_pages:history": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_pages:history_results": row("login login login home home home 200", page_id="course_b"),
    "wagtailadmin_choose_page": row("login login login 200 200 200 200"),
    "wagtailadmin_choose_page_child": row("login login login 200 200 200 200", parent_page_id="course_b"),
    "wagtailadmin_choose_page_search": row("login login login 200 200 200 200"),
    "wagtailadmin_choose_page_chosen_multiple": row("login login login 200 200 200 200"),
    "wagtailadmin_choose_page_external_link": row("login login login 200 200 200 200"),
    "wagtailadmin_choose_page_email_link": row("login login login 200 200 200 200"),
    "wagtailadmin_choose_page_phone_link": row("login login login 200 200 200 200"),
    "wagtailadmin_choose_page_anchor_link": row("login login login 200 200 200 200"),
    "wagtailadmin_tag_autocomplete": row("login login login 200 200 200 200"),
    "wagtailadmin_tag_model_autocomplete": row(
        "login login login 404 404 404 404", app_name="wagtaildocs", model_name="document"
    ),
    "wagtailadmin_collections:index": row("login login login home home home 200"),
    "wagtailadmin_collections:add": row("login login login home home home 200"),
    "wagtailadmin_collections:edit": row("login login login home home home 200", pk="collection"),
    "wagtailadmin_collections:delete": row("login login login 404 404 404 200", pk="collection"),
    "wagtailadmin_collections:set_privacy": row("login login login home home home 200", collection_id="collection"),
    "wagtailadmin_workflows:index": row("login login login home home home 200"),
    "wagtailadmin_workflows:index_results": row("login login login home home home 200"),
    "wagtailadmin_workflows:add": row("login login login home home home 200"),
    "wagtailadmin_workflows:enable": row("login login login 405 405 405 405", pk="workflow"),
    "wagtailadmin_workflows:disable": row("login login login home home home 200", pk="workflow"),
    "wagtailadmin_workflows:edit": row("login login login home home home 200", pk="workflow"),
    "wagtailadmin_workflows:usage": row("login login login home home home 200", pk="workflow"),
    "wagtailadmin_workflows:usage_results": row("login login login home home home 200", pk="workflow"),
    "wagtailadmin_workflows:remove": [
        row("login login login 405 405 405 405", page_pk="course_b"),
        row("login login login 405 405 405 405", page_pk="course_b", workflow_pk="workflow"),
    ],
    "wagtailadmin_workflows:add_task": row(
        "login login login 404 404 404 404", app_label="wagtailcore", model_name="page"
    ),
    "wagtailadmin_workflows:select_task_type": row("login login login home home home redirect"),
    "wagtailadmin_workflows:task_index": row("login login login home home home 200"),
    "wagtailadmin_workflows:task_index_results": row("login login login home home home 200"),
    "wagtailadmin_workflows:edit_task": row("login login login home home home 200", pk="task"),
    "wagtailadmin_workflows:disable_task": row("login login login home home home 200", pk="task"),
    "wagtailadmin_workflows:enable_task": row("login login login 405 405 405 405", pk="task"),
    "wagtailadmin_workflows:task_chooser": row("login login login 200 200 200 200"),
    "wagtailadmin_workflows:task_chooser_results": row("login login login 200 200 200 200"),
    "wagtailadmin_workflows:task_chooser_create": row("login login login 200 200 200 200"),
    "wagtailadmin_workflows:task_chosen": row("login login login 200 200 200 200", task_id="task"),
    "wagtailadmin_reports:locked_pages": row("login login login home home home 200"),
    "wagtailadmin_reports:locked_pages_results": row("login login login home home home 200"),
    "wagtailadmin_reports:workflow": row("login login login 200 home home 200"),
    "wagtailadmin_reports:workflow_results": row("login login login 200 home home 200"),
    "wagtailadmin_reports:workflow_tasks": row("login login login 200 home home 200"),
    "wagtailadmin_reports:workflow_tasks_results": row("login login login 200 home home 200"),
    "wagtailadmin_reports:site_history": row("login login login hidden hidden shown shown", shows="certificate_b"),
    "wagtailadmin_reports:site_history_results": row(
        "login login login hidden hidden shown shown", shows="certificate_b"
    ),
    "wagtailadmin_reports:aging_pages": row("login login login 200 home home 200"),
    "wagtailadmin_reports:aging_pages_results": row("login login login 200 home home 200"),
    "wagtailadmin_reports:page_types_usage": row("login login login 200 home home 200"),
    "wagtailadmin_reports:page_types_usage_results": row("login login login 200 home home 200"),
    "wagtailadmin_account": row("login login login 200 200 200 200"),
    "wagtailadmin_logout": row("login login login 405 405 405 405"),
    "wagtailadmin_dismissibles": row("login login login 200 200 200 200"),
    "wagtailadmin_editing_sessions:ping": row(
        "login login login 405 405 405 405",
        app_label="wagtailcore",
        model_name="page",
        object_id="course_b.pk",
        session_id=1,
    ),
    "wagtailadmin_editing_sessions:release": row("login login login 405 405 405 405", session_id=1),
    "wagtailadmin_block_preview": row("login login login 404 404 404 404"),
    "wagtailforms:index": row("login login login 200 home home 200"),
    "wagtailforms:index_results": row("login login login 200 home home 200"),
    "wagtailforms:list_submissions": row("login login login 404 404 404 404", page_id="course_b"),
    "wagtailforms:list_submissions_results": row("login login login 404 404 404 404", page_id="course_b"),
    "wagtailforms:delete_submissions": row("login login login home home home home", page_id="course_b"),
    "wagtailredirects:index": row("login login login home home home 200"),
    "wagtailredirects:index_results": row("login login login home home home 200"),
    "wagtailredirects:add": row("login login login home home home 200"),
    "wagtailredirects:edit": row("login login login home home home 200", redirect_id="redirect"),
    "wagtailredirects:delete": row("login login login home home home 200", redirect_id="redirect"),
    "wagtailredirects:start_import": row("login login login home home home 200"),
    "wagtailredirects:process_import": row("login login login home home home 405"),
    "wagtailsettings:edit": [
        row("login login login 404 404 404 404", app_name="home", model_name="missing"),
        row("login login login 404 404 404 404", app_name="home", model_name="missing", pk=1),
    ],
    "wagtailsettings:preview_on_edit": row(
        "login login login 404 404 404 404", app_name="home", model_name="missing", pk=1
    ),
    "wagtailembeds:chooser": row("login login login 200 200 200 200"),
    "wagtailembeds:chooser_upload": row("login login login 200 200 200 200"),
    "wagtailsnippets:index": row("login login login home home home home"),
    "wagtaildocs:index": row("login login login 200 home home 200"),
    "wagtaildocs:index_results": row("login login login 200 home home 200"),
    "wagtaildocs:add": row("login login login 200 home home 200"),
    "wagtaildocs:edit": row("login login login home home home 200", document_id="document_b"),
    "wagtaildocs:delete": row("login login login home home home 200", document_id="document_b"),
    "wagtaildocs:add_multiple": row("login login login 200 home home 200"),
    "wagtaildocs:edit_multiple": row("login login login 405 405 405 405", doc_id="document_b"),
    "wagtaildocs:create_multiple_from_uploaded_document": row("login login login 405 405 405 405", uploaded_file_id=1),
    "wagtaildocs:delete_multiple": row("login login login 405 405 405 405", doc_id="document_b"),
    "wagtaildocs:delete_upload_multiple": row("login login login 405 405 405 405", uploaded_file_id=1),
    "wagtaildocs:document_usage": row("login login login home home home 200", document_id="document_b"),
    "wagtailimages:index": row("login login login 200 home home 200"),
    "wagtailimages:index_results": row("login login login 200 home home 200"),
    "wagtailimages:edit": row("login login login home home home 200", image_id="image_b"),
    "wagtailimages:delete": row("login login login home home home 200", image_id="image_b"),
    "wagtailimages:url_generator": row("login login login 404 home home 404", image_id="image_b"),
    "wagtailimages:url_generator_output": row("login login login 404 home home 404", image_id="image_b"),
    "wagtailimages:preview": row("login login login home home home 200", image_id="image_b", filter_spec="original"),
    "wagtailimages:add": row("login login login 200 home home 200"),
    "wagtailimages:image_usage": row("login login login home home home 200", image_id="image_b"),
    "wagtailimages:add_multiple": row("login login login 200 home home 200"),
    "wagtailimages:edit_multiple": row("login login login 405 405 405 405", image_id="image_b"),
    "wagtailimages:create_multiple_from_uploaded_image": row("login login login 405 405 405 405", uploaded_file_id=1),
    "wagtailimages:delete_multiple": row("login login login 405 405 405 405", image_id="image_b"),
    "wagtailimages:delete_upload_multiple": row("login login login 405 405 405 405", uploaded_file_id=1),
    "coverage_report:index": [
        row("login login login home hidden shown shown", shows="unit_b"),
        row("login login login home hidden shown shown", shows="unit_b", query="unit={unit_b.pk}"),
    ],
    "coverage_report:missing": row("login login login home 404 200 200"),
    "coverage_report:missing_results": row("login login login home 404 200 200"),
    "coverage_target:index": [
        row("login login login home hidden shown shown", shows="target_b"),
        row("login login login home hidden shown shown", shows="target_b", query="q=tiêu của tỉnh"),
        row("login login login home hidden shown shown", shows="target_b", query="unit={unit_b.pk}"),
    ],
    "coverage_target:index_results": row(
        "login login login home hidden shown shown", shows="target_b", query="q=tiêu của tỉnh"
    ),
    "coverage_target:add": row("login login login home 200 200 200"),
    "coverage_target:edit": [
        row("login login login home 404 200 200", pk="target_b"),
        row("login login login home 404 - -", pk="target_b", post={"name": "Tên đã sửa"}),
    ],
    "coverage_target:delete": row("login login login home home home home", pk="target_b"),
    "coverage_target:history": row("login login login 404 404 200 200", pk="target_b"),
    "coverage_target:history_results": row("login login login 404 404 200 200", pk="target_b"),
    "coverage_target:usage": row("login login login 404 404 200 200", pk="target_b"),
    "coverage_apitoken:index": row("login login login home home home 200"),
    "coverage_apitoken:index_results": row("login login login home home home 200"),
    "coverage_apitoken:add": row("login login login home home home 200"),
    "coverage_apitoken:edit": [
        row("login login login home home home 200", pk="api_token_b"),
        row("login login login home home home -", pk="api_token_b", post={"name": "Tên đã sửa", "is_active": ""}),
    ],
    "coverage_apitoken:delete": row("login login login home home home home", pk="api_token_b"),
    "coverage_apitoken:history": row("login login login home home home 200", pk="api_token_b"),
    "coverage_apitoken:history_results": row("login login login home home home 200", pk="api_token_b"),
    "coverage_apitoken:usage": row("login login login home home home 200", pk="api_token_b"),
    "coverage_zalotemplate:index": row("login login login home home home 200"),
    "coverage_zalotemplate:index_results": row("login login login home home home 200"),
    "coverage_zalotemplate:add": row("login login login home home home 200"),
    "coverage_zalotemplate:edit": [
        row("login login login home home home 200", pk="zalo_template"),
        row("login login login home home home -", pk="zalo_template", post={"name": "Tên đã sửa"}),
    ],
    "coverage_zalotemplate:delete": row("login login login home home home home", pk="zalo_template"),
    "coverage_zalotemplate:history": row("login login login home home home 200", pk="zalo_template"),
    "coverage_zalotemplate:history_results": row("login login login home home home 200", pk="zalo_template"),
    "coverage_zalotemplate:usage": row("login login login home home home 200", pk="zalo_template"),
    "coverage_zalomessage:index": row("login login login home hidden shown shown", shows="person_b"),
    "coverage_zalomessage:index_results": row("login login login home hidden shown shown", shows="person_b"),
    "coverage_zalomessage:add": row("login login login home home home home"),
    "coverage_zalomessage:edit": row("login login login home home home home", pk="zalo_message_b"),
    "coverage_zalomessage:delete": row("login login login home home home home", pk="zalo_message_b"),
    "coverage_zalomessage:history": row("login login login 404 404 home home", pk="zalo_message_b"),
    "coverage_zalomessage:history_results": row("login login login 404 404 home home", pk="zalo_message_b"),
    "coverage_zalomessage:usage": row("login login login 404 404 home home", pk="zalo_message_b"),
    "zalo_consent": [
        row("login 405 405 405 405 405 405"),
        # the learners' own choice is theirs to change; staff on no list have no choice to make
        row("login - - 404 404 404 404", post={"zalo_consent": "on"}),
    ],
    "certificates_certificate:index": [
        row("login login login home hidden shown shown", shows="person_b"),
        row("login login login home hidden shown shown", shows="person_b", query="q=Bích Phượng"),
        row("login login login home hidden shown shown", shows="person_b", query="unit={unit_b.pk}"),
    ],
    "certificates_certificate:index_results": row(
        "login login login home hidden shown shown", shows="person_b", query="q=Bích Phượng"
    ),
    "certificates_certificate:add": row("login login login home home home home"),
    "certificates_certificate:edit": row("login login login home home home home", pk="certificate_b"),
    "certificates_certificate:delete": row("login login login home home home home", pk="certificate_b"),
    "certificates_certificate:history": row("login login login 404 404 home home", pk="certificate_b"),
    "certificates_certificate:history_results": row("login login login 404 404 home home", pk="certificate_b"),
    "certificates_certificate:usage": row("login login login 404 404 home home", pk="certificate_b"),
    "certificates_certificate:pdf": row("login login login home 404 200 200", pk="certificate_b"),
    "certificates_certificate:revoke": [
        row("login login login home 404 200 200", pk="certificate_b"),
        row("login login login home 404 - -", pk="certificate_b", post={"reason": "Thu hồi thử"}),
    ],
    "certificates_certificate:reissue": [
        row("login login login home 404 200 200", pk="certificate_b"),
        row("login login login home 404 - -", pk="certificate_b", post={"reason": "Cấp lại thử"}),
    ],
    "certificates_batch:index": row("login login login home hidden shown shown", shows="unit_b"),
    "certificates_batch:index_results": row("login login login home hidden shown shown", shows="unit_b"),
    "certificates_batch:add": row("login login login home 200 200 200"),
    "certificates_batch:edit": row("login login login home home home home", pk="batch_b"),
    "certificates_batch:delete": row("login login login home home home home", pk="batch_b"),
    "certificates_batch:history": row("login login login 404 404 200 200", pk="batch_b"),
    "certificates_batch:history_results": row("login login login 404 404 200 200", pk="batch_b"),
    "certificates_batch:usage": row("login login login 404 404 home home", pk="batch_b"),
    "certificates_batch:progress": row("login login login home 404 200 200", pk="batch_b"),
    "certificates_template:index": row("login login login home hidden shown shown", shows="template_b"),
    "certificates_template:index_results": row("login login login home hidden shown shown", shows="template_b"),
    "certificates_template:add": row("login login login home 200 200 200"),
    "certificates_template:edit": [
        row("login login login home 404 200 200", pk="template_b"),
        row(
            "login login login home 404 - -",
            pk="template_b",
            post={"name": "Tên đã sửa", "signer_name": "Người khác ký"},
        ),
    ],
    "certificates_template:delete": row("login login login home home home home", pk="template_b"),
    "certificates_template:history": row("login login login 404 404 200 200", pk="template_b"),
    "certificates_template:history_results": row("login login login 404 404 200 200", pk="template_b"),
    "certificates_template:usage": row("login login login 404 404 200 200", pk="template_b"),
    "certificates_template:preview_on_add": row("login login login home 200 200 200"),
    "certificates_template:preview_on_edit": row("login login login 404 404 200 200", pk="template_b"),
    "courses_enrolment:index": [
        row("login login login hidden hidden shown shown", shows="person_b"),
        row("login login login hidden hidden shown shown", shows="person_b", query="q=Bích Phượng"),
        row("login login login hidden hidden shown shown", shows="person_b", query="unit={unit_b.pk}"),
    ],
    "courses_enrolment:index_results": row(
        "login login login hidden hidden shown shown", shows="person_b", query="q=Bích Phượng"
    ),
    "courses_enrolment:add": row("login login login home home home home"),
    "courses_enrolment:edit": row("login login login home home home home", pk="enrolment_b"),
    "courses_enrolment:delete": row("login login login home home home home", pk="enrolment_b"),
    "courses_enrolment:history": row("login login login home home home home", pk="enrolment_b"),
    "courses_enrolment:history_results": row("login login login home home home home", pk="enrolment_b"),
    "courses_enrolment:usage": row("login login login home home home home", pk="enrolment_b"),
    # the superuser's report starts at the top of the tree, above unit B
    "courses_enrolment:by_unit": row(
        "login login login hidden hidden shown hidden", shows="unit_b", course_pk="course_b"
    ),
    "courses_assignment:index": row("login login login home hidden shown shown", shows="unit_b"),
    "courses_assignment:index_results": row("login login login home hidden shown shown", shows="unit_b"),
    "courses_assignment:add": row("login login login home 200 200 200"),
    "courses_assignment:edit": row("login login login home home home home", pk="assignment_b"),
    "courses_assignment:delete": row("login login login home home home home", pk="assignment_b"),
    "courses_assignment:history": row("login login login 404 404 200 200", pk="assignment_b"),
    "courses_assignment:history_results": row("login login login 404 404 200 200", pk="assignment_b"),
    "courses_assignment:usage": row("login login login 404 404 home home", pk="assignment_b"),
    "courses_assignment:progress": row("login login login home 404 200 200", pk="assignment_b"),
    "courses_quiz:index": row("login login login 200 200 200 200"),
    "courses_quiz:index_results": row("login login login 200 200 200 200"),
    "courses_quiz:statistics": row("login login login 200 200 200 200", quiz_pk="quiz_b"),
    "courses_quiz:essays": row("login login login hidden home home shown", shows="person_b"),
    "courses_quiz:essays_results": row("login login login hidden home home shown", shows="person_b"),
    "courses_quiz:grade": [
        row("login login login 404 home home 200", answer_pk="essay_answer_b"),
        row(
            "login login login 404 home home -",
            answer_pk="essay_answer_b",
            post={"points": "1", "feedback": "Chấm thử"},
        ),
    ],
    "courses_question:index": row("login login login hidden home home shown", shows="question_b"),
    "courses_question:index_results": row("login login login hidden home home shown", shows="question_b"),
    "courses_question:add": row("login login login redirect redirect redirect redirect"),
    "courses_question:edit": row("login login login 404 404 redirect redirect", pk="question_b"),
    "courses_question:delete": row("login login login home home home home", pk="question_b"),
    "courses_question:history": row("login login login 404 404 home 200", pk="question_b"),
    "courses_question:history_results": row("login login login 404 404 home 200", pk="question_b"),
    "courses_question:usage": row("login login login 404 404 home 200", pk="question_b"),
    "courses_question:choose_type": row("login login login 200 200 200 200"),
    "courses_question:import": row("login login login 200 home home 200"),
    "courses_question:export": row("login login login 200 home home 200"),
    "courses_questioncategory:index": row("login login login hidden home home shown", shows="category_b"),
    "courses_questioncategory:index_results": row("login login login hidden home home shown", shows="category_b"),
    "courses_questioncategory:add": row("login login login 200 home home 200"),
    "courses_questioncategory:edit": [
        row("login login login 404 home home 200", pk="category_b"),
        row("login login login 404 home home -", pk="category_b", post={"name": "Tên đã sửa"}),
    ],
    "courses_questioncategory:delete": row("login login login home home home home", pk="category_b"),
    "courses_questioncategory:history": row("login login login 404 404 home 200", pk="category_b"),
    "courses_questioncategory:history_results": row("login login login 404 404 home 200", pk="category_b"),
    "courses_questioncategory:usage": row("login login login 404 404 home 200", pk="category_b"),
    "courses_competence:index": row("login login login 200 home home 200"),
    "courses_competence:index_results": row("login login login 200 home home 200"),
    "courses_competence:add": row("login login login 200 home home 200"),
    "courses_competence:edit": row("login login login 200 home home 200", pk="competence"),
    "courses_competence:delete": row("login login login home home home home", pk="competence"),
    "courses_competence:history": row("login login login 200 home home 200", pk="competence"),
    "courses_competence:history_results": row("login login login 200 home home 200", pk="competence"),
    "courses_competence:usage": row("login login login 200 home home 200", pk="competence"),
    "courses_competencedomain:index": row("login login login 200 home home 200"),
    "courses_competencedomain:index_results": row("login login login 200 home home 200"),
    "courses_competencedomain:add": row("login login login home home home 200"),
    "courses_competencedomain:edit": row("login login login home home home 200", pk="competence_domain"),
    "courses_competencedomain:delete": row("login login login home home home home", pk="competence_domain"),
    "courses_competencedomain:history": row("login login login home home home 200", pk="competence_domain"),
    "courses_competencedomain:history_results": row("login login login home home home 200", pk="competence_domain"),
    "courses_competencedomain:usage": row("login login login home home home 200", pk="competence_domain"),
    "courses_singlechoicequestion:index": row("login login login hidden home home shown", shows="question_b"),
    "courses_singlechoicequestion:index_results": row("login login login hidden home home shown", shows="question_b"),
    "courses_singlechoicequestion:add": row("login login login 200 home home 200"),
    "courses_singlechoicequestion:edit": [
        row("login login login 404 home home 200", pk="question_b"),
        row("login login login 404 home home -", pk="question_b", post={"name": "Tên đã sửa"}),
    ],
    "courses_singlechoicequestion:delete": row("login login login home home home home", pk="question_b"),
    "courses_singlechoicequestion:history": row("login login login 404 404 home 200", pk="question_b"),
    "courses_singlechoicequestion:history_results": row("login login login 404 404 home 200", pk="question_b"),
    "courses_singlechoicequestion:usage": row("login login login 404 404 home 200", pk="question_b"),
    "courses_multiplechoicequestion:index": row(
        "login login login hidden home home shown", shows="multiplechoicequestion_b"
    ),
    "courses_multiplechoicequestion:index_results": row(
        "login login login hidden home home shown", shows="multiplechoicequestion_b"
    ),
    "courses_multiplechoicequestion:add": row("login login login 200 home home 200"),
    "courses_multiplechoicequestion:edit": row("login login login 404 home home 200", pk="multiplechoicequestion_b"),
    "courses_multiplechoicequestion:delete": row(
        "login login login home home home home", pk="multiplechoicequestion_b"
    ),
    "courses_multiplechoicequestion:history": row("login login login 404 404 home 200", pk="multiplechoicequestion_b"),
    "courses_multiplechoicequestion:history_results": row(
        "login login login 404 404 home 200", pk="multiplechoicequestion_b"
    ),
    "courses_multiplechoicequestion:usage": row("login login login 404 404 home 200", pk="multiplechoicequestion_b"),
    "courses_truefalsequestion:index": row("login login login hidden home home shown", shows="truefalsequestion_b"),
    "courses_truefalsequestion:index_results": row(
        "login login login hidden home home shown", shows="truefalsequestion_b"
    ),
    "courses_truefalsequestion:add": row("login login login 200 home home 200"),
    "courses_truefalsequestion:edit": row("login login login 404 home home 200", pk="truefalsequestion_b"),
    "courses_truefalsequestion:delete": row("login login login home home home home", pk="truefalsequestion_b"),
    "courses_truefalsequestion:history": row("login login login 404 404 home 200", pk="truefalsequestion_b"),
    "courses_truefalsequestion:history_results": row("login login login 404 404 home 200", pk="truefalsequestion_b"),
    "courses_truefalsequestion:usage": row("login login login 404 404 home 200", pk="truefalsequestion_b"),
    "courses_shortanswerquestion:index": row("login login login hidden home home shown", shows="shortanswerquestion_b"),
    "courses_shortanswerquestion:index_results": row(
        "login login login hidden home home shown", shows="shortanswerquestion_b"
    ),
    "courses_shortanswerquestion:add": row("login login login 200 home home 200"),
    "courses_shortanswerquestion:edit": row("login login login 404 home home 200", pk="shortanswerquestion_b"),
    "courses_shortanswerquestion:delete": row("login login login home home home home", pk="shortanswerquestion_b"),
    "courses_shortanswerquestion:history": row("login login login 404 404 home 200", pk="shortanswerquestion_b"),
    "courses_shortanswerquestion:history_results": row(
        "login login login 404 404 home 200", pk="shortanswerquestion_b"
    ),
    "courses_shortanswerquestion:usage": row("login login login 404 404 home 200", pk="shortanswerquestion_b"),
    "courses_numericalquestion:index": row("login login login hidden home home shown", shows="numericalquestion_b"),
    "courses_numericalquestion:index_results": row(
        "login login login hidden home home shown", shows="numericalquestion_b"
    ),
    "courses_numericalquestion:add": row("login login login 200 home home 200"),
    "courses_numericalquestion:edit": row("login login login 404 home home 200", pk="numericalquestion_b"),
    "courses_numericalquestion:delete": row("login login login home home home home", pk="numericalquestion_b"),
    "courses_numericalquestion:history": row("login login login 404 404 home 200", pk="numericalquestion_b"),
    "courses_numericalquestion:history_results": row("login login login 404 404 home 200", pk="numericalquestion_b"),
    "courses_numericalquestion:usage": row("login login login 404 404 home 200", pk="numericalquestion_b"),
    "courses_matchingquestion:index": row("login login login hidden home home shown", shows="matchingquestion_b"),
    "courses_matchingquestion:index_results": row(
        "login login login hidden home home shown", shows="matchingquestion_b"
    ),
    "courses_matchingquestion:add": row("login login login 200 home home 200"),
    "courses_matchingquestion:edit": row("login login login 404 home home 200", pk="matchingquestion_b"),
    "courses_matchingquestion:delete": row("login login login home home home home", pk="matchingquestion_b"),
    "courses_matchingquestion:history": row("login login login 404 404 home 200", pk="matchingquestion_b"),
    "courses_matchingquestion:history_results": row("login login login 404 404 home 200", pk="matchingquestion_b"),
    "courses_matchingquestion:usage": row("login login login 404 404 home 200", pk="matchingquestion_b"),
    "courses_essayquestion:index": row("login login login hidden home home shown", shows="essayquestion_b"),
    "courses_essayquestion:index_results": row("login login login hidden home home shown", shows="essayquestion_b"),
    "courses_essayquestion:add": row("login login login 200 home home 200"),
    "courses_essayquestion:edit": row("login login login 404 home home 200", pk="essayquestion_b"),
    "courses_essayquestion:delete": row("login login login home home home home", pk="essayquestion_b"),
    "courses_essayquestion:history": row("login login login 404 404 home 200", pk="essayquestion_b"),
    "courses_essayquestion:history_results": row("login login login 404 404 home 200", pk="essayquestion_b"),
    "courses_essayquestion:usage": row("login login login 404 404 home 200", pk="essayquestion_b"),
    "courses_descriptionquestion:index": row("login login login hidden home home shown", shows="descriptionquestion_b"),
    "courses_descriptionquestion:index_results": row(
        "login login login hidden home home shown", shows="descriptionquestion_b"
    ),
    "courses_descriptionquestion:add": row("login login login 200 home home 200"),
    "courses_descriptionquestion:edit": row("login login login 404 home home 200", pk="descriptionquestion_b"),
    "courses_descriptionquestion:delete": row("login login login home home home home", pk="descriptionquestion_b"),
    "courses_descriptionquestion:history": row("login login login 404 404 home 200", pk="descriptionquestion_b"),
    "courses_descriptionquestion:history_results": row(
        "login login login 404 404 home 200", pk="descriptionquestion_b"
    ),
    "courses_descriptionquestion:usage": row("login login login 404 404 home 200", pk="descriptionquestion_b"),
    # the superuser's listing starts at the top of the tree, above unit B; a search looks through the whole
    # subtree of the user's units, so the superuser finds unit B and organiser A still does not
    "lms_unit:index": [
        row("login login login hidden hidden shown hidden", shows="unit_b"),
        row("login login login hidden hidden shown shown", shows="unit_b", query="q=Bắc Ninh"),
    ],
    "lms_unit:index_results": row("login login login hidden hidden shown shown", shows="unit_b", query="q=Bắc Ninh"),
    "lms_unit:add": row("login login login home home home 200"),
    "lms_unit:edit": [
        row("login login login home 404 200 200", pk="unit_b"),
        row("login login login home 404 - -", pk="unit_b", post={"name": "Tên đã sửa"}),
    ],
    "lms_unit:delete": row("login login login home home home home", pk="unit_b"),
    "lms_unit:history": row("login login login 404 404 200 200", pk="unit_b"),
    "lms_unit:history_results": row("login login login 404 404 200 200", pk="unit_b"),
    "lms_unit:usage": row("login login login 404 404 200 200", pk="unit_b"),
    "lms_unit:merge": [
        row("login login login home 404 200 200", parent_pk="unit_b"),
        row("login login login home 404 - -", parent_pk="unit_b", post={"target": "{unit_a.pk}"}),
    ],
    "lms_unit:import": row("login login login home 200 200 200"),
    "lms_unit:sync": row("login login login home home home 200"),
    "lms_person:index": [
        row("login login login hidden hidden shown shown", shows="person_b"),
        row("login login login hidden hidden shown shown", shows="person_b", query="q=Bích Phượng"),
        row("login login login hidden hidden shown shown", shows="person_b", query="unit={unit_b.pk}"),
    ],
    "lms_person:index_results": [
        row("login login login hidden hidden shown shown", shows="person_b", query="q=Bích Phượng"),
        row("login login login hidden hidden shown shown", shows="person_b", query="unit={unit_b.pk}"),
    ],
    "lms_person:add": row("login login login home 200 200 200"),
    "lms_person:edit": [
        row("login login login home 404 200 200", pk="person_b"),
        row("login login login home 404 - -", pk="person_b", post={"full_name": "Tên đã sửa"}),
    ],
    "lms_person:delete": row("login login login home home home home", pk="person_b"),
    "lms_person:history": row("login login login 404 404 200 200", pk="person_b"),
    "lms_person:history_results": row("login login login 404 404 200 200", pk="person_b"),
    "lms_person:usage": row("login login login 404 404 200 200", pk="person_b"),
    "lms_person:import": row("login login login home 200 200 200"),
    "lms_person:activation": row("login login login home 200 200 200"),
    "lms_person:activation_person": [
        row("login login login home 404 200 200", pk="person_b"),
        row("login login login home 404 - -", pk="person_b", post={"unit": "unit_b.pk"}),
    ],
    "lms_person:trainings": row("login login login 404 404 200 200", pk="person_b"),
    "lms_person:training_correct": [
        row("login login login home 404 200 200", pk="person_b", record_pk="record_b"),
        row("login login login home 404 - -", pk="person_b", record_pk="record_b", post={"reason": "Sai"}),
    ],
    "lms_person:erase": [
        row("login login login home 404 200 200", pk="person_b"),
        row("login login login home 404 - -", pk="person_b", post={"reason": "Thử", "confirm": "on"}),
    ],
    "lms_correctionrequest:index": row("login login login home hidden shown shown", shows="person_b"),
    "lms_correctionrequest:index_results": row("login login login home hidden shown shown", shows="person_b"),
    "lms_correctionrequest:add": row("login login login home home home home"),
    "lms_correctionrequest:edit": row("login login login home home home home", pk="correction_b"),
    "lms_correctionrequest:delete": row("login login login home home home home", pk="correction_b"),
    "lms_correctionrequest:history": row("login login login 404 404 home home", pk="correction_b"),
    "lms_correctionrequest:history_results": row("login login login 404 404 home home", pk="correction_b"),
    "lms_correctionrequest:usage": row("login login login 404 404 home home", pk="correction_b"),
    "lms_correctionrequest:handle": [
        row("login login login home 404 200 200", pk="correction_b"),
        row("login login login home 404 - -", pk="correction_b", post={"answer": "Đã sửa"}),
    ],
    "lms_personaldataaccess:index": row("login login login home hidden shown shown", shows="unit_b"),
    "lms_personaldataaccess:index_results": row("login login login home hidden shown shown", shows="unit_b"),
    "lms_personaldataaccess:add": row("login login login home home home home"),
    "lms_personaldataaccess:edit": row("login login login home home home home", pk="access_b"),
    "lms_personaldataaccess:delete": row("login login login home home home home", pk="access_b"),
    "lms_personaldataaccess:history": row("login login login 404 404 home home", pk="access_b"),
    "lms_personaldataaccess:history_results": row("login login login 404 404 home home", pk="access_b"),
    "lms_personaldataaccess:usage": row("login login login 404 404 home home", pk="access_b"),
    "lms_loginlockout:index": row("login login login home 200 200 200"),
    "lms_loginlockout:index_results": row("login login login home 200 200 200"),
    "lms_loginlockout:add": row("login login login home home home home"),
    "lms_loginlockout:edit": row("login login login home home home home", pk="lockout_b"),
    "lms_loginlockout:delete": row("login login login home home home home", pk="lockout_b"),
    "lms_loginlockout:history": row("login login login 404 404 home home", pk="lockout_b"),
    "lms_loginlockout:history_results": row("login login login 404 404 home home", pk="lockout_b"),
    "lms_loginlockout:usage": row("login login login 404 404 home home", pk="lockout_b"),
    "lms_loginlockout:lift": [
        # 404 for everyone: this lockout counts no wrong guesses any more (tests/lms/test_lockout.py lifts live ones)
        row("login login login home 404 404 404", pk="lockout_b"),
        row("login login login home 404 - -", pk="lockout_b", post={}),
    ],
    "lms_session:index": [
        row("login login login hidden hidden shown shown", shows="session_b"),
        row("login login login hidden hidden shown shown", shows="session_b", query="q=riêng của tỉnh"),
        row("login login login hidden hidden shown shown", shows="session_b", query="unit={unit_b.pk}"),
    ],
    "lms_session:index_results": [
        row("login login login hidden hidden shown shown", shows="session_b", query="q=riêng của tỉnh"),
        row("login login login hidden hidden shown shown", shows="session_b", query="unit={unit_b.pk}"),
    ],
    "lms_session:add": row("login login login 200 200 200 200"),
    "lms_session:edit": [
        row("login login login 404 404 200 200", pk="session_b"),
        row("login login login 404 404 - -", pk="session_b", post={"title": "Tên đã sửa"}),
    ],
    "lms_session:delete": row("login login login home home home home", pk="session_b"),
    "lms_session:history": row("login login login 404 404 200 200", pk="session_b"),
    "lms_session:history_results": row("login login login 404 404 200 200", pk="session_b"),
    "lms_session:usage": row("login login login 404 404 200 200", pk="session_b"),
    "lms_session:attendance": [
        row("login login login 404 404 200 200", pk="session_b"),
        row("login login login 404 404 - -", pk="session_b", post={"people": "{person_b.pk}"}),
    ],
    "lms_session:attendance_import": [
        row("login login login 404 404 200 200", pk="session_b"),
        row("login login login 404 404 - -", pk="session_b", post={}),
    ],
    "lms_personcategory:index": row("login login login 200 200 200 200"),
    "lms_personcategory:index_results": row("login login login 200 200 200 200"),
    "lms_personcategory:add": row("login login login home home home 200"),
    "lms_personcategory:edit": row("login login login home home home 200", pk="person_category"),
    "lms_personcategory:delete": row("login login login home home home home", pk="person_category"),
    "lms_personcategory:history": row("login login login home home home 200", pk="person_category"),
    "lms_personcategory:history_results": row("login login login home home home 200", pk="person_category"),
    "lms_personcategory:usage": row("login login login home home home 200", pk="person_category"),
    "lms_unit_chooser:choose": row("login login login 200 200 200 200"),  # JSON: its names are escaped
    "lms_unit_chooser:choose_results": row(
        "login login login hidden hidden shown shown", shows="commune_b", query="q=Đông Phong"
    ),
    "lms_unit_chooser:chosen": row("login login login 404 404 200 200", pk="unit_b"),
    "lms_unit_chooser:chosen_multiple": row("login login login 200 200 200 200"),
    "lms_unit_chooser:create": row("login login login home 200 200 200"),
    "wagtailsites:index": row("login login login home home home 200"),
    "wagtailsites:index_results": row("login login login home home home 200"),
    "wagtailsites:add": row("login login login home home home 200"),
    "wagtailsites:edit": row("login login login home home home 200", pk="site"),
    "wagtailsites:delete": row("login login login home home home 200", pk="site"),
    "wagtailsites:history": row("login login login home home home 200", pk="site"),
    "wagtailsites:history_results": row("login login login home home home 200", pk="site"),
    "wagtailsites:usage": row("login login login home home home 200", pk="site"),
    "wagtailsites:copy": row("login login login home home home 200", pk="site"),
    "wagtailusers_users:index": row("login login login home home home 200"),
    "wagtailusers_users:index_results": row("login login login home home home 200"),
    "wagtailusers_users:add": row("login login login home home home 200"),
    "wagtailusers_users:reset_two_factor": [
        row("login login login home home home 200", pk="user_b"),
        row("login login login home home home -", pk="user_b", post={}),
    ],
    "wagtailusers_users:edit": row("login login login home home home 200", pk="user_b"),
    "wagtailusers_users:delete": row("login login login home home home 200", pk="user_b"),
    "wagtailusers_users:history": row("login login login home home home 200", pk="user_b"),
    "wagtailusers_users:history_results": row("login login login home home home 200", pk="user_b"),
    "wagtailusers_users:usage": row("login login login home home home 200", pk="user_b"),
    "wagtailusers_users:copy": row("login login login home home home 200", pk="user_b"),
    "wagtailusers_groups:index": row("login login login home home home 200"),
    "wagtailusers_groups:index_results": row("login login login home home home 200"),
    "wagtailusers_groups:add": row("login login login home home home 200"),
    "wagtailusers_groups:edit": row("login login login home home home 200", pk="group"),
    "wagtailusers_groups:delete": row("login login login home home home 200", pk="group"),
    "wagtailusers_groups:history": row("login login login home home home 200", pk="group"),
    "wagtailusers_groups:history_results": row("login login login home home home 200", pk="group"),
    "wagtailusers_groups:usage": row("login login login home home home 200", pk="group"),
    "wagtaildocs_chooser:choose": row("login login login 200 200 200 200"),
    "wagtaildocs_chooser:choose_results": row("login login login 200 200 200 200"),
    "wagtaildocs_chooser:chosen": row("login login login 200 200 200 200", pk="document_b"),
    "wagtaildocs_chooser:chosen_multiple": row("login login login 200 200 200 200"),
    "wagtaildocs_chooser:create": row("login login login 200 home home 200"),
    "wagtailimages_chooser:choose": row("login login login 200 200 200 200"),
    "wagtailimages_chooser:choose_results": row("login login login 200 200 200 200"),
    "wagtailimages_chooser:chosen": row("login login login 200 200 200 200", pk="image_b"),
    "wagtailimages_chooser:chosen_multiple": row("login login login 200 200 200 200"),
    "wagtailimages_chooser:create": row("login login login 200 home home 200"),
    "wagtailimages_chooser:select_format": row("login login login 200 200 200 200", image_id="image_b"),
    "wagtailadmin_login": row("200 200 200 home home home home"),
    "wagtailadmin_password_reset": row("200 200 200 200 200 200 200"),
    "wagtailadmin_password_reset_done": row("200 200 200 200 200 200 200"),
    "wagtailadmin_password_reset_confirm": row("200 200 200 200 200 200 200", uidb64="MQ", token="set-password"),
    "wagtailadmin_password_reset_complete": row("200 200 200 200 200 200 200"),
    "admin/^.*/$": row("login login login 404 404 404 404", path="/admin/no-such-page/"),
    "wagtaildocs_serve": row("200 200 200 200 200 200 200", path="document_b.url"),
    "wagtaildocs_authenticate_with_password": row("404 404 404 404 404 404 404", restriction_id=1),
    "set_language": row("redirect redirect redirect redirect redirect redirect redirect"),
    "login": [
        row("200 redirect redirect redirect redirect redirect redirect"),
        row("200 redirect redirect redirect redirect redirect redirect"),
    ],
    "logout": row("405 405 405 405 405 405 405"),
    "password_change": row("login 200 200 200 200 200 200"),
    "password_change_done": row("login 200 200 200 200 200 200"),
    "password_reset": row("200 200 200 200 200 200 200"),
    "password_reset_done": row("200 200 200 200 200 200 200"),
    "password_reset_confirm": row("200 200 200 200 200 200 200", uidb64="MQ", token="set-password"),
    "password_reset_complete": row("200 200 200 200 200 200 200"),
    "session_checkin": [
        row("login 200 200 200 200 200 200", code="session_b.checkin_code"),
        row("login 200 - - - - -", code="session_b.checkin_code", post={}),
    ],
    "my_courses": row("login 200 200 200 200 200 200"),
    "my_data": [
        row("login hidden shown hidden hidden hidden hidden", shows="person_b"),
        row("login - - - - - -", post={"message": "Sửa giúp tôi"}),
    ],
    "my_data_download": row("login hidden shown 404 404 404 404", file_format="json", shows="person_b"),
    "course_enrol": row("login 405 405 405 405 405 405", course_id="course_b"),
    "lesson_opened": row("login 405 405 405 405 405 405", lesson_id="lesson_b"),
    "lesson_done": row("login 405 405 405 405 405 405", lesson_id="lesson_b"),
    "quiz_start": row("login 405 405 405 405 405 405", quiz_id="quiz_b"),
    "quiz_attempt": row("login 404 redirect 403 403 403 403", attempt_id="attempt_b"),
    "quiz_save": row("login 405 405 405 405 405 405", attempt_id="attempt_b"),
    "quiz_submit": row("login 405 405 405 405 405 405", attempt_id="attempt_b"),
    "quiz_attempt_result": row("login 404 200 403 403 403 403", attempt_id="attempt_b"),
    "certificate_verify_form": row("200 200 200 200 200 200 200"),
    "activate": row("200 200 200 200 200 200 200"),
    "activate_link": row("200 200 200 200 200 200 200", uidb64="MQ", token="no-such-token"),
    "two_factor_verify": row("login home home home home home home"),
    "two_factor_enrol": row("login home home home home home home"),
    "two_factor_recovery_codes": row("login home home home home home home"),
    # off without a configured provider (tests/lms/test_sso.py logs in through them with one)
    "oidc_authentication_init": row("404 404 404 404 404 404 404"),
    "oidc_authentication_callback": row("404 404 404 404 404 404 404", query="code=x&state=y"),
    "certificate_verify": row("200 200 200 200 200 200 200", code="certificate_b.code"),
    "certificate_download": row("login 404 200 404 404 404 404", code="certificate_b.code"),
    "credential_download": row("login 404 200 404 404 404 404", code="certificate_b.code"),
    "credential_did_document": row("200 200 200 200 200 200 200"),
    "credential_status_list": [
        row("200 200 200 200 200 200 200", number=0),
        row("404 404 404 404 404 404 404", number=1),
    ],
    "coverage_api": row("401 401 401 401 401 401 401"),
    "wagtailcore_authenticate_with_password": row(
        "404 404 404 404 404 404 404", page_view_restriction_id=1, page_id="course_b"
    ),
    "wagtailcore_login": row("200 200 200 200 200 200 200"),
    "wagtail_serve": [
        row("200 200 200 200 200 200 200", path="course_b.url"),
        row("login redirect 200 403 403 403 403", path="lesson_b.url"),
        row("login redirect 200 403 403 403 403", path="quiz_b.url"),
    ],
}

# Patterns asked for by no cell, and why.
NO_ROW = {
    "wagtailadmin_sprite": "the admin's icons, the same file for everyone",
    "wagtailadmin_javascript_catalog": "the admin's translations for scripts, the same file for everyone",
}


def cells():
    """One pytest param per cell: a row's pattern and number, the principal and the outcome it must get."""
    for key, rows in TABLE.items():
        for number, case in enumerate(rows if isinstance(rows, list) else [rows]):
            method = "GET" if case.post is None else "POST"
            for principal, outcome in zip(PRINCIPALS, case.expect.split(), strict=True):
                if outcome == "-":
                    continue
                yield pytest.param(key, case, principal, outcome, id=f"{key}#{number}-{method}-{principal}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world and its principals' sessions, made once for the module's cells; each cell runs in a transaction
    of its own inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        principals, objects = build_world()
        yield session_keys(principals), objects
        transaction.set_rollback(True)


def session_keys(principals):
    """A session of each principal (None for anonymous), opened once: every cell sends its cookie."""
    keys = dict.fromkeys(principals)
    for name, user in principals.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def outcome_of(response, marker):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith((reverse("login"), reverse("wagtailadmin_login"))):
            return "login"
        return "home" if location == reverse("wagtailadmin_home") else "redirect"
    if marker and response.status_code == 200:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return "shown" if marker in content.decode(errors="replace") else "hidden"
    return str(response.status_code)


def database_state(objects):
    """Every object of the world as stored, and how many rows each model of the apps holds."""
    stored = {name: type(obj).objects.filter(pk=obj.pk).values().first() for name, obj in objects.items()}
    counts = {model: model.objects.count() for app in WATCHED_APPS for model in apps.get_app_config(app).get_models()}
    return stored, counts


WATCHED_APPS = ("lms", "courses", "certificates", "coverage")


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case", "principal", "outcome"), list(cells()))
def test_cell(world, key, case, principal, outcome):
    sessions, objects = world
    client = Client(raise_request_exception=False)
    if sessions[principal] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[principal]
    url = url_of(key, case, objects)
    if case.post is None:
        response = client.get(url)
    else:
        before = database_state(objects)
        response = client.post(url, {name: value.format(**objects) for name, value in case.post.items()})
        assert database_state(objects) == before, f"{principal} changed the database with POST {url}"
    got = outcome_of(response, str(objects[case.shows]) if case.shows else "")
    assert got == outcome, f"{principal} at {url}: {got}, expected {outcome}"


def test_every_url_pattern_has_a_row():
    patterns = {key: f"{route}  ({view})" for key, route, view in url_patterns()}
    missing = [f"{key}: {patterns[key]}" for key in patterns if key not in TABLE and key not in NO_ROW]
    assert not missing, "Add a row to TABLE in tests/test_access_matrix.py for:\n" + "\n".join(missing)
    assert not set(TABLE) & set(NO_ROW), "A pattern is both in TABLE and NO_ROW"
    assert set(TABLE) | set(NO_ROW) <= set(patterns), "Rows of patterns the site no longer has"
