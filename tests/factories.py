"""Factory functions for tests: each makes one valid object, overridable by keyword."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from lms import roles

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
