"""Data Integrity proofs (W3C vc-di-eddsa, cryptosuite ``eddsa-rdfc-2022``) with the install's Ed25519 credential key.

The key is a file on the server named by ``CREDENTIAL_SIGNING_KEY`` (PKCS#8 PEM, encrypted with
``CERTIFICATE_SIGNING_PASSPHRASE``), kept like the PDF signing key: no admin screen reads or changes it, and the
deploy check of ``certificates.signing`` keeps it private. ``create_credential_key`` makes one.

JSON-LD is canonicalised (RDF Dataset Canonicalization, URDNA2015 = RDFC-1.0) with pyld against copies of the
contexts bundled in ``certificates/contexts``: nothing is fetched from the network, at run time or in tests.
  - ``credentials-v2.jsonld``: https://www.w3.org/ns/credentials/v2, from w3c/vc-data-model
    (contexts/credentials/v2 at 08b83e46), SHA-256 59955ced…c92734, the digest VC Data Model 2.0 publishes.
  - ``ob-v3p0-context-3.0.3.json``: https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json, from
    1EdTech/openbadges-specification (ob_v3p0/context-3.0.3.json at 74da24dd), SHA-256 ef2fa9c7…0cd761. The copy
    served at the URL also defines ``endorsementJwt`` and ``jti``, which our credentials do not use.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from pyld import jsonld

CONTEXTS_FOLDER = Path(__file__).resolve().parent / "contexts"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BUNDLED_CONTEXTS = {
    VC_CONTEXT: "credentials-v2.jsonld",
    OPEN_BADGES_CONTEXT: "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
# Multicodec prefix of an Ed25519 public key in a Multikey (varint 0xed).
ED25519_PUBLIC_KEY_PREFIX = b"\xed\x01"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@cache
def bundled_context_text(url):
    return (CONTEXTS_FOLDER / BUNDLED_CONTEXTS[url]).read_text(encoding="utf-8")


def load_bundled_context(url, options=None):
    """pyld's document loader: the bundled copy of a context, and a refusal for any other URL."""
    if url not in BUNDLED_CONTEXTS:
        raise jsonld.JsonLdError(
            f"The context {url} is not bundled with the application; nothing is fetched from the network.",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    # A new copy each time: pyld may change the document it is given.
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(bundled_context_text(url))}


def canonical_nquads(document):
    """The document's RDF dataset canonicalised (RDFC-1.0) as N-Quads."""
    return jsonld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load_bundled_context}
    )


def base58btc(data):
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def public_key_multibase(public_key):
    """An Ed25519 public key as a Multikey's ``publicKeyMultibase`` (base58btc, prefix ``z``)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return "z" + base58btc(ED25519_PUBLIC_KEY_PREFIX + public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def passphrase():
    return settings.CERTIFICATE_SIGNING_PASSPHRASE.encode() or None


@cache
def credential_key():
    """The Ed25519 private key that signs credentials and status lists."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(Path(settings.CREDENTIAL_SIGNING_KEY).read_bytes(), password=passphrase())


def current_public_key_multibase():
    return public_key_multibase(credential_key().public_key())


def create_credential_key(path):
    """A new Ed25519 key at ``path``, encrypted with the signing passphrase and readable by its owner only.
    Returns its public key and the public key of the key it replaces, or None (as Multikeys)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        Encoding,
        NoEncryption,
        PrivateFormat,
        load_pem_private_key,
    )

    previous = None
    if path.exists():
        previous = public_key_multibase(load_pem_private_key(path.read_bytes(), password=passphrase()).public_key())
    encryption = BestAvailableEncryption(passphrase()) if passphrase() else NoEncryption()
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_bytes(pem)
    credential_key.cache_clear()
    return public_key_multibase(key.public_key()), previous


def with_proof(document, *, verification_method, created):
    """``document`` with an embedded ``eddsa-rdfc-2022`` Data Integrity proof by the credential key.

    As vc-di-eddsa §3.2 has it: the proof options (with the document's ``@context``) and the document are each
    canonicalised and hashed with SHA-256; the key signs the proof options' hash followed by the document's.
    """
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    options_hash = hashlib.sha256(canonical_nquads({"@context": document["@context"], **proof}).encode()).digest()
    document_hash = hashlib.sha256(canonical_nquads(document).encode()).digest()
    signature = credential_key().sign(options_hash + document_hash)
    return {**document, "proof": {**proof, "proofValue": "z" + base58btc(signature)}}
