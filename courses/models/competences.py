"""The digital-competence framework courses and reports are grouped by (Thông tư 02/2025/TT-BGDĐT)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CompetenceDomain(models.Model):
    """One of the framework's domains, e.g. "4. An toàn"."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("competence domain")
        verbose_name_plural = _("competence domains")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"


COMPETENCE_NUMBER = re.compile(r"([0-9]{1,2})(?:\.([0-9]{1,2}))?")  # "4" or "4.2"


class Competence(models.Model):
    """A competence of the framework, numbered like DigComp: "4.2 Bảo vệ dữ liệu cá nhân..."."""

    domain = models.ForeignKey(
        CompetenceDomain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="competences"
    )
    number = models.CharField(_("number"), max_length=10, unique=True, help_text=_("e.g. 4.2"))
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["sort_order", "number"]

    def __str__(self):
        return f"{self.number} {self.name}"

    def save(self, *args, **kwargs):
        number = COMPETENCE_NUMBER.fullmatch(self.number)
        self.sort_order = int(number[1]) * 100 + int(number[2] or 0) if number else 0
        super().save(*args, **kwargs)

    def clean(self):
        if not COMPETENCE_NUMBER.fullmatch(self.number):
            raise ValidationError({"number": _("Write the number as digits, e.g. 4 or 4.2.")})
