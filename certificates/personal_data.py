"""What the certificates app holds about a person, for "Dữ liệu của tôi" and erasure (see ``lms.personal_data``).

Erasure keeps every certificate's register line (serial, what, dates, result, code, the PDF's SHA-256) and replaces
the printed name in its snapshot with the pseudonym; the stored PDFs, which print the name and date of birth, are
removed from storage (a copy the person kept still matches the register's SHA-256), and so are their pages in the
ZIPs of bulk issues."""

import tempfile
import zipfile

from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.models import Certificate, CertificateBatch
from certificates.services import archive_entry_name
from lms.personal_data import table


def sections(person):
    certificates = Certificate.objects.filter(person=person).order_by("issued_at")
    yield table(
        "certificates",
        gettext_lazy("Certificates"),
        [_("Number"), _("For completing"), _("Completed on"), _("issued at"), _("status"), _("verification code")],
        [[c.serial, c.what, c.completed_on, c.issued_at, c.get_status_display(), c.printed_code] for c in certificates],
    )


def _without_entries(batch, prefixes):
    """Rewrite the batch's ZIP without the PDFs whose names start with one of ``prefixes``."""
    with batch.archive.open("rb") as original, zipfile.ZipFile(original) as zipped:
        kept = [info for info in zipped.infolist() if not info.filename.startswith(prefixes)]
        if len(kept) == len(zipped.infolist()):
            return
        with tempfile.TemporaryFile() as rewritten:
            with zipfile.ZipFile(rewritten, "w") as output:
                for info in kept:
                    output.writestr(info, zipped.read(info))
            rewritten.seek(0)
            old_name = batch.archive.name
            batch.archive.save(f"chung-nhan-{batch.pk}.zip", File(rewritten), save=False)
    batch.archive.storage.delete(old_name)
    CertificateBatch.objects.filter(pk=batch.pk).update(archive=batch.archive.name)


def erase(person, erasure):
    certificates = list(Certificate.objects.filter(person=person).select_related("template"))
    prefixes = tuple(
        archive_entry_name(f"{c.number:04d}-{person.full_name}", set()).removesuffix(".pdf") for c in certificates
    )
    for certificate in certificates:
        snapshot = erasure.scrub(certificate.snapshot)
        values = snapshot.get("values", {})
        values.update(ho_ten=erasure.pseudonym, ngay_sinh="")
        if certificate.pdf:
            certificate.pdf.storage.delete(certificate.pdf.name)
        Certificate.objects.filter(pk=certificate.pk).update(snapshot=snapshot, pdf="")
    templates = {c.template_id for c in certificates}
    for batch in CertificateBatch.objects.filter(template__in=templates).exclude(archive=""):
        _without_entries(batch, prefixes)
