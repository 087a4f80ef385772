"""PAdES signatures on certificate PDFs with the PKCS#12 key named in settings (pyHanko).

One key signs for the whole install: it is a file on the server, which no admin screen reads or changes (see
"What is shared on one install" in docs/development.md); a deploy check keeps it private.
"""

import datetime
import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import checks


@cache
def signer():
    from pyhanko.sign import signers

    passphrase = settings.CERTIFICATE_SIGNING_PASSPHRASE.encode() or None
    loaded = signers.SimpleSigner.load_pkcs12(str(settings.CERTIFICATE_SIGNING_KEY), passphrase=passphrase)
    if loaded is None:
        raise RuntimeError(f"Cannot read the signing key {settings.CERTIFICATE_SIGNING_KEY}")
    return loaded


def check_signing_key(app_configs=None, **kwargs):
    """Deploy check: the signing keys (of the PDFs and of the credentials), when there are, are readable by the
    application's user only and lie outside the folders the web server serves."""
    found = []
    for setting in ("CERTIFICATE_SIGNING_KEY", "CREDENTIAL_SIGNING_KEY"):
        path = Path(getattr(settings, setting)).resolve()
        if not path.exists():
            continue
        found += [
            checks.Warning(
                f"The signing key {path} is inside {root}, which the web server serves.",
                hint=f"Keep {setting} outside MEDIA_ROOT and STATIC_ROOT.",
                id="certificates.W001",
            )
            for root in (settings.MEDIA_ROOT, settings.STATIC_ROOT)
            if root and path.is_relative_to(Path(root).resolve())
        ]
        if path.stat().st_mode & 0o077:
            found.append(
                checks.Warning(
                    f"The signing key {path} can be read by other users of the server.",
                    hint=f"chmod 600 {path}, owned by the application's user.",
                    id="certificates.W002",
                )
            )
    return found


def signing_key_expiry():
    """When the signing key's certificate stops being valid; None when the site has no signing key."""
    if not Path(settings.CERTIFICATE_SIGNING_KEY).exists():
        return None
    return signer().signing_cert.not_valid_after


def sign_pdf(pdf):
    """``pdf`` with a PAdES baseline signature by the configured key."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Giấy chứng nhận do hệ thống Kỹ năng số MTTQ cấp",
    )
    output = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer())
    return output.getvalue()


def create_signing_key(path, *, passphrase, common_name, days=3650):
    """A self-signed certificate and its key in a PKCS#12 file, for development and tests."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pkcs12.serialize_key_and_certificates(common_name.encode(), key, certificate, None, encryption))
    path.chmod(0o600)
    signer.cache_clear()
    return certificate


def signature_is_valid(pdf):
    """Whether ``pdf`` carries an intact signature, over the whole file, by the configured key."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return (
        len(signatures) == 1
        and validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[signer().signing_cert])).bottom_line
    )
