"""django_tasks_db's ``db_worker``, kept running through a locked database.

On SQLite a long write (a large import) holds the database's only write lock; a worker that waits longer than
the connection's timeout to claim a task gets "database is locked", and django_tasks_db's worker then exits. This
command starts the worker again after a pause that doubles, from one second up to a minute, for as long as the
lock lasts. Other errors still stop it, for the supervisor to see and restart (docs/deployment.md).
"""

import logging
import time

from django.db import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("django_tasks_db")

FIRST_PAUSE = 1
LONGEST_PAUSE = 60


class Command(db_worker.Command):
    help = "Run the background task worker; it waits and carries on while the database is locked."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # A reloading worker runs its loop in a thread whose errors never reach the retry below.
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        pause = FIRST_PAUSE
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
            if time.monotonic() - started > LONGEST_PAUSE:
                pause = FIRST_PAUSE  # the worker had been working since the last lock
            logger.warning("The database is locked; the worker tries again in %s s.", pause)
            time.sleep(pause)
            pause = min(2 * pause, LONGEST_PAUSE)
