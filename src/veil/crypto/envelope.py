"""Envelope encryption of personal data fields under per-subject data keys.

Each subject has its own 256-bit data key (DEK). A field value is sealed with
AES-256-GCM under that DEK with a fresh random 96-bit nonce, and associated data
that binds the ciphertext to where it belongs::

    veil:f1|<dataset>|<field>|<pseudonym>|<row id>|<dek version>

(``field`` is the column's SQL name; every part is free of ``|``, so the
encoding is unambiguous.)

so a ciphertext copied to another subject, dataset, row or field, or sealed
under another key version, fails authentication instead of decrypting. The
stored blob is ``0x01 || nonce(12) || ciphertext || tag(16)``.

DEKs themselves are wrapped by the key provider's KEK (see ``provider.py``) and
live only in the key store; destroying a DEK makes every field sealed under it
unreadable for good (crypto-shredding).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from veil.errors import CryptoError

__all__ = [
    "BLOB_VERSION",
    "DataKey",
    "dek_aad",
    "field_aad",
    "field_aad_prefix",
    "field_aad_suffix",
    "field_aad_suffixes",
    "seal_many",
]

BLOB_VERSION = b"\x01"
NONCE_BYTES = 12
DEK_BYTES = 32


def field_aad(pseudonym: str, dataset: str, row_id: str, column: str, dek_version: int) -> bytes:
    return field_aad_prefix(dataset, column) + field_aad_suffix(pseudonym, row_id, dek_version)


def field_aad_prefix(dataset: str, column: str) -> bytes:
    """The per-column half of :func:`field_aad` (bulk sealing computes it once)."""
    return f"veil:f1|{dataset}|{column}".encode()


def field_aad_suffix(pseudonym: str, row_id: str, dek_version: int) -> bytes:
    """The per-row half of :func:`field_aad`."""
    return f"|{pseudonym}|{row_id}|{dek_version}".encode()


def field_aad_suffixes(
    pseudonyms: Sequence[str], row_ids: Sequence[str], versions: Sequence[int]
) -> list[bytes]:
    """:func:`field_aad_suffix` for many rows at once (same encoding)."""
    return [f"|{p}|{r}|{v}".encode() for p, r, v in zip(pseudonyms, row_ids, versions, strict=True)]


def seal_many(aeads: Sequence[AESGCM], plaintexts: Sequence[bytes], aads: Sequence[bytes]) -> list[bytes]:
    """Seal ``plaintexts[i]`` under ``aeads[i]`` with associated data ``aads[i]``.

    The bulk form of :meth:`DataKey.seal`: the same blob (``0x01 || nonce || ciphertext
    || tag``) with a fresh random 96-bit nonce per value, drawn from one ``os.urandom``
    call; the AES-GCM calls run in C (``map``), without a Python frame per value.
    """
    n = len(plaintexts)
    if not (len(aeads) == len(aads) == n):
        raise ValueError("seal_many needs one key and one associated data per plaintext")
    pool = os.urandom(NONCE_BYTES * n)
    nonces = [pool[i : i + NONCE_BYTES] for i in range(0, NONCE_BYTES * n, NONCE_BYTES)]
    sealed = map(AESGCM.encrypt, aeads, nonces, plaintexts, aads)
    return list(map(bytes.__add__, map(BLOB_VERSION.__add__, nonces), sealed))


def dek_aad(pseudonym: str, dek_version: int) -> bytes:
    """Associated data for wrapping a subject's DEK under the KEK."""
    return f"veil:dek1|{pseudonym}|{dek_version}".encode()


@dataclass(slots=True)
class DataKey:
    """A subject's data key in memory. Its repr never shows the key."""

    pseudonym: str
    version: int
    key: bytes = field(repr=False)
    _aead: AESGCM | None = field(default=None, repr=False, compare=False)

    @classmethod
    def generate(cls, pseudonym: str, version: int = 1) -> DataKey:
        return cls(pseudonym, version, os.urandom(DEK_BYTES))

    @classmethod
    def make(cls, pseudonym: str, version: int, key: bytes) -> DataKey:
        """A data key with its AES-GCM object built now (bulk callers use every key at once)."""
        return cls(pseudonym, version, key, AESGCM(key))

    @property
    def aead(self) -> AESGCM:
        if self._aead is None:
            self._aead = AESGCM(self.key)
        return self._aead

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return BLOB_VERSION + nonce + self.aead.encrypt(nonce, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != BLOB_VERSION:
            raise CryptoError("ciphertext is truncated or not a Veil field blob")
        try:
            return self.aead.decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], aad)
        except InvalidTag as exc:
            raise CryptoError(
                "a field failed authentication: it was altered, or moved from another subject, row or field"
            ) from exc

    def seal_field(
        self, value: str, *, dataset: str, row_id: str, column: str, nonce: bytes | None = None
    ) -> bytes:
        """Seal one field value (``nonce`` lets bulk callers pass pre-drawn randomness)."""
        n = nonce if nonce is not None else os.urandom(NONCE_BYTES)
        aad = field_aad(self.pseudonym, dataset, row_id, column, self.version)
        return BLOB_VERSION + n + self.aead.encrypt(n, value.encode(), aad)

    def open_field(self, blob: bytes, *, dataset: str, row_id: str, column: str) -> str:
        aad = field_aad(self.pseudonym, dataset, row_id, column, self.version)
        return self.open(blob, aad).decode()
