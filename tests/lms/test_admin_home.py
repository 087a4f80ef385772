"""The organisation's part of the admin home: upcoming sessions with their check-in, the last imports, the
administrator's site health; and Wagtail's own panels kept only where they help."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log

from lms.wagtail_hooks import FAILED_TASKS_DAYS, RecentImportsPanel, SiteHealthPanel, UpcomingSessionsPanel
from tests.factories import make_organiser, make_session, make_trainer, make_unit_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_unit_tree()


def panel_for(panel_class, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return panel_class(request)


def test_upcoming_and_running_sessions_of_the_organiser_s_units_are_listed_soonest_first_with_their_check_in(
    tree, django_assert_num_queries
):
    now = timezone.now()
    later = make_session(organising_unit=tree["area"], starts_at=now + timedelta(days=3))
    running = make_session(organising_unit=tree["commune"], starts_at=now - timedelta(hours=1))
    make_session(organising_unit=tree["commune"], starts_at=now - timedelta(hours=5))  # ended an hour ago
    make_session(organising_unit=tree["other_commune"], starts_at=now + timedelta(days=1))
    panel = panel_for(UpcomingSessionsPanel, make_organiser(managed_unit=tree["commune"]))

    with django_assert_num_queries(1):
        rows = panel.rows()

    assert [row["session"] for row in rows] == [running, later]
    assert rows[1]["checkin_url"].endswith(reverse("session_checkin", args=[later.checkin_code]))
    assert rows[1]["attendance_url"] == reverse("lms_session:attendance", args=[later.pk])


def test_the_last_imports_of_the_organiser_s_units_are_listed_newest_first(tree, django_assert_num_queries):
    organiser = make_organiser(managed_unit=tree["commune"])
    for unit, file in (
        (tree["area"], "to-1.xlsx"),
        (tree["other_commune"], "xa-khac.xlsx"),
        (tree["commune"], "phuong.csv"),
    ):
        log(instance=unit, action="lms.import", user=organiser, data={"file": file, "kind": "Người", "created": 4})
    panel = panel_for(RecentImportsPanel, organiser)

    with django_assert_num_queries(1):
        rows = panel.rows()

    assert [entry.data["file"] for entry in rows] == ["phuong.csv", "to-1.xlsx"]


def task(status, finished_days_ago=None):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        task_path="lms.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=now,
        finished_at=None if finished_days_ago is None else now - timedelta(days=finished_days_ago),
        exception_class_path="",
        traceback="",
    )


def test_the_administrator_sees_the_tasks_failed_this_week_and_those_waiting(django_assert_num_queries):
    task(TaskResultStatus.FAILED, finished_days_ago=0)
    task(TaskResultStatus.FAILED, finished_days_ago=FAILED_TASKS_DAYS - 0.01)
    task(TaskResultStatus.FAILED, finished_days_ago=FAILED_TASKS_DAYS + 0.01)  # seen to, or no longer matters
    task(TaskResultStatus.SUCCESSFUL, finished_days_ago=0)
    for _waiting in range(3):
        task(TaskResultStatus.READY)
    panel = panel_for(SiteHealthPanel, make_user(is_superuser=True))

    with django_assert_num_queries(2):  # the lockouts holding, the tasks
        figures = panel.rows()

    assert (figures["lockouts"], figures["tasks"]) == (0, {"failed": 2, "waiting": 3})


def panel_classes(client, user):
    client.force_login(user)
    return [type(panel).__name__ for panel in client.get(reverse("wagtailadmin_home")).context["panels"]]


def test_each_role_gets_its_own_panels_and_only_wagtail_s_panels_that_help(client, tree):
    organiser = panel_classes(client, make_organiser(managed_unit=tree["commune"]))
    trainer = panel_classes(client, make_trainer(managed_unit=tree["commune"]))
    administrator = panel_classes(client, make_user(is_superuser=True))

    assert organiser == [
        "TargetsPanel",
        "AssignmentsPanel",
        "UpcomingSessionsPanel",
        "RecentBatchesPanel",
        "RecentImportsPanel",
        "WorkflowObjectsToModeratePanel",
    ]
    assert trainer == ["EssaysPanel", "WeakQuizzesPanel", "UpcomingSessionsPanel", "WorkflowObjectsToModeratePanel"]
    assert administrator == [
        "SiteHealthPanel",
        "SigningKeyPanel",
        "WorkflowObjectsToModeratePanel",
        "RecentEditsPanel",
    ]
