"""Certificates as PDF: an A4 page laid out after Nghị định 30/2020/NĐ-CP, made by ``lms.documents`` (Noto
Serif for the certificate, Be Vietnam Pro for the verification lines)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from string import Formatter

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certificates.models import PLACEHOLDERS, all_placeholders, printed_code
from lms.documents import date_line, font_face, pdf_from_html

PREVIEW_VALUES = {
    "ho_ten": "Nguyễn Thị Hồng Nhung",
    "ngay_sinh": "05/03/1985",
    "don_vi": "Ban công tác Mặt trận Tổ dân phố 1, Phường Phan Đình Phùng",
    "noi_dung": "Khóa học “Kỹ năng số cơ bản cho cán bộ Mặt trận”",
    "ngay_hoan_thanh": "15/11/2026",
    "so_gio": "2",
    "ket_qua": "Đạt",
}
TEMPLATE_FIELDS = ("orientation", "issuer", "title", "body", "printed_fields", "place", "signer_title", "signer_name")
# Where a line of the body divides into sentences: after a full stop or a semicolon.
SENTENCE_END = re.compile(r"(?<=[.;])\s+")


def verify_url(code):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("certificate_verify", args=[code])


def image_uri(image):
    return Path(image.file.path).as_uri() if image else None


def format_hours(hours):
    return "" if hours is None else format(Decimal(hours).normalize(), "f").replace(".", ",")


def placeholders_in(text):
    return {name for _literal, name, _spec, _conversion in Formatter().parse(text) if name}


def printed_paragraphs(body, values, printed_fields):
    """The body's lines with their placeholders filled in. A sentence holding a field that is not printed or
    has no value is left out (“Sinh ngày:” with nothing after it is never printed), and a line left empty
    with it."""
    shown = {name: value for name, value in values.items() if name in printed_fields and str(value).strip()}
    paragraphs = []
    for line in body.splitlines():
        sentences = [
            sentence.format_map(SafeValues(shown))
            for sentence in SENTENCE_END.split(line.strip())
            if not placeholders_in(sentence) & (set(PLACEHOLDERS) - set(shown))
        ]
        if any(sentence.strip() for sentence in sentences):
            paragraphs.append(" ".join(sentences))
    return paragraphs


def page_html(template_fields, values, *, images, serial, code, day):
    """The certificate's HTML: ``template_fields`` as the template had them, ``values`` for its placeholders."""
    # Certificates issued before templates chose their fields printed every field.
    printed_fields = template_fields.get("printed_fields", all_placeholders())
    url = verify_url(code)
    return render_to_string(
        "certificates/certificate.html",
        {
            "font_face": font_face(),
            "landscape": template_fields["orientation"] == "landscape",
            "issuer_lines": template_fields["issuer"].splitlines(),
            "title": template_fields["title"],
            "paragraphs": printed_paragraphs(template_fields["body"], values, printed_fields),
            "date_line": date_line(template_fields["place"], day),
            "signer_title_lines": template_fields["signer_title"].splitlines(),
            "signer_name": template_fields["signer_name"],
            "serial": serial,
            "code": printed_code(code),
            "verify_url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=3, border=1),
            **images,
        },
    )


def template_images(template):
    return {name: image_uri(getattr(template, name)) for name in ("signature", "seal", "background")}


def certificate_pdf(certificate):
    """The unsigned PDF of an issued certificate, from what was printed when it was issued."""
    snapshot = certificate.snapshot
    return pdf_from_html(
        page_html(
            snapshot["template"],
            snapshot["values"],
            images=template_images(certificate.template),
            serial=certificate.serial,
            code=certificate.code,
            day=datetime.date.fromisoformat(snapshot["issued_on"]),
        )
    )


def preview_pdf(template):
    """The template filled with an example, to see it while editing."""
    fields = {name: getattr(template, name) for name in TEMPLATE_FIELDS}
    return pdf_from_html(
        page_html(
            fields,
            PREVIEW_VALUES,
            images=template_images(template),
            serial=f"0001/{template.serial_suffix}",
            code="XEM-THU",
            day=timezone.localdate(),
        )
    )


class SafeValues(dict):
    """Placeholder values; an unknown placeholder is printed as it was written rather than failing."""

    def __missing__(self, key):
        return "{" + key + "}"
