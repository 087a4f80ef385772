import pytest

from config.settings import base


@pytest.fixture(autouse=True)
def mail_through_the_task_queue(settings):
    """Django's test set-up replaces EMAIL_BACKEND with its in-memory one; put the site's queue back in front of
    it (the test settings deliver in memory), so that tests send mail the way the site does."""
    settings.EMAIL_BACKEND = base.EMAIL_BACKEND


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in the database, as on the site, until ``tests.factories.run_worker`` runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
