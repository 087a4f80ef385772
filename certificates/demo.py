"""Demo certificates: development signing keys (PDFs and credentials), the province's template for the demo
courses, and the demo learner's signed certificate for the course they completed."""

from django.conf import settings

from certificates.data_integrity import create_credential_key
from certificates.models import CertificateTemplate
from certificates.services import issue_with_pdf
from certificates.signing import create_signing_key
from courses.demo_content import COURSES
from courses.models import CoursePage
from lms.demo import DEMO_PROVINCE_CODE
from lms.models import TrainingKind, TrainingRecord, Unit

TEMPLATE_NAME = "Giấy chứng nhận kỹ năng số - MTTQ tỉnh Thái Nguyên"


def seed_demo_certificates():
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY,
            passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE,
            common_name="Kỹ năng số MTTQ (khóa thử nghiệm)",
        )
    if not settings.CREDENTIAL_SIGNING_KEY.exists():
        create_credential_key(settings.CREDENTIAL_SIGNING_KEY)
    template, created = CertificateTemplate.objects.get_or_create(
        name=TEMPLATE_NAME,
        defaults={
            "unit": Unit.objects.get(code=DEMO_PROVINCE_CODE),
            "issuer": "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM\nTỈNH THÁI NGUYÊN",
            "place": "Thái Nguyên",
            "signer_title": "TM. BAN THƯỜNG TRỰC\nPHÓ CHỦ TỊCH",
            "signer_name": "Nguyễn Thị Hồng Nhung",
        },
    )
    if created:
        template.courses.set(CoursePage.objects.filter(slug__in=[spec["slug"] for spec in COURSES]))
    for record in TrainingRecord.objects.filter(person__user__username="hocvien", kind=TrainingKind.COURSE):
        issue_with_pdf(template=template, record=record)
