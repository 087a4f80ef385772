"""Reads on certificates."""

from django.db.models import Max

from certificates.models import Certificate, CertificateStatus


def certificates_of(person):
    """A learner's own certificates, newest first, revoked ones included (they show as revoked)."""
    if person is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(person=person).order_by("-issued_at")


def revoked_certificate_ids(*, start, stop):
    """The ids in [start, stop) of the certificates revoked: the set bits of their status list."""
    return Certificate.objects.filter(pk__gte=start, pk__lt=stop, status=CertificateStatus.REVOKED).values_list(
        "pk", flat=True
    )


def highest_certificate_id():
    return Certificate.objects.aggregate(highest=Max("pk"))["highest"] or 0
