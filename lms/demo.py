"""Demo accounts for development and trying the site out."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from lms import roles

# Published in the README: never allowed outside development (settings.LMS_ALLOW_DEMO_DATA).
DEMO_PASSWORD = "MatTran@2026"

DEMO_ACCOUNTS = [
    # username, family name, middle and given names, role (None: superuser), email, phone
    ("quantri", "Trần", "Quốc Bảo", None, "quantri@mttq-thainguyen.example", "0912 000 100"),
    ("tochuc", "Lê", "Thị Hồng Nhung", roles.ORGANISER, "tochuc@mttq-thainguyen.example", "0912 000 200"),
    ("giangvien", "Phạm", "Minh Đức", roles.TRAINER, "giangvien@mttq-thainguyen.example", "0912 000 300"),
    ("hocvien", "Nguyễn", "Thị Lan", roles.LEARNER, "hocvien@mttq-thainguyen.example", "0912 000 400"),
]


@transaction.atomic
def seed_demo_accounts():
    """Create the demo accounts that do not exist yet; return the usernames created.

    Existing accounts are left exactly as they are, so running this twice changes nothing.
    """
    users = get_user_model()
    created = []
    for username, family_name, given_names, role, email, phone in DEMO_ACCOUNTS:
        if users.objects.filter(username=username).exists():
            continue
        user = users(
            username=username,
            last_name=family_name,
            first_name=given_names,
            email=email,
            phone=phone,
            is_staff=role is None,
            is_superuser=role is None,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        created.append(username)
    return created
