"""Factory functions for tests: each makes one valid object, overridable by keyword."""

import itertools
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from lms import ledger, roles, services
from lms.models import BackgroundJob, Person, PersonCategory, TrainingSession, UnitLevel
from targets.models import ZaloMessageKind, ZaloTemplate, ZaloTemplateField, ZaloTemplateParameter

PASSWORD = "Mật-khẩu-thử-2026"
_sequence = itertools.count(1)


def make_user(*, role=None, password=PASSWORD, **fields):
    """Create a user with a unique username, email and phone; ``role`` is a group name."""
    n = next(_sequence)
    defaults = {
        "username": f"canbo{n}",
        "last_name": "Nguyễn",
        "first_name": f"Văn Thử {n}",
        "email": f"canbo{n}@example.com",
        "phone": f"09{n:08d}",
    }
    user = get_user_model()(**{**defaults, **fields})
    user.set_password(password)
    user.save()
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_learner(**fields):
    return make_user(role=roles.LEARNER, **fields)


def make_trainer(**fields):
    return make_user(role=roles.TRAINER, **fields)


def make_organiser(**fields):
    return make_user(role=roles.ORGANISER, **fields)


def make_admin_user_without_a_role(unit):
    """A user of ``unit`` who may enter the admin but holds none of the roles' permissions."""
    user = make_user(managed_unit=unit)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def make_authenticator_app(user):
    """A confirmed authenticator app (TOTP device) for ``user``, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def app_code(key, *, steps_ahead=0):
    """The six digits an authenticator app with ``key`` (bytes) shows now, or ``steps_ahead`` 30-second steps
    later: a code once accepted is never accepted again, so a second log-in within 30 s needs the next one."""
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * totp.step
    return f"{totp.token():06d}"


def make_unit(*, parent=None, level=None, **fields):
    """Create a unit under ``parent`` (a new root when None) with a unique code.

    The level defaults to the one below the parent's (central -> province -> commune -> residential area).
    """
    n = next(_sequence)
    below = {
        None: UnitLevel.CENTRAL,
        UnitLevel.CENTRAL: UnitLevel.PROVINCE,
        UnitLevel.PROVINCE: UnitLevel.COMMUNE,
        UnitLevel.DISTRICT: UnitLevel.COMMUNE,
        UnitLevel.COMMUNE: UnitLevel.RESIDENTIAL_AREA,
    }
    level = level or below[parent.level if parent else None]
    defaults = {"code": f"U{n:05d}", "name": f"Đơn vị {n}", "level": level}
    return services.add_unit(parent=parent, **{**defaults, **fields})


def make_unit_tree():
    """central > province (2) > commune (2 in the first) > residential area (2 in the first commune).

    Returns a dict of the units by role: central, province, other_province, commune, other_commune,
    area, other_area.
    """
    central = make_unit(name="Trung ương")
    province = make_unit(parent=central, name="Tỉnh Thái Nguyên")
    other_province = make_unit(parent=central, name="Tỉnh Bắc Ninh")
    commune = make_unit(parent=province, name="Phường Phan Đình Phùng")
    other_commune = make_unit(parent=province, name="Phường Gia Sàng")
    area = make_unit(parent=commune, name="Tổ dân phố 1")
    other_area = make_unit(parent=commune, name="Tổ dân phố 2")
    return {
        "central": central,
        "province": province,
        "other_province": other_province,
        "commune": commune,
        "other_commune": other_commune,
        "area": area,
        "other_area": other_area,
    }


def make_person(*, unit, **fields):
    """Create an active person in ``unit``, a full-time cadre unless ``category`` is given."""
    n = next(_sequence)
    defaults = {
        "full_name": f"Nguyễn Văn Thử {n}",
        "category": PersonCategory.objects.get(code="chuyen-trach"),
        "phone": f"08{n:08d}",
        "external_id": f"P{n:05d}",
    }
    return Person.objects.create(unit=unit, **{**defaults, **fields})


def make_session(*, organising_unit, invited_units=(), starts_at=None, **fields):
    """Create a four-hour training session starting at ``starts_at`` (default: now)."""
    starts_at = starts_at or timezone.now()
    defaults = {
        "title": f"Tập huấn kỹ năng số {next(_sequence)}",
        "ends_at": starts_at + timedelta(hours=4),
        "hours": Decimal("4.0"),
    }
    session = TrainingSession.objects.create(
        organising_unit=organising_unit, starts_at=starts_at, **{**defaults, **fields}
    )
    session.invited_units.set(invited_units)
    return session


def make_trainings(person, *, day, times=1, reference="Tập huấn"):
    """Record ``times`` imported trainings of ``person`` on ``day``, each from a history line of its own."""
    return ledger.record_imported(
        trainings=[
            ledger.ImportedTraining(person=person, fingerprint=f"line {next(_sequence)}", reference=reference, date=day)
            for _time in range(times)
        ]
    )


def migrate_back(*targets):
    """Migrate the test database back to ``targets`` (``(app, migration)`` pairs); the models as they were there."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def migrate_forward():
    """Migrate the test database to the latest migrations again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def jobs_of(works, *fields):
    """``{pk: (the job's fields)}`` of each piece of background work (assignment, bulk issue) in ``works``."""
    return {work.pk: tuple(getattr(work.job, name) for name in fields) for work in works.select_related("job")}


def make_job(kind="tests.work", **fields):
    """A background job of ``kind`` (the work's model label), waiting unless ``fields`` say otherwise."""
    return BackgroundJob.objects.create(kind=kind, **fields)


def make_imported_learner(*, unit, email="", **fields):
    """A person of ``unit`` with a learner account that has no password yet, as ``import_people
    --create-accounts`` makes them."""
    person = make_person(unit=unit, email=email, **fields)
    user = get_user_model()(username=person.phone, phone=person.phone, email=email, last_name="Nguyễn")
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=roles.LEARNER))
    person.user = user
    person.save()
    return person


def run_worker():
    """Run the tasks waiting in the database (see the ``queued_tasks`` fixture) as ``db_worker`` does, but inside
    the test's transaction (the command's own loop closes the connection, which PostgreSQL tests cannot afford)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while (waiting := DBTaskResult.objects.ready().first()) is not None:
        waiting.claim(worker.worker_id)
        worker.run_task(waiting)


def make_zalo_template(*, kind=ZaloMessageKind.PERSON_REMINDER, template_id="251234", **placeholders):
    """An active ZNS template for ``kind`` whose placeholders are filled as ``placeholders`` say (placeholder=
    field); by default those of a reminder to a person: name, target, deadline and what they lack."""
    placeholders = placeholders or {
        "ten": ZaloTemplateField.FULL_NAME,
        "muc_tieu": ZaloTemplateField.TARGET,
        "han": ZaloTemplateField.DEADLINE,
        "con_thieu": ZaloTemplateField.LACKS,
    }
    template = ZaloTemplate.objects.create(name=f"Nhắc chỉ tiêu {next(_sequence)}", template_id=template_id, kind=kind)
    ZaloTemplateParameter.objects.bulk_create(
        ZaloTemplateParameter(template=template, placeholder=placeholder, field=field, sort_order=order)
        for order, (placeholder, field) in enumerate(placeholders.items())
    )
    return template
