"""Certificates as Open Badges 3.0 verifiable credentials: checked by an independent verifier (openbadgeslib's
Data Integrity verifier, with its own pinned contexts and its own canonicalisation) against the key the site
publishes at /.well-known/did.json, refused once tampered with, revoked through the published status list, and
downloadable by their holder only."""

import copy
import datetime
import itertools
import json
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from openbadgeslib.ob3 import OB3VerificationError
from openbadgeslib.ob3.did import resolve_verification_method
from openbadgeslib.ob3.ldp import OB3LdpVerifier, verify_data_integrity_proof
from openbadgeslib.ob3.status import decode_encoded_list, set_indices
from pyld import jsonld

from certificates import data_integrity, services
from certificates.credentials import STATUS_LIST_SIZE, issuer_did, status_place
from certificates.data_integrity import canonical_nquads, create_credential_key
from certificates.signing import create_signing_key
from lms import ledger
from tests.factories import make_learner, make_person, make_trainings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def credential_key():
    if not settings.CERTIFICATE_SIGNING_KEY.exists():  # the PDFs of reissued certificates
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa thử"
        )
    if not settings.CREDENTIAL_SIGNING_KEY.exists():
        create_credential_key(settings.CREDENTIAL_SIGNING_KEY)
    yield
    data_integrity.credential_key.cache_clear()  # a test may have signed with a key of its own


@pytest.fixture(autouse=True)
def public_site(settings):
    """Verifiers read did:web documents and status lists over HTTPS only, as a site in production serves them."""
    settings.WAGTAILADMIN_BASE_URL = "https://kynangso.mattran.example"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every context, key and list comes from the bundled copies or from the site itself: no connection is made."""

    def refuse(sock, address):
        raise AssertionError(f"A connection to {address} was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)


course_ids = itertools.count(1)


def learner(unit, **fields):
    return make_person(unit=unit, user=make_learner(), **fields)


def certify(template, person, reference="Kỹ năng số cơ bản"):
    record = ledger.record_course_completion(
        person=person, course_id=next(course_ids), title=reference, date=datetime.date(2026, 3, 5), hours=2, result=""
    )
    certificate, _issued = services.issue_certificate(template=template, record=record)
    return certificate


def downloaded(client, certificate):
    """The credential as its holder downloads it from the site."""
    client.force_login(certificate.person.user)
    response = client.get(reverse("credential_download", args=[certificate.code]))
    assert response.status_code == 200
    return json.loads(response.content)


def from_the_site(client):
    """What a verifier fetches over HTTPS, served by this site (the test client) instead of the network."""
    site = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc

    def download(url):
        address = urlsplit(url)
        assert (address.scheme, address.netloc) == ("https", site), url
        response = client.get(address.path)
        assert response.status_code == 200, url
        return response.content

    return download


def verify(document, client, *, check_status=False):
    """The independent verifier, with no key given: it reads the key from the site's DID document."""
    return OB3LdpVerifier().verify(
        json.dumps(document), download=from_the_site(client), check_status=check_status, verify_status_list=False
    )


def test_a_learners_credential_verifies_with_an_independent_verifier_and_the_key_the_site_publishes(
    client, tree, template
):
    person = learner(tree["area"], full_name="Nguyễn Thị Hồng Nhung", birth_date=datetime.date(1985, 3, 5))
    certificate = certify(template, person)

    document = downloaded(client, certificate)
    verified = verify(document, client, check_status=True)

    assert verified.issuer.id == issuer_did()
    assert verified.issuer.name == "ỦY BAN MTTQ VIỆT NAM TỈNH THÁI NGUYÊN"
    assert verified.achievement.name == "Kỹ năng số cơ bản"
    assert [identity.identity_hash for identity in verified.identifiers] == ["Nguyễn Thị Hồng Nhung"]
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["credentialSubject"]["activityEndDate"] == "2026-03-05"
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["proof"]["verificationMethod"].startswith(issuer_did() + "#z6Mk")
    assert document["id"] == settings.WAGTAILADMIN_BASE_URL + reverse("certificate_verify", args=[certificate.code])
    assert "1985" not in json.dumps(document)  # no more of the person than the check page shows


def test_a_certificate_of_a_training_recorded_before_the_platform_verifies_and_says_so_in_vietnamese(
    client, tree, template
):
    person = learner(tree["area"])
    (record,) = make_trainings(person, day=datetime.date(2024, 5, 2), reference="Tập huấn năm 2024")
    certificate, _issued = services.issue_certificate(template=template, record=record)

    document = downloaded(client, certificate)

    verify(document, client)
    assert document["credentialSubject"]["achievement"]["criteria"]["narrative"] == (
        "Đã hoàn thành đợt tập huấn, được ghi nhận từ trước khi có hệ thống này."
    )
    assert document["credentialSubject"]["activityEndDate"] == "2024-05-02"


def change_name(document):
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Trần Văn Bình"


def change_achievement(document):
    document["credentialSubject"]["achievement"]["name"] = "An toàn thông tin"


def change_completion_date(document):
    document["credentialSubject"]["activityEndDate"] = "2026-03-06"


def change_issue_date(document):
    document["validFrom"] = "2020-01-01T00:00:00Z"


def change_issuer(document):
    document["issuer"]["name"] = "ỦY BAN MTTQ VIỆT NAM TỈNH KHÁC"


def change_status_index(document):
    document["credentialStatus"]["statusListIndex"] = "7"


def change_signature(document):
    value = document["proof"]["proofValue"]
    document["proof"]["proofValue"] = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]


def change_proof_date(document):
    document["proof"]["created"] = "2020-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "tamper",
    [
        change_name,
        change_achievement,
        change_completion_date,
        change_issue_date,
        change_issuer,
        change_status_index,
        change_signature,
        change_proof_date,
    ],
)
def test_a_credential_changed_in_any_way_fails_verification(client, tree, template, tamper):
    document = downloaded(client, certify(template, learner(tree["area"])))
    verify(document, client)
    tampered = copy.deepcopy(document)

    tamper(tampered)

    with pytest.raises(OB3VerificationError):
        verify(tampered, client)


def test_a_credential_verifies_offline_with_the_key_read_once_from_the_did_document(client, tree, template):
    document = downloaded(client, certify(template, learner(tree["area"])))
    key = resolve_verification_method(document["proof"]["verificationMethod"], download=from_the_site(client))
    client.logout()

    def offline(url):
        raise AssertionError(f"{url} was fetched")

    OB3LdpVerifier(pubkey_pem=key).verify(json.dumps(document), download=offline)
    did_document = client.get("/.well-known/did.json")
    assert did_document["Content-Type"] == "application/did+json"
    assert did_document["Access-Control-Allow-Origin"] == "*"
    assert json.loads(did_document.content)["id"] == issuer_did()


def test_after_a_key_change_earlier_credentials_verify_while_the_retired_key_is_listed(
    settings, client, tree, template
):
    settings.CREDENTIAL_SIGNING_KEY = settings.CREDENTIAL_SIGNING_KEY.parent / "rotated-credential-key.pem"
    create_credential_key(settings.CREDENTIAL_SIGNING_KEY)
    earlier = downloaded(client, certify(template, learner(tree["area"])))
    _public, retired = create_credential_key(settings.CREDENTIAL_SIGNING_KEY)
    later = downloaded(client, certify(template, learner(tree["area"]), reference="An toàn thông tin"))

    with pytest.raises(OB3VerificationError):  # the old key is no longer published
        verify(earlier, client)
    settings.CREDENTIAL_RETIRED_KEYS = [retired]
    verify(earlier, client)
    verify(later, client)


def status_list_of(client, document):
    response = client.get(urlsplit(document["credentialStatus"]["statusListCredential"]).path)
    assert response.status_code == 200
    return json.loads(response.content)


def test_revoking_a_certificate_sets_its_bit_in_the_signed_status_list_and_verifiers_refuse_it(client, tree, template):
    certificate = certify(template, learner(tree["area"]))
    other = certify(template, learner(tree["area"]), reference="An toàn thông tin")
    document = downloaded(client, certificate)
    other_document = downloaded(client, other)
    verify(document, client, check_status=True)
    before = status_list_of(client, document)

    services.revoke_certificate(certificate=certificate, reason="Cấp nhầm người", user=None)

    with pytest.raises(OB3VerificationError, match="revocation"):
        verify(document, client, check_status=True)
    verify(other_document, client, check_status=True)
    after = status_list_of(client, document)
    assert after["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert after["issuer"] == issuer_did()
    assert set_indices(decode_encoded_list(before["credentialSubject"]["encodedList"])) == set()
    assert set_indices(decode_encoded_list(after["credentialSubject"]["encodedList"])) == {
        int(document["credentialStatus"]["statusListIndex"])
    }
    key = resolve_verification_method(after["proof"]["verificationMethod"], download=from_the_site(client))
    verify_data_integrity_proof(after, key)
    after["credentialSubject"]["encodedList"] = before["credentialSubject"]["encodedList"]
    with pytest.raises(OB3VerificationError):  # a list "un-revoked" on the way is refused
        verify_data_integrity_proof(after, key)


def test_reissuing_revokes_the_earlier_credential_and_gives_one_that_verifies(client, tree, template):
    certificate = certify(template, learner(tree["area"]))
    earlier = downloaded(client, certificate)

    new = services.reissue_certificate(certificate=certificate, reason="Sai tên", user=None)

    with pytest.raises(OB3VerificationError, match="revocation"):
        verify(earlier, client, check_status=True)
    verify(downloaded(client, new), client, check_status=True)


def test_a_learner_downloads_only_their_own_valid_credential(client, tree, template):
    mine = certify(template, learner(tree["area"]))
    theirs = certify(template, learner(tree["area"]), reference="An toàn thông tin")
    revoked = certify(template, mine.person, reference="Chữ ký số")
    services.revoke_certificate(certificate=revoked, reason="Cấp nhầm", user=None)

    assert client.get(reverse("credential_download", args=[mine.code])).status_code == 302  # to the log-in page
    client.force_login(mine.person.user)
    own = client.get(reverse("credential_download", args=[mine.code]))
    assert own.status_code == 200
    assert own["Content-Type"] == "application/vc"
    assert 'filename="chung-nhan-so-' in own["Content-Disposition"]
    assert client.get(reverse("credential_download", args=[theirs.code])).status_code == 404
    assert client.get(reverse("credential_download", args=[revoked.code])).status_code == 404


def test_the_certificate_list_offers_the_credential_of_valid_certificates_only_in_vietnamese(client, tree, template):
    certificate = certify(template, learner(tree["area"]))
    revoked = certify(template, certificate.person, reference="Chữ ký số")
    services.revoke_certificate(certificate=revoked, reason="Cấp nhầm", user=None)
    services.make_pdf(certificate)
    client.force_login(certificate.person.user)

    page = client.get(reverse("my_courses"), HTTP_ACCEPT_LANGUAGE="vi")

    assert reverse("credential_download", args=[certificate.code]) in page.text
    assert reverse("credential_download", args=[revoked.code]) not in page.text
    assert "Tải chứng nhận số" in page.text


def test_the_check_page_links_the_key_and_status_list_and_the_holder_to_their_credential(client, tree, template):
    certificate = certify(template, learner(tree["area"]))
    list_number, _index = status_place(certificate.pk)

    public = client.get(reverse("certificate_verify", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(certificate.person.user)
    holder = client.get(reverse("certificate_verify", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="vi")

    assert reverse("credential_did_document") in public.text
    assert reverse("credential_status_list", args=[list_number]) in public.text
    assert "Khóa công khai" in public.text
    assert reverse("credential_download", args=[certificate.code]) not in public.text
    assert reverse("credential_download", args=[certificate.code]) in holder.text


def test_a_status_list_is_read_in_two_queries_and_none_is_served_past_the_last_certificate(
    client, tree, template, django_assert_max_num_queries
):
    for reference in ("Khóa 1", "Khóa 2", "Khóa 3"):
        services.revoke_certificate(
            certificate=certify(template, learner(tree["area"]), reference=reference), reason="Thử", user=None
        )

    with django_assert_max_num_queries(2):
        response = client.get(reverse("credential_status_list", args=[0]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert len(set_indices(decode_encoded_list(json.loads(response.content)["credentialSubject"]["encodedList"]))) == 3
    assert len(decode_encoded_list(json.loads(response.content)["credentialSubject"]["encodedList"])) * 8 == (
        STATUS_LIST_SIZE
    )
    assert client.get(reverse("credential_status_list", args=[1])).status_code == 404


def test_contexts_come_only_from_the_bundled_copies():
    with pytest.raises(jsonld.JsonLdError):
        canonical_nquads({"@context": "https://example.org/context.jsonld", "name": "x"})


def test_create_credential_key_makes_a_private_key_keeps_it_and_rotates_it_on_request(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = tmp_path / "signing" / "credential-key.pem"

    call_command("create_credential_key")
    first = settings.CREDENTIAL_SIGNING_KEY.read_bytes()
    with pytest.raises(CommandError):
        call_command("create_credential_key")
    assert settings.CREDENTIAL_SIGNING_KEY.read_bytes() == first
    call_command("create_credential_key", "--rotate")

    assert settings.CREDENTIAL_SIGNING_KEY.read_bytes() != first
    assert b"ENCRYPTED PRIVATE KEY" in first
    assert settings.CREDENTIAL_SIGNING_KEY.stat().st_mode & 0o777 == 0o600
