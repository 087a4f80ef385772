"""Certificates as Open Badges 3.0 credentials (W3C Verifiable Credentials Data Model 2.0), their revocation status
lists (W3C Bitstring Status List v1.0) and the DID document (did:web) that publishes the key that signs both.

One key signs for the whole install, as for the PDFs: the issuer's id is the install's did:web (from
``WAGTAILADMIN_BASE_URL``, a site served at the root of its host), its name the issuing body printed on the
certificate. A credential is made from what the certificate printed, when it is asked for, so it always carries the
present key; keys retired with ``create_credential_key`` stay in the DID document while they are listed in
``CREDENTIAL_RETIRED_KEYS``, so credentials signed with them keep verifying. See docs/credentials.md.
"""

import base64
import datetime
import gzip
import uuid
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates import selectors
from certificates.data_integrity import OPEN_BADGES_CONTEXT, VC_CONTEXT, current_public_key_multibase, with_proof
from certificates.rendering import format_hours, verify_url
from lms.models import TrainingKind

# Bits in one status list: 16 KiB, the smallest list Bitstring Status List v1.0 allows, so that one revoked
# credential hides among at least 131,072. A certificate's place is its id: list id // size, bit id % size.
STATUS_LIST_SIZE = 131_072
CRITERIA = {
    TrainingKind.COURSE: gettext_lazy("Completed every required lesson and passed every required quiz of the course."),
    TrainingKind.SESSION: gettext_lazy("Attended the training session."),
    TrainingKind.IMPORTED: gettext_lazy("Completed the training, recorded before this platform."),
}


def absolute_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def issuer_did():
    """The install's did:web: its host (a port percent-encoded), whose DID document is /.well-known/did.json."""
    return "did:web:" + quote(urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc, safe="")


def verification_method(multibase):
    return f"{issuer_did()}#{multibase}"


def timestamp(moment):
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def status_place(certificate_id):
    """The status list a certificate's revocation is published in, and its bit there."""
    return divmod(certificate_id, STATUS_LIST_SIZE)


def status_list_url(number):
    return absolute_url(reverse("credential_status_list", args=[number]))


def signed(document, *, created):
    return with_proof(
        document, verification_method=verification_method(current_public_key_multibase()), created=timestamp(created)
    )


def open_badge(certificate):
    """The certificate as a signed OpenBadgeCredential: who (the name printed), what (the course or session), who
    issued it, when, and where its revocation is published. Nothing else of the person (no birth date, no unit)."""
    record = certificate.training_record
    printed = certificate.snapshot
    list_number, index = status_place(certificate.pk)
    with translation.override(settings.LANGUAGE_CODE):
        kind = TrainingKind(record.kind).label
        description = f"{kind}: {certificate.what}."
        if certificate.hours is not None:
            description += " " + _("Duration: %(hours)s hours.") % {"hours": format_hours(certificate.hours)}
        document = {
            "@context": [VC_CONTEXT, OPEN_BADGES_CONTEXT],
            "id": verify_url(certificate.code),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": printed["template"]["title"],
            "description": _("No. %(serial)s") % {"serial": certificate.serial},
            "issuer": {
                "id": issuer_did(),
                "type": ["Profile"],
                "name": " ".join(printed["template"]["issuer"].split()),
                "url": absolute_url("/"),
            },
            "validFrom": timestamp(certificate.issued_at),
            "awardedDate": timestamp(certificate.issued_at),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "name",
                        "identityHash": printed["values"]["ho_ten"],
                        "hashed": False,
                    }
                ],
                "activityEndDate": certificate.completed_on.isoformat(),
                "achievement": {
                    "id": uuid.uuid5(uuid.NAMESPACE_URL, absolute_url(f"/{record.source_key}")).urn,
                    "type": ["Achievement"],
                    "achievementType": "CertificateOfCompletion",
                    "name": certificate.what,
                    "description": description,
                    "criteria": {"narrative": str(CRITERIA[record.kind])},
                    "inLanguage": settings.LANGUAGE_CODE,
                },
            },
            "credentialStatus": {
                "id": f"{status_list_url(list_number)}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": status_list_url(list_number),
            },
        }
    return signed(document, created=certificate.issued_at)


def encoded_list(revoked_bits):
    """A Bitstring Status List ``encodedList``: bit 0 the leftmost of the first byte, GZIP, base64url without
    padding, multibase prefix ``u``."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for bit in revoked_bits:
        bits[bit // 8] |= 0x80 >> (bit % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list(number):
    """The signed BitstringStatusListCredential of revocations for list ``number``: the certificates revoked now."""
    first = number * STATUS_LIST_SIZE
    revoked = selectors.revoked_certificate_ids(start=first, stop=first + STATUS_LIST_SIZE)
    now = timezone.now()
    url = status_list_url(number)
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(certificate_id - first for certificate_id in revoked),
        },
    }
    return signed(document, created=now)


def status_list_exists(number):
    return number <= selectors.highest_certificate_id() // STATUS_LIST_SIZE


def did_document():
    """The install's DID document: the present credential key, and the retired ones still trusted, as Multikeys
    usable for assertions (signing credentials)."""
    did = issuer_did()
    keys = [current_public_key_multibase(), *settings.CREDENTIAL_RETIRED_KEYS]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": verification_method(key), "type": "Multikey", "controller": did, "publicKeyMultibase": key}
            for key in keys
        ],
        "assertionMethod": [verification_method(key) for key in keys],
    }
