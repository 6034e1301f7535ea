"""C2PA Content Credentials: a signed manifest inside the MP4 saying the clip was made by a generative model
(``c2pa.actions``: ``c2pa.created`` with IPTC's ``trainedAlgorithmicMedia`` digital source type).

``c2pa-python`` (the Content Authenticity Initiative's bindings; its wheel carries the native c2pa-rs library)
signs offline: no timestamp authority is asked (``ta_url`` None), so the signature carries no trusted time. The
signing certificate is the operator's: ``C2PA_SIGNING_CERT_FILE`` (PEM chain, signer first) and
``C2PA_SIGNING_KEY_FILE`` (PEM private key, ES256). Without them a certificate is made for the running process
(an "unverified Storycam" CA and signer): the manifest still says what the clip is and still proves the file was
not changed since, but verifiers report the signer as unknown. A certificate from a CA on the C2PA trust list
makes it "trusted".
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from storycam.media.settings import MediaSettings

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
GENERATOR = "Storycam Kiss Cam"


@dataclass(frozen=True)
class SigningCredentials:
    certificate_chain: bytes  # PEM: the signing certificate first, then its issuers
    private_key: bytes  # PEM, an EC P-256 key (ES256)

    @classmethod
    def from_files(cls, certificate_chain: Path, private_key: Path) -> SigningCredentials:
        return cls(certificate_chain.read_bytes(), private_key.read_bytes())

    @classmethod
    def from_settings(cls, settings: MediaSettings) -> SigningCredentials | None:
        """The operator's certificate, read once at start-up; None when none is configured."""
        if settings.c2pa_signing_cert_file is None or settings.c2pa_signing_key_file is None:
            return None
        return cls.from_files(settings.c2pa_signing_cert_file, settings.c2pa_signing_key_file)


def embed_manifest(path: Path, credentials: SigningCredentials, *, title: str = "Kiss Cam clip") -> None:
    """Signs a manifest into the MP4 at ``path`` (replaced whole; a manifest already there is superseded)."""
    manifest = {
        "claim_generator_info": [{"name": GENERATOR}],
        "title": title,
        "format": "video/mp4",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                            "softwareAgent": {"name": GENERATOR},
                        }
                    ]
                },
            }
        ],
    }
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, credentials.certificate_chain, credentials.private_key, None)
    signed = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with (
            c2pa.Signer.from_info(info) as signer,
            c2pa.Builder(manifest) as builder,
            path.open("rb") as source,
            signed.open("w+b") as target,
        ):
            builder.sign(signer, "video/mp4", source, target)
        os.replace(signed, path)
    finally:
        signed.unlink(missing_ok=True)


def read_manifest(path: Path) -> tuple[dict[str, Any], str] | None:
    """The active manifest of the file and its validation state ("Valid", "Trusted", "Invalid"), or None."""
    with path.open("rb") as source:
        try:
            reader = c2pa.Reader("video/mp4", source)
        except c2pa.C2paError.ManifestNotFound:
            return None
        with reader:
            store = json.loads(reader.json())
            active: dict[str, Any] = store["manifests"][store["active_manifest"]]
            return active, str(reader.get_validation_state())


@functools.cache
def unverified_credentials() -> SigningCredentials:
    """A CA and a signer made for this process, for installations without a certificate of their own."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name, signer_name = _name("Storycam unverified CA"), _name("Storycam Kiss Cam (unverified)")
    ca = (
        _certificate(ca_name, ca_name, ca_key.public_key(), now, days=3650)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(key_cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # C2PA wants an end-entity signer (not a CA) allowed to sign documents, issued by a CA: a lone self-signed
    # certificate is refused.
    signer = (
        _certificate(signer_name, ca_name, key.public_key(), now, days=365)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return SigningCredentials(
        signer.public_bytes(pem) + ca.public_bytes(pem),
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Storycam"),
        ]
    )


def _certificate(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, now: datetime.datetime, days: int
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _usage(*, digital_signature: bool = False, key_cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=key_cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
