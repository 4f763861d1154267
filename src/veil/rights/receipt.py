"""Signed erasure receipts: proof, checkable by anyone with Veil's public key, of an erasure.

A receipt is a JSON object ``{"receipt": BODY, "signature": SIG}``. ``BODY`` holds the
request id, the subject's pseudonym, the times and the erasure participants' reports (never
a subject id or a value); ``SIG`` is an Ed25519 signature over ``DOMAIN`` followed by the
canonical JSON of ``BODY`` (keys sorted, no spaces, UTF-8, no NaN), with the signing key's
id (the first 16 bytes of the SHA-256 of its raw public key, hex).

The signing key is a named workspace secret in the key store (wrapped by the KEK like every
other key, re-wrapped by rotation), made on first use; its 32 bytes are the Ed25519 seed.
Verification needs only the public key (:func:`public_key_pem`): ``veil receipt verify``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from veil.errors import InputError, ReceiptInvalidError

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "ALGORITHM",
    "DOMAIN",
    "RECEIPT_KEY",
    "canonical",
    "key_id",
    "load_public_key",
    "public_key",
    "public_key_pem",
    "sign_receipt",
    "verify_receipt",
]

#: The key store's name of the signing key's seed.
RECEIPT_KEY = "receipt_signing_key"
ALGORITHM = "Ed25519"
#: Prefix of every signed message: a signature over a receipt is good for nothing else.
DOMAIN = b"veil:erasure-receipt:v1\n"


def canonical(body: dict[str, Any]) -> bytes:
    """The bytes a receipt's signature covers (after :data:`DOMAIN`)."""
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def _signing_key(ws: Workspace) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(ws.keystore.secret(RECEIPT_KEY))


def public_key(ws: Workspace) -> Ed25519PublicKey:
    """The workspace's receipt-verification key (the signing key is made on first use)."""
    return _signing_key(ws).public_key()


def public_key_pem(ws: Workspace) -> str:
    """The verification key as PEM (SubjectPublicKeyInfo), for ``--public-key``."""
    return (
        public_key(ws)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


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


def sign_receipt(ws: Workspace, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` signed with the workspace's receipt key."""
    key = _signing_key(ws)
    signature = key.sign(DOMAIN + canonical(body))
    return {
        "receipt": body,
        "signature": {
            "alg": ALGORITHM,
            "key_id": key_id(key.public_key()),
            "value": base64.b64encode(signature).decode(),
        },
    }


def verify_receipt(document: Any, key: Ed25519PublicKey) -> dict[str, Any]:
    """The receipt's body, if ``document`` is a receipt signed with ``key``; else
    :class:`ReceiptInvalidError` (which says what is wrong, never quoting the body)."""
    if not isinstance(document, dict) or set(document) != {"receipt", "signature"}:
        raise ReceiptInvalidError("not a Veil erasure receipt: expected exactly 'receipt' and 'signature'")
    body, sig = document["receipt"], document["signature"]
    if not isinstance(body, dict) or not isinstance(sig, dict):
        raise ReceiptInvalidError("not a Veil erasure receipt: 'receipt' and 'signature' must be objects")
    if sig.get("alg") != ALGORITHM:
        raise ReceiptInvalidError(f"the receipt is not signed with {ALGORITHM}")
    if sig.get("key_id") != key_id(key):
        raise ReceiptInvalidError("the receipt was signed by another key than the one given")
    try:
        raw = base64.b64decode(str(sig.get("value", "")), validate=True)
        message = DOMAIN + canonical(body)
    except (binascii.Error, ValueError, TypeError):
        raise ReceiptInvalidError("the receipt's signature or body is malformed") from None
    try:
        key.verify(raw, message)
    except InvalidSignature:
        raise ReceiptInvalidError(
            "the receipt's signature does not match its content: it was altered"
        ) from None
    return body
