"""Certificate templates, the serial numbers of each issuer and year, issued certificates and bulk runs."""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from lms.models.scoping import UnitScopedQuerySet

PLACEHOLDERS = {
    "ho_ten": _("full name"),
    "ngay_sinh": _("date of birth"),
    "don_vi": _("unit"),
    "noi_dung": _("the course or session completed"),
    "ngay_hoan_thanh": _("date completed"),
    "so_gio": _("hours"),
    "ket_qua": _("result"),
}


def all_placeholders():
    """Every field a certificate can print: what a new template prints until its author unticks some."""
    return list(PLACEHOLDERS)


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", _("Portrait")
    LANDSCAPE = "landscape", _("Landscape")


class CertificateTemplateQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class CertificateTemplate(PreviewableMixin, models.Model):
    """How a certificate looks and who issues it; the courses and sessions that grant it.

    A template belongs to a unit: the organisers of that unit's subtree keep it, and it is used for the people of
    the unit and of the units below it. A template of no unit is shared by the whole install: only superusers
    change it, every unit may use it.
    """

    name = models.CharField(_("name"), max_length=255)
    unit = models.ForeignKey(
        "lms.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Kept by the organisers of this unit and of the units above it; used for the people of this unit and "
            "of the units below it. Empty: shared by every unit, kept by administrators."
        ),
    )
    orientation = models.CharField(_("orientation"), max_length=10, choices=Orientation, default=Orientation.LANDSCAPE)
    issuer = models.TextField(
        _("issuing body"),
        help_text=_("Top left, one line per line, e.g. “ỦY BAN MTTQ VIỆT NAM” and “TỈNH THÁI NGUYÊN”."),
    )
    serial_suffix = models.CharField(
        _("serial number suffix"),
        max_length=30,
        default="GCN-MTTQ",
        help_text=_("Serial numbers run per suffix and year: “Số: 0123/GCN-MTTQ”."),
    )
    title = models.CharField(_("title"), max_length=100, default="GIẤY CHỨNG NHẬN")
    body = models.TextField(
        _("body"),
        default=(
            "Chứng nhận Ông/Bà: {ho_ten}\nSinh ngày: {ngay_sinh}\nĐơn vị: {don_vi}\n"
            "Đã hoàn thành: {noi_dung}\nThời lượng: {so_gio} giờ. Kết quả: {ket_qua}."
        ),
        help_text=_(
            "Placeholders: {ho_ten}, {ngay_sinh}, {don_vi}, {noi_dung}, {ngay_hoan_thanh}, {so_gio}, {ket_qua}."
        ),
    )
    printed_fields = models.JSONField(
        _("fields printed"),
        default=all_placeholders,
        blank=True,
        help_text=_(
            "A sentence of the body that holds a field not ticked here, or a field the person has no value for "
            "(e.g. no date of birth), is left out: no label is printed empty."
        ),
    )
    place = models.CharField(_("place"), max_length=100, help_text=_("For the date line: “Thái Nguyên, ngày …”."))
    signer_title = models.CharField(_("signer's title"), max_length=255, default="TM. BAN THƯỜNG TRỰC\nCHỦ TỊCH")
    signer_name = models.CharField(_("signer's name"), max_length=255)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    background = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("background"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    courses = models.ManyToManyField(
        "courses.CoursePage", verbose_name=_("granted on completing these courses"), blank=True, related_name="+"
    )
    sessions = models.ManyToManyField(
        "lms.TrainingSession", verbose_name=_("granted on attending these sessions"), blank=True, related_name="+"
    )

    objects = CertificateTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this template's history (see ``lms.UnitLogEntry``)."""
        return self.unit_id

    def serve_preview(self, request, mode_name):
        from certificates.rendering import preview_pdf

        return HttpResponse(preview_pdf(self), content_type="application/pdf")


class CertificateSerial(models.Model):
    """The last serial number given for a suffix in a year: numbers are taken under a lock on this row."""

    suffix = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suffix", "year"], name="one_serial_per_suffix_and_year")]

    def __str__(self):
        return f"{self.suffix} {self.year}: {self.last_number}"


def private_storage():
    """Certificates hold personal data: they are served by the application only, to those allowed."""
    return storages["private"]


# Letters and digits that cannot be taken for one another, read aloud or printed: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 20  # 31 ** 20 > 2 ** 99: not guessable
CODE_GROUP = 4


def new_verification_code():
    """At least 96 random bits in letters and digits nobody mistakes for one another."""
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def compact_code(typed):
    """A code as typed, without the spaces it is printed with or a phone keyboard adds."""
    return "".join(typed.split())


def printed_code(code):
    """A code in groups of four, as printed and shown: “ABCD EFGH …”; codes made before the present alphabet
    (random URL-safe text, in which case matters) are shown whole, as they were printed."""
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return code
    return " ".join(code[start : start + CODE_GROUP] for start in range(0, CODE_LENGTH, CODE_GROUP))


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class CertificateQuerySet(UnitScopedQuerySet):
    unit_path = "person__unit__path"

    def with_code(self, typed):
        """The certificates a typed code designates: in any case and with spaces for the present codes, exactly
        as printed for the codes made before them (in which case matters)."""
        code = compact_code(typed)
        return self.filter(code__in={code, code.upper()})


class Certificate(models.Model):
    """A certificate given to one person for one training record (a course completed, a session attended);
    never deleted, only revoked. What it says is copied from the record as printed."""

    template = models.ForeignKey(
        CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "lms.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="certificates"
    )
    training_record = models.ForeignKey(
        "lms.TrainingRecord", verbose_name=_("training record"), on_delete=models.PROTECT, related_name="certificates"
    )
    what = models.CharField(_("completed"), max_length=255)
    completed_on = models.DateField(_("date completed"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("result"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    suffix = models.CharField(max_length=30)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_verification_code)
    snapshot = models.JSONField(default=dict)  # the person's and template's details as printed
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", storage=private_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CertificateStatus, default=CertificateStatus.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason"), blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("replaces")
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_record"],
                condition=models.Q(status="valid"),
                name="one_valid_certificate_per_training_record",
            ),
            models.UniqueConstraint(fields=["suffix", "year", "number"], name="one_certificate_per_serial"),
        ]

    def __str__(self):
        return self.serial

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this certificate's history: its person's (see ``lms.UnitLogEntry``)."""
        return self.person.unit_id

    @property
    def serial(self):
        return f"{self.number:04d}/{self.suffix}"

    @property
    def is_valid(self):
        return self.status == CertificateStatus.VALID

    @property
    def printed_code(self):
        return printed_code(self.code)


class CertificateBatchQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class CertificateBatch(models.Model):
    """An organiser's order to issue certificates for a set of people, run in the background by its ``job``
    (which counts the certificates issued and notes, person by person, those that failed); its ZIP at the end."""

    job = models.OneToOneField("lms.BackgroundJob", on_delete=models.PROTECT)
    template = models.ForeignKey(
        CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    session = models.ForeignKey(
        "lms.TrainingSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "lms.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The people of this unit and of the units below it."),
    )
    archive = models.FileField(_("ZIP"), upload_to="certificate-batches/", storage=private_storage, blank=True)

    objects = CertificateBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")
        ordering = ["-job__created_at"]

    def __str__(self):
        return f"{self.template} · {self.course or self.session} · {self.unit}"

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this bulk issue's history (see ``lms.UnitLogEntry``)."""
        return self.unit_id
