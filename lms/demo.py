"""Demo accounts for development and trying the site out."""

import random
from base64 import b32decode
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from vietnamadminunits.database import get_data

from lms import roles, services, two_factor
from lms.models import AttendanceMethod, Person, PersonCategory, TrainingSession, Unit, UnitLevel, User
from lms.selectors import invited_people

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


# Published in the README with the password: the authenticator key (base32) of the demo accounts that may
# enter the admin. Add it to an authenticator app, or print the current code: `manage.py demo_two_factor_code`.
DEMO_TOTP_SECRET = "MATTRANKYNANGSODEMOQUANTRITOCHUC"


def demo_totp_key():
    """The published demo key as django-otp stores it (hex)."""
    return b32decode(DEMO_TOTP_SECRET).hex()


@transaction.atomic
def seed_demo_two_factor():
    """Give each demo account that may enter the admin an authenticator app with the published key, unless
    it has set one up; return the usernames given one."""
    given = []
    for user in User.objects.filter(username__in=[account[0] for account in DEMO_ACCOUNTS]).order_by("pk"):
        if user.has_perm("wagtailadmin.access_admin") and two_factor.authenticator_app(user) is None:
            TOTPDevice.objects.create(user=user, name="Demo authenticator app", key=demo_totp_key(), confirmed=True)
            given.append(user.username)
    return given


DEMO_PROVINCE_CODE = "19"  # Thái Nguyên
DEMO_COMMUNE_CODE = "05443"  # Phường Phan Đình Phùng: the demo organiser's unit
# The external ids of the demo's own people: seeding again touches no one else (people imported since).
DEMO_PERSON_PREFIX = "TN-"
# Communes given residential areas and cadres; the first is the organiser's.
DEMO_COMMUNES = {
    "05443": ["Tổ dân phố Đồng Quang", "Tổ dân phố Trưng Vương", "Tổ dân phố Túc Duyên", "Tổ dân phố Quang Trung"],
    "05455": ["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"],
    "05467": ["Tổ dân phố Gia Sàng 1", "Tổ dân phố Gia Sàng 2", "Tổ dân phố Gia Sàng 3"],
    "05830": ["Xóm Đồng Khuân", "Xóm Tân Lập", "Xóm Đồng Bản", "Xóm Trung Na", "Xóm Cầu Thành"],
    "05860": ["Tổ dân phố Ba Hàng", "Tổ dân phố Thanh Xuyên"],
}
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ma"]
MIDDLE_NAMES = {"male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân"], "female": ["Thị", "Thu", "Ngọc", "Thanh"]}
GIVEN_NAMES = {
    "male": ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Sơn", "Tuấn", "Vinh"],
    "female": ["Ánh", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Linh", "Mai", "Nga", "Oanh", "Yến"],
}
DEMO_SESSIONS = [
    # title, organised by (unit code), invited communes, start, hours, kind, share of invited people present
    (
        "Hội nghị tập huấn chuyển đổi số cho cán bộ Mặt trận cơ sở năm 2025",
        DEMO_PROVINCE_CODE,
        list(DEMO_COMMUNES),
        "2025-09-16T08:00",
        8,
        "in_person",
        0.7,
    ),
    (
        "Tập huấn sử dụng ứng dụng VNeID và dịch vụ công trực tuyến cho Ban công tác Mặt trận",
        DEMO_COMMUNE_CODE,
        [DEMO_COMMUNE_CODE],
        "2026-03-10T14:00",
        3,
        "hybrid",
        0.8,
    ),
]


def demo_people():
    """The people the demo made (whether or not still active), not those imported or added since."""
    return Person.objects.filter(external_id__startswith=DEMO_PERSON_PREFIX)


@transaction.atomic
def seed_demo_organisation():
    """Thái Nguyên from the official list, residential areas, ~300 people, two past sessions, scoped staff.

    Idempotent: units, people (by external id) and sessions (by title) that exist are left alone.
    """
    rows = [row for row in get_data(table="admin_units") if row["provinceCode"] == DEMO_PROVINCE_CODE]
    services.load_official_units(rows=rows)
    province = Unit.objects.get(code=DEMO_PROVINCE_CODE)
    for commune_code, area_names in DEMO_COMMUNES.items():
        commune = Unit.objects.get(code=commune_code)
        new_areas = [
            Unit(
                code=f"{commune_code}-{number:02d}",
                name=name,
                level=UnitLevel.RESIDENTIAL_AREA,
                valid_from=services.OFFICIAL_UNITS_VALID_FROM,
            )
            for number, name in enumerate(area_names, start=1)
            if not Unit.objects.filter(code=f"{commune_code}-{number:02d}").exists()
        ]
        services.append_children(commune, new_areas)

    categories = {category.code: category for category in PersonCategory.objects.all()}
    generator = random.Random(2026)
    people = []

    def add(unit, category_code, position, count):
        for _number in range(count):
            gender = generator.choice(["male", "female"])
            name = " ".join(
                [
                    generator.choice(FAMILY_NAMES),
                    generator.choice(MIDDLE_NAMES[gender]),
                    generator.choice(GIVEN_NAMES[gender]),
                ]
            )
            number = len(people) + 1
            people.append(
                Person(
                    external_id=f"{DEMO_PERSON_PREFIX}{number:04d}",
                    full_name=name,
                    gender=gender,
                    birth_date=datetime(generator.randint(1965, 1998), generator.randint(1, 12), 1).date(),
                    unit=unit,
                    position=position,
                    category=categories[category_code],
                    phone=f"0987{number:06d}",
                    start_date=services.OFFICIAL_UNITS_VALID_FROM,
                )
            )

    add(province, "chuyen-trach", "Chuyên viên Ban Tuyên giáo", 20)
    add(province, "uy-vien-uy-ban", "Ủy viên Ủy ban MTTQ tỉnh", 10)
    for commune_code in DEMO_COMMUNES:
        commune = Unit.objects.get(code=commune_code)
        add(commune, "chuyen-trach", "Phó Chủ tịch Ủy ban MTTQ", 6)
        add(commune, "khong-chuyen-trach", "Cán bộ không chuyên trách", 4)
        add(commune, "can-bo-to-chuc-thanh-vien", "Chủ tịch Hội Nông dân", 4)
        add(commune, "uy-vien-uy-ban", "Ủy viên Ủy ban MTTQ", 6)
        for area in commune.get_children():
            add(area, "truong-ban-cong-tac-mat-tran", "Trưởng Ban công tác Mặt trận", 1)
            add(area, "uy-vien-uy-ban", "Thành viên Ban công tác Mặt trận", 8)
    known = set(demo_people().values_list("external_id", flat=True))
    for person in people:
        person.prepare_for_save()
    Person.objects.bulk_create([person for person in people if person.external_id not in known])

    # The demo learner is on their residential area's list, so QR check-in works for them.
    learner = User.objects.filter(username="hocvien").first()
    if learner and not Person.objects.filter(user=learner).exists():
        area = Unit.objects.get(code=f"{DEMO_COMMUNE_CODE}-01")
        Person.objects.create(
            full_name=learner.get_full_name(),
            gender="female",
            unit=area,
            position="Thành viên Ban công tác Mặt trận",
            category=categories["uy-vien-uy-ban"],
            phone=learner.phone,
            email=learner.email,
            user=learner,
            external_id=f"{DEMO_PERSON_PREFIX}HOCVIEN",
        )
    User.objects.filter(username="tochuc", managed_unit__isnull=True).update(
        managed_unit=Unit.objects.get(code=DEMO_COMMUNE_CODE)
    )
    User.objects.filter(username="giangvien", managed_unit__isnull=True).update(managed_unit=province)

    for title, organiser_code, invited_codes, starts, hours, kind, share in DEMO_SESSIONS:
        if TrainingSession.objects.filter(title=title).exists():
            continue
        starts_at = timezone.make_aware(datetime.fromisoformat(starts))
        session = TrainingSession.objects.create(
            title=title,
            kind=kind,
            organising_unit=Unit.objects.get(code=organiser_code),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            hours=Decimal(hours),
            place="Hội trường Ủy ban MTTQ",
            trainer="ThS. Phạm Minh Đức",
            topics="Chữ ký số; dịch vụ công trực tuyến; an toàn thông tin",
        )
        invited = Unit.objects.filter(code__in=invited_codes)
        session.invited_units.set(invited)
        attendees = [
            person
            for person in invited_people(session).filter(external_id__startswith=DEMO_PERSON_PREFIX)
            if generator.random() < share
        ]
        services.record_attendance(session=session, people=attendees, method=AttendanceMethod.TICKED, at=starts_at)
