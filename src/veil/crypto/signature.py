"""Signed documents: Ed25519 signatures over canonical JSON, made with the workspace's signing key.

One mechanism for every document Veil signs (erasure receipts, release certificates): a JSON
object ``{FIELD: BODY, "signature": SIG}`` where ``SIG`` is an Ed25519 signature over the
document kind's domain prefix followed by the canonical JSON of ``BODY`` (keys sorted, no
spaces, UTF-8, no NaN), with the signing key's id (the first 16 bytes of the SHA-256 of its
raw public key, hex). The domain prefix binds a signature to one kind of document: a
receipt's signature is worth nothing as a certificate's, and the other way round.

The signing key is a named workspace secret in the key store (wrapped by the KEK like every
other key, re-wrapped by rotation), made on first use; its 32 bytes are the Ed25519 seed.
Verification needs only the public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from veil.errors import InputError, ReceiptInvalidError

if TYPE_CHECKING:
    from veil.crypto.keystore import KeyStore

__all__ = [
    "ALGORITHM",
    "SIGNING_KEY",
    "DocumentKind",
    "canonical",
    "key_id",
    "load_public_key",
    "public_key_pem",
    "sign_document",
    "signing_key",
    "verify_document",
]

#: The key store's name of the signing key's seed (named for the receipts that came first).
SIGNING_KEY = "receipt_signing_key"
ALGORITHM = "Ed25519"


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of signed document: the body's field name, the signature's domain, its name in errors."""

    field: str
    domain: bytes
    title: str


def canonical(body: dict[str, Any]) -> bytes:
    """The bytes a signature covers (after the kind's domain)."""
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def signing_key(keystore: KeyStore) -> Ed25519PrivateKey:
    """The workspace's Ed25519 signing key (made on first use)."""
    return Ed25519PrivateKey.from_private_bytes(keystore.secret(SIGNING_KEY))


def public_key_pem(key: Ed25519PublicKey) -> str:
    """A verification key as PEM (SubjectPublicKeyInfo)."""
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (as ``veil receipt public-key`` prints) or base64 of its
    32 raw bytes."""
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(text)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error, TypeError):
        raise InputError(
            "the public key is neither an Ed25519 PEM public key nor base64 of 32 bytes"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("the public key is not an Ed25519 key")
    return key


def sign_document(key: Ed25519PrivateKey, kind: DocumentKind, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` signed with ``key`` as a document of ``kind``."""
    try:
        message = kind.domain + canonical(body)
    except (TypeError, ValueError) as exc:  # a NaN, or a value JSON cannot hold: a bug of the caller
        raise InputError(f"a {kind.title} must be plain JSON without NaN: {exc}") from None
    return {
        kind.field: body,
        "signature": {
            "alg": ALGORITHM,
            "key_id": key_id(key.public_key()),
            "value": base64.b64encode(key.sign(message)).decode(),
        },
    }


def verify_document(document: Any, key: Ed25519PublicKey, kind: DocumentKind) -> dict[str, Any]:
    """The body, if ``document`` is a document of ``kind`` signed with ``key``; else
    :class:`ReceiptInvalidError` (which says what is wrong, never quoting the body)."""
    name, what = kind.field, kind.title
    if not isinstance(document, dict) or set(document) != {name, "signature"}:
        raise ReceiptInvalidError(f"not a Veil {what}: expected exactly '{name}' and 'signature'")
    body, sig = document[name], document["signature"]
    if not isinstance(body, dict) or not isinstance(sig, dict):
        raise ReceiptInvalidError(f"not a Veil {what}: '{name}' and 'signature' must be objects")
    if sig.get("alg") != ALGORITHM:
        raise ReceiptInvalidError(f"the {name} is not signed with {ALGORITHM}")
    if sig.get("key_id") != key_id(key):
        raise ReceiptInvalidError(f"the {name} was signed by another key than the one given")
    try:
        raw = base64.b64decode(str(sig.get("value", "")), validate=True)
        message = kind.domain + canonical(body)
    except (binascii.Error, ValueError, TypeError):
        raise ReceiptInvalidError(f"the {name}'s signature or body is malformed") from None
    try:
        key.verify(raw, message)
    except InvalidSignature:
        raise ReceiptInvalidError(
            f"the {name}'s signature does not match its content: it was altered"
        ) from None
    return body
