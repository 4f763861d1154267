"""Signed erasure receipts: proof, checkable by anyone with Veil's public key, of an erasure.

A receipt is a JSON object ``{"receipt": BODY, "signature": SIG}``. ``BODY`` holds the
request id, the subject's pseudonym, the times and the erasure participants' reports (never
a subject id or a value); ``SIG`` is an Ed25519 signature over ``DOMAIN`` followed by the
canonical JSON of ``BODY`` (keys sorted, no spaces, UTF-8, no NaN), with the signing key's
id (the first 16 bytes of the SHA-256 of its raw public key, hex).

The signing key is a named workspace secret in the key store (wrapped by the KEK like every
other key, re-wrapped by rotation), made on first use; its 32 bytes are the Ed25519 seed.
Verification needs only the public key (:func:`public_key_pem`): ``veil receipt verify``.
The signing and verifying are :mod:`veil.crypto.signature`'s, shared with release certificates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veil.crypto import signature
from veil.crypto.signature import ALGORITHM, DocumentKind, canonical, key_id, load_public_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    from veil.workspace import Workspace

__all__ = [
    "ALGORITHM",
    "DOMAIN",
    "RECEIPT",
    "RECEIPT_KEY",
    "canonical",
    "key_id",
    "load_public_key",
    "public_key",
    "public_key_pem",
    "sign_receipt",
    "verify_receipt",
]

#: The key store's name of the signing key's seed (release certificates are signed with it too).
RECEIPT_KEY = signature.SIGNING_KEY
#: Prefix of every signed message: a signature over a receipt is good for nothing else.
DOMAIN = b"veil:erasure-receipt:v1\n"
#: Receipts as signed documents (:mod:`veil.crypto.signature`, the one signing mechanism).
RECEIPT = DocumentKind(field="receipt", domain=DOMAIN, title="erasure receipt")


def _signing_key(ws: Workspace) -> Ed25519PrivateKey:
    return signature.signing_key(ws.keystore)


def public_key(ws: Workspace) -> Ed25519PublicKey:
    """The workspace's receipt-verification key (the signing key is made on first use)."""
    return _signing_key(ws).public_key()


def public_key_pem(ws: Workspace) -> str:
    """The verification key as PEM (SubjectPublicKeyInfo), for ``--public-key``."""
    return signature.public_key_pem(public_key(ws))


def sign_receipt(ws: Workspace, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` signed with the workspace's receipt key."""
    return signature.sign_document(_signing_key(ws), RECEIPT, body)


def verify_receipt(document: Any, key: Ed25519PublicKey) -> dict[str, Any]:
    """The receipt's body, if ``document`` is a receipt signed with ``key``; else
    :class:`ReceiptInvalidError` (which says what is wrong, never quoting the body)."""
    return signature.verify_document(document, key, RECEIPT)
