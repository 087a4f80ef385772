import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from certificates.models import CertificateTemplate
from lms.models import (
    Attendance,
    AttendanceMethod,
    Person,
    TrainingKind,
    TrainingRecord,
    TrainingSession,
    UnitLogEntry,
)
from tests.factories import make_learner, make_person, make_session, make_unit_tree

pytestmark = pytest.mark.django_db

CHECK_IN_FORM = '<form method="post">'  # the page's own form; the header has a logout form


@pytest.fixture
def tree():
    return make_unit_tree()


def session_starting_in(tree, delta):
    return make_session(
        organising_unit=tree["commune"], invited_units=[tree["commune"]], starts_at=timezone.now() + delta
    )


def checkin_url(session):
    return reverse("session_checkin", args=[session.checkin_code])


def in_site_language(message):
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def not_open_message():
    return in_site_language("Check-in for this session is not open.")


@pytest.fixture
def learner_on_a_list(tree):
    """A learner whose account is linked to a person on the list of a residential area."""
    learner = make_learner()
    person = make_person(unit=tree["area"], full_name="Lê Đức Anh", user=learner)
    return learner, person


def test_anonymous_visitors_are_sent_to_log_in_first(client, tree):
    session = session_starting_in(tree, timedelta(minutes=10))

    response = client.post(checkin_url(session))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={checkin_url(session)}"
    assert not Attendance.objects.exists()


def test_a_learner_on_a_list_checks_in_while_check_in_is_open(client, tree, learner_on_a_list):
    learner, person = learner_on_a_list
    session = session_starting_in(tree, timedelta(minutes=10))
    client.force_login(learner)

    page = client.get(checkin_url(session))
    response = client.post(checkin_url(session))

    assert page.status_code == 200
    assert page.context["person"] == person
    assert page.context["is_open"] is True
    assert page.context["already_present"] is False
    assert CHECK_IN_FORM in page.text
    assert response.status_code == 200
    assert response.context["just_checked_in"] is True
    assert response.context["already_present"] is True
    attendance = Attendance.objects.get(session=session)
    assert (attendance.person, attendance.method, attendance.recorded_by) == (
        person,
        AttendanceMethod.SELF_CHECKIN,
        learner,
    )
    record = TrainingRecord.objects.get(session=session)
    assert (record.person, record.kind, record.unit, record.hours) == (
        person,
        TrainingKind.SESSION,
        tree["area"],
        session.hours,
    )
    assert person.full_name in response.text


def test_check_in_opens_the_configured_minutes_before_the_start(client, tree, learner_on_a_list):
    learner, person = learner_on_a_list
    minutes = settings.LMS_CHECKIN_OPENS_MINUTES_BEFORE
    session = session_starting_in(tree, timedelta(minutes=minutes - 2))
    client.force_login(learner)

    response = client.post(checkin_url(session))

    assert response.context["is_open"] is True
    assert Attendance.objects.filter(session=session, person=person).exists()


def test_check_in_before_the_window_opens_records_nothing_and_says_so(client, tree, learner_on_a_list):
    learner, _person = learner_on_a_list
    session = session_starting_in(tree, timedelta(hours=2))
    client.force_login(learner)

    page = client.get(checkin_url(session))
    response = client.post(checkin_url(session))

    assert page.context["is_open"] is False
    assert CHECK_IN_FORM not in page.text
    assert response.status_code == 200
    assert response.context["is_open"] is False
    assert response.context["error"] == not_open_message()
    assert not_open_message() in response.text
    assert "just_checked_in" not in response.context
    assert not Attendance.objects.exists()
    assert not TrainingRecord.objects.exists()


def test_check_in_just_outside_the_configured_window_is_refused(client, tree, learner_on_a_list):
    learner, _person = learner_on_a_list
    minutes = settings.LMS_CHECKIN_OPENS_MINUTES_BEFORE
    session = session_starting_in(tree, timedelta(minutes=minutes + 2))
    client.force_login(learner)

    response = client.post(checkin_url(session))

    assert response.context["is_open"] is False
    assert not Attendance.objects.exists()


def test_check_in_after_the_session_has_ended_records_nothing_and_says_so(client, tree, learner_on_a_list):
    learner, _person = learner_on_a_list
    session = session_starting_in(tree, -timedelta(hours=5))  # four hours long: ended an hour ago
    client.force_login(learner)

    response = client.post(checkin_url(session))

    assert response.status_code == 200
    assert response.context["is_open"] is False
    assert response.context["error"] == not_open_message()
    assert not Attendance.objects.exists()
    assert not TrainingRecord.objects.exists()


def test_checking_in_twice_records_the_learner_once(client, tree, learner_on_a_list):
    learner, person = learner_on_a_list
    session = session_starting_in(tree, timedelta(minutes=-30))
    client.force_login(learner)

    client.post(checkin_url(session))
    second = client.post(checkin_url(session))
    page = client.get(checkin_url(session))

    assert second.status_code == 200
    assert second.context["already_present"] is True
    assert "just_checked_in" not in second.context
    assert "error" not in second.context
    assert page.context["already_present"] is True
    assert Attendance.objects.filter(session=session, person=person).count() == 1
    assert TrainingRecord.objects.filter(session=session, person=person).count() == 1


@pytest.fixture
def quiz_of_the_session():
    """The published quiz a session's learners take once they have checked in."""
    from tests.courses.helpers import make_catalogue, make_course, make_quiz

    return make_quiz(make_course(make_catalogue()), title="Kiểm tra cuối hội nghị")


def test_checking_in_to_a_session_with_a_follow_up_page_goes_straight_to_it(
    client, tree, learner_on_a_list, quiz_of_the_session
):
    from courses.services import enrol

    learner, person = learner_on_a_list
    enrol(person=person, course=quiz_of_the_session.get_parent().specific)  # the course assigned for the session
    session = session_starting_in(tree, timedelta(minutes=10))
    session.follow_up_page = quiz_of_the_session
    session.save()
    client.force_login(learner)

    response = client.post(checkin_url(session), follow=True)

    assert response.redirect_chain == [(quiz_of_the_session.url, 302)]
    assert Attendance.objects.filter(session=session, person=person).exists()
    assert f'action="{reverse("quiz_start", args=[quiz_of_the_session.pk])}"' in response.text  # one tap to start
    assert in_site_language("Thank you, %(name)s: you are recorded as present.") % {"name": person.full_name} in (
        response.text
    )
    again = client.get(checkin_url(session))
    assert f'href="{quiz_of_the_session.url}"' in again.text


def test_a_refused_check_in_or_an_unpublished_follow_up_page_leads_nowhere(client, tree, quiz_of_the_session):
    outsider = make_learner()
    make_person(unit=tree["other_commune"], full_name="Người ngoài", user=outsider)
    session = session_starting_in(tree, timedelta(minutes=10))
    session.follow_up_page = quiz_of_the_session
    session.save()
    client.force_login(outsider)

    refused = client.post(checkin_url(session))

    assert refused.status_code == 200
    assert refused.context["error"]
    assert quiz_of_the_session.url not in refused.text
    quiz_url = quiz_of_the_session.url
    quiz_of_the_session.unpublish()
    present = make_learner()
    make_person(unit=tree["area"], full_name="Người có mặt", user=present)
    client.force_login(present)
    checked_in = client.post(checkin_url(session))
    assert checked_in.status_code == 200
    assert checked_in.context["just_checked_in"] is True
    assert quiz_url not in checked_in.text


def test_a_learner_is_linked_to_the_person_with_their_phone_number_when_logging_in(client, tree):
    learner = make_learner(phone="0912 345 678")
    person = make_person(unit=tree["area"], full_name="Phạm Thị Lan", phone="+84 912 345 678")
    session = session_starting_in(tree, timedelta(minutes=10))
    client.force_login(learner)

    page = client.get(checkin_url(session))

    person.refresh_from_db()
    assert person.user == learner
    assert page.context["person"] == person
    client.post(checkin_url(session))
    attendance = Attendance.objects.get(session=session)
    assert (attendance.person, attendance.method) == (person, AttendanceMethod.SELF_CHECKIN)
    assert TrainingRecord.objects.filter(session=session, person=person).count() == 1


def test_a_person_linked_to_another_account_is_not_taken_over_by_phone(client, tree):
    owner = make_learner(phone="")
    person = make_person(unit=tree["area"], phone="0912345678", user=owner)
    learner = make_learner(phone="0912345678")
    session = session_starting_in(tree, timedelta(minutes=10))
    client.force_login(learner)

    response = client.post(checkin_url(session))

    assert response.context["person"] is None
    assert Person.objects.get(pk=person.pk).user == owner
    assert not Attendance.objects.exists()


def test_a_learner_on_no_list_is_told_why_and_nothing_is_recorded(client, tree):
    make_person(unit=tree["area"])  # someone else, with another phone number
    learner = make_learner()
    session = session_starting_in(tree, timedelta(minutes=10))
    client.force_login(learner)

    response = client.post(checkin_url(session))

    assert response.status_code == 200
    assert response.context["person"] is None
    assert response.context["is_open"] is True
    assert CHECK_IN_FORM not in response.text
    explanation = in_site_language(
        "Your account is not linked to anyone on a unit's list, so you cannot check in. "
        "Ask the organisers to add your phone number to the list."
    )
    assert explanation in response.text
    assert not Attendance.objects.exists()
    assert not TrainingRecord.objects.exists()
    assert not Person.objects.filter(user=learner).exists()


def test_an_unknown_check_in_code_is_not_found(client, tree, learner_on_a_list):
    learner, _person = learner_on_a_list
    session_starting_in(tree, timedelta(minutes=10))
    client.force_login(learner)

    response = client.post(reverse("session_checkin", args=["khong-co-ma-nay"]))

    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_check_in_address_with_characters_no_code_has_is_not_found(client, learner_on_a_list):
    learner, _person = learner_on_a_list
    client.force_login(learner)

    response = client.get("/diem-danh/%00/")  # PostgreSQL cannot even compare a text holding NUL

    assert response.status_code == 404


def test_a_person_marked_inactive_cannot_check_in(client):
    tree = make_unit_tree()
    learner = make_learner()
    make_person(unit=tree["area"], user=learner, is_active=False)
    session = session_starting_in(tree, timedelta(minutes=-5))
    client.force_login(learner)

    response = client.post(reverse("session_checkin", args=[session.checkin_code]))

    assert response.context["person"] is None
    assert not Attendance.objects.filter(session=session).exists()


# Only the invited


def not_invited_message():
    return in_site_language(
        "You are not among the people invited to this session, so you cannot check in to it. "
        "Ask its organisers if you think you should be."
    )


def test_a_learner_of_a_unit_not_invited_is_refused_and_nothing_is_recorded(client, tree):
    learner = make_learner()
    make_person(unit=tree["other_commune"], user=learner)
    session = session_starting_in(tree, timedelta(minutes=10))  # invites tree["commune"] only
    client.force_login(learner)

    page = client.get(checkin_url(session))
    response = client.post(checkin_url(session))

    assert CHECK_IN_FORM not in page.text
    assert not_invited_message() in page.text
    assert response.status_code == 200
    assert response.context["error"] == not_invited_message()
    assert not_invited_message() in response.text
    assert not Attendance.objects.exists()
    assert not TrainingRecord.objects.exists()
    assert not UnitLogEntry.objects.filter(action="lms.attendance").exists()


def test_the_people_below_an_invited_unit_are_invited(client, tree, learner_on_a_list):
    learner, person = learner_on_a_list  # of a residential area of the invited commune
    session = session_starting_in(tree, timedelta(minutes=10))
    client.force_login(learner)

    page = client.get(checkin_url(session))
    client.post(checkin_url(session))

    assert CHECK_IN_FORM in page.text
    assert "error" not in page.context
    assert Attendance.objects.filter(session=session, person=person).exists()


def test_a_session_inviting_no_unit_invites_the_people_of_its_organising_unit(client, tree):
    session = make_session(organising_unit=tree["commune"], starts_at=timezone.now())
    inside, outside = make_learner(), make_learner()
    make_person(unit=tree["area"], user=inside)
    make_person(unit=tree["other_commune"], user=outside)

    for learner in (inside, outside):
        client.force_login(learner)
        client.post(checkin_url(session))

    assert list(Attendance.objects.values_list("person__user", flat=True)) == [inside.pk]


def test_an_open_session_takes_the_check_in_of_anyone_on_a_list(client, tree):
    learner = make_learner()
    person = make_person(unit=tree["other_province"], user=learner)
    session = session_starting_in(tree, timedelta(minutes=10))
    session.open_to_everyone = True
    session.save()
    client.force_login(learner)

    response = client.post(checkin_url(session))

    assert response.context["just_checked_in"] is True
    assert Attendance.objects.filter(session=session, person=person).exists()


def test_sessions_are_closed_to_the_uninvited_unless_opened():
    assert TrainingSession._meta.get_field("open_to_everyone").default is False


# Exactly once, whatever the number of parallel requests


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_parallel_check_ins_write_one_attendance_one_audit_entry_and_one_certificate_task_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    tree = make_unit_tree()
    session = session_starting_in(tree, timedelta(minutes=10))
    template = CertificateTemplate.objects.create(name="Dự hội nghị", issuer="X", place="Y", signer_name="Z")
    template.sessions.add(session)
    learner = make_learner()
    person = make_person(unit=tree["area"], user=learner)
    requests = 50
    barrier = threading.Barrier(requests)
    statuses, errors = [], []

    def scan():
        try:
            browser = Client()
            browser.force_login(learner)
            barrier.wait()
            statuses.append(browser.post(checkin_url(session)).status_code)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _request in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [200] * requests
    assert Attendance.objects.filter(session=session, person=person).count() == 1
    assert TrainingRecord.objects.filter(session=session, person=person).count() == 1
    assert UnitLogEntry.objects.filter(action="lms.attendance").count() == 1
    assert DBTaskResult.objects.filter(task_path="certificates.tasks.issue_for_record").count() == 1
