"""People on the lists organisers keep: cadres, heads of residential-area committees, ..."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lms.models.scoping import UnitScopedQuerySet
from lms.phones import normalize_phone, validate_phone
from lms.vietnamese import SORT_KEY_LENGTH, fold, name_sort_key


class PersonCategory(models.Model):
    """A category targets and reports count by: full-time cadre, part-time, head of a committee..."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True, help_text=_("Used in spreadsheets."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PersonQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"

    def learning_record_changed(self):
        """Note that these people's learning record changed (an enrolment, a lesson done, a quiz graded, a
        certificate, a training): what a page made of it keeps is made anew (``Person.learning_version``)."""
        return self.update(learning_version=F("learning_version") + 1)

    def matching(self, text):
        """People whose name, phone or external id contains the text, diacritics or not."""
        folded = fold(text)
        if not folded:
            return self
        phone = normalize_phone(text)
        query = models.Q(search_name__contains=folded) | models.Q(external_id=text.strip())
        if phone:
            query |= models.Q(phone=phone)
        return self.filter(query)

    def in_name_order(self):
        return self.order_by("sort_key", "id")

    def on_list(self, day):
        """People on their unit's list on ``day``: the one rule of every report, for today and any past day.

        The start and end dates decide when they are set; "active" off without an end date means the person
        left on a day nobody wrote down, so they count on no day. Imports default "active" to yes, so an
        active person whose end date has passed has left, and one whose start date is still to come has
        not arrived yet.
        """
        return self.filter(
            models.Q(is_active=True) | models.Q(end_date__isnull=False),
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )

    def delete(self):
        raise ValidationError(_("People are never deleted; mark them inactive instead."))


class Person(models.Model):
    """One person on a unit's list; deliberately no ethnicity, religion or party data (Law 91/2025)."""

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey("lms.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people")
    position = models.CharField(_("position"), max_length=150, blank=True)
    category = models.ForeignKey(
        PersonCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="people"
    )
    phone = models.CharField(_("phone number"), max_length=15, blank=True, validators=[validate_phone], db_index=True)
    email = models.EmailField(_("email"), blank=True)
    zalo_consent = models.BooleanField(
        _("agrees to messages by Zalo"),
        default=False,
        help_text=_("Reminders go by Zalo to the phone number only with the person's agreement; otherwise by email."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        db_index=True,  # the unique constraints are partial: imports look up with plain indexes
        help_text=_("The id in the unit's own list; used by imports."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # Set when the person's data was erased (pseudonymised): their records stay, their name and contacts do not.
    erased_at = models.DateTimeField(_("data erased on"), null=True, blank=True, editable=False)
    # Copied from the unit so that reports count with integer GROUP BYs; kept right by lms.services.
    province = models.ForeignKey("lms.Unit", null=True, editable=False, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("lms.Unit", null=True, editable=False, on_delete=models.PROTECT, related_name="+")
    sort_key = models.CharField(max_length=SORT_KEY_LENGTH, editable=False, db_index=True)
    search_name = models.CharField(max_length=150, editable=False)
    created_at = models.DateTimeField(_("added to the list at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    # Counts the changes of the person's learning record ("Khóa học của tôi" is kept rendered under it); raised by
    # ``PersonQuerySet.learning_record_changed`` alone, never written back by ``save``.
    learning_version = models.PositiveIntegerField(default=0, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "id"]
        permissions = [("erase_person", "Can erase a person's personal data")]
        constraints = [
            models.UniqueConstraint(
                "phone",
                condition=~models.Q(phone=""),
                name="lms_person_phone_unique",
                violation_error_message=_("Another person already has this phone number."),
            ),
            models.UniqueConstraint(
                "external_id",
                condition=~models.Q(external_id=""),
                name="lms_person_external_id_unique",
                violation_error_message=_("Another person already has this external id."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Written from an earlier read, the version would take back a change made since.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "learning_version"
            ]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.prepare_for_save()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this person's history (see ``UnitLogEntry``)."""
        return self.unit_id

    def prepare_for_save(self):
        """Canonical phone and name, and the stored fields derived from them and from the unit."""
        self.full_name = " ".join(self.full_name.split())
        self.email = self.email.strip().lower()
        canonical_phone = normalize_phone(self.phone)
        if canonical_phone is not None:
            self.phone = canonical_phone
        self.sort_key = name_sort_key(self.full_name)
        self.search_name = fold(self.full_name)
        if self.unit_id:
            self.province_id = self.unit.province_id
            self.commune_id = self.unit.commune_id

    def delete(self, *args, **kwargs):
        raise ValidationError(_("People are never deleted; mark them inactive instead."))


class PersonMove(models.Model):
    """A person leaving ``from_unit`` for ``to_unit`` on a day (a move or a merger of their unit): so a report
    of an earlier day counts them where they were then. No move recorded: the person was always where they
    are now."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="moves")
    from_unit = models.ForeignKey("lms.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("lms.Unit", on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField(_("moved on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("move of a person")
        verbose_name_plural = _("moves of people")
        indexes = [models.Index(fields=["person", "moved_on"])]

    def __str__(self):
        return f"{self.person_id}: {self.from_unit_id} → {self.to_unit_id} ({self.moved_on:%d/%m/%Y})"
