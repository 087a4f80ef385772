"""Reads on certificates."""

from certificates.models import Certificate


def certificates_of(person):
    """A learner's own certificates, newest first, revoked ones included (they show as revoked)."""
    if person is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(person=person).order_by("-issued_at")
