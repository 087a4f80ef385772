"""Trainers in the Wagtail admin: the course tree they are given, moderation, competences."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses import services as course_services
from courses.demo import seed_demo_catalogue
from courses.models import Competence, CompetenceDomain, CoursePage, LessonPage
from home.models import HomePage
from tests.courses.helpers import make_catalogue, make_course, make_learner_person
from tests.factories import make_trainer, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return seed_demo_catalogue(HomePage.objects.get())


@pytest.fixture
def trainer(client):
    user = make_trainer(is_staff=True)
    client.force_login(user)
    return user


def course_form(**fields):
    return {
        "title": "Sử dụng dịch vụ công trực tuyến",
        "slug": "dich-vu-cong-truc-tuyen",
        "summary": "Nộp hồ sơ trên Cổng dịch vụ công quốc gia.",
        "estimated_hours": "2",
        "enrolment_mode": "open",
        **fields,
    }


def lesson_form(**fields):
    return nested_form_data(
        {
            "title": "Đăng nhập bằng VNeID",
            "slug": "dang-nhap-vneid",
            "body": streamfield([("paragraph", rich_text("<p>Mở ứng dụng VNeID.</p>"))]),
            **fields,
        }
    )


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def test_a_trainer_submits_a_new_course_for_moderation_and_it_is_not_published(client, trainer, catalogue):
    response = client.post(add_url(CoursePage, catalogue), {**course_form(), "action-submit": "1"})

    course = CoursePage.objects.get(slug="dich-vu-cong-truc-tuyen")
    assert response.status_code == 302
    assert not course.live
    assert course.current_workflow_state is not None
    assert course.current_workflow_state.status == "in_progress"


def test_a_trainer_cannot_publish_directly(client, trainer, catalogue):
    client.post(add_url(CoursePage, catalogue), {**course_form(), "action-publish": "1"})

    assert not CoursePage.objects.get(slug="dich-vu-cong-truc-tuyen").live


def test_a_trainer_adds_a_lesson_with_a_streamfield_body_and_previews_it(client, trainer, catalogue):
    course = CoursePage.objects.child_of(catalogue).first()

    response = client.post(add_url(LessonPage, course), lesson_form())
    lesson = LessonPage.objects.get(slug="dang-nhap-vneid")
    draft = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))

    assert response.status_code == 302
    assert lesson.get_parent().pk == course.pk
    assert "Mở ứng dụng VNeID." in draft.text


def test_a_trainer_cannot_edit_pages_outside_the_tree_they_were_given(client, trainer, catalogue):
    home = HomePage.objects.get()

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    elsewhere = client.post(add_url(HomePage, Page.get_first_root_node()), {"title": "Trang khác", "slug": "khac"})
    allowed = client.get(reverse("wagtailadmin_pages:edit", args=[catalogue.pk]))

    assert edit.status_code == 302
    assert edit.url == reverse("wagtailadmin_home")
    assert elsewhere.status_code in (302, 403)
    assert HomePage.objects.count() == 1
    assert allowed.status_code == 200


def test_a_catalogue_not_given_to_trainers_is_closed_to_them(client, trainer):
    closed = make_catalogue()

    response = client.post(add_url(CoursePage, closed), course_form())

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert not CoursePage.objects.filter(slug="dich-vu-cong-truc-tuyen").exists()


def test_a_trainer_adds_a_competence_and_nobody_deletes_one(client, trainer):
    domain = CompetenceDomain.objects.get(number=6)

    response = client.post(
        reverse("courses_competence:add"), {"domain": domain.pk, "number": "6.4", "name": "Ứng xử với AI"}
    )

    assert response.status_code == 302
    assert Competence.objects.filter(number="6.4", domain=domain).exists()
    competence = Competence.objects.get(number="1.1")
    assert client.post(reverse("courses_competence:delete", args=[competence.pk])).status_code in (302, 403)
    assert Competence.objects.filter(pk=competence.pk).exists()


@pytest.mark.parametrize("number", ["²", "4.2.1", "99999.99", "4,2"])
def test_a_competence_number_that_is_not_digits_like_4_2_is_refused_naming_the_field(client, trainer, number):
    domain = CompetenceDomain.objects.get(number=6)

    response = client.post(reverse("courses_competence:add"), {"domain": domain.pk, "number": number, "name": "Mới"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["number"]
    assert not Competence.objects.filter(number=number).exists()


def test_the_framework_has_six_domains_and_twenty_four_competences():
    assert CompetenceDomain.objects.count() == 6
    assert Competence.objects.count() == 24
    assert list(Competence.objects.filter(domain__number=4).values_list("number", flat=True)) == [
        "4.1",
        "4.2",
        "4.3",
        "4.4",
    ]


# Nothing learners did is deleted with a page


def delete_refusal(course):
    return (
        f"“{course.title}” không thể xóa: 1 bản ghi của người học (ghi danh, tiến độ, bài kiểm tra, giấy chứng nhận) "
        "trỏ tới trang này hoặc một trang bên dưới, và các bản ghi đó được giữ lại. Hãy thôi xuất bản trang: "
        "trang rời khỏi website còn các bản ghi vẫn còn."
    )


@pytest.fixture
def course_with_a_learner():
    course = make_course(make_catalogue(), lessons=1)
    course_services.enrol(person=make_learner_person(make_unit()), course=course)
    return course


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    return client


def test_deleting_a_course_learners_are_enrolled_in_is_refused_with_the_reason(admin_client, course_with_a_learner):
    course = course_with_a_learner
    delete_url = reverse("wagtailadmin_pages:delete", args=[course.pk])

    page = admin_client.get(delete_url, follow=True)
    posted = admin_client.post(delete_url, follow=True)

    for response in (page, posted):
        assert response.status_code == 200
        assert response.redirect_chain == [(reverse("wagtailadmin_pages:edit", args=[course.pk]), 302)]
        assert delete_refusal(course) in [str(message).strip() for message in response.context["messages"]]
    assert CoursePage.objects.filter(pk=course.pk, live=True).exists()


def test_deleting_the_catalogue_above_such_a_course_is_refused_too(admin_client, course_with_a_learner):
    catalogue = course_with_a_learner.get_parent()

    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[catalogue.pk]))

    assert response.status_code == 302
    assert Page.objects.filter(pk=catalogue.pk).exists()
    assert CoursePage.objects.filter(pk=course_with_a_learner.pk).exists()


def test_deleting_such_a_course_among_others_in_bulk_deletes_none(admin_client, course_with_a_learner):
    unused = make_course(course_with_a_learner.get_parent(), lessons=1)
    bulk_url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])

    response = admin_client.post(f"{bulk_url}?id={unused.pk}&id={course_with_a_learner.pk}")

    assert response.status_code == 302
    assert CoursePage.objects.filter(pk__in=[unused.pk, course_with_a_learner.pk]).count() == 2


def test_a_course_nobody_took_is_deleted(admin_client):
    course = make_course(make_catalogue(), lessons=1)

    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))

    assert response.status_code == 302
    assert not Page.objects.filter(pk=course.pk).exists()
