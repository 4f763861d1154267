"""The one file format of encrypted inference: contexts, encrypted features and encrypted scores.

``VEILHE1\n``, a length-prefixed JSON header (kind, key id, shape, feature names, the SHA-256
of the body) and length-prefixed TenSEAL blobs. The key id ties every ciphertext to its key
pair, so a wrong context is named instead of decrypting noise; the checksum catches
corruption and truncation (not a malicious server: CKKS ciphertexts are malleable). Headers
carry counts and feature *names*, never values.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import struct
from types import ModuleType
from typing import Any, Literal

from veil.errors import ConfigError, CryptoError, InputError

__all__ = ["Kind", "pack", "tenseal", "unpack"]

MAGIC = b"VEILHE1\n"
FORMAT = 1
MAX_HEADER = 1 << 20
Kind = Literal["public_context", "secret_context", "features", "scores"]


def tenseal() -> ModuleType:
    """TenSEAL, imported when a key, a ciphertext or a score is made or read.

    It is an optional dependency (the ``ml`` extra): model files, their inputs and the CLI
    work without it, and a missing install is named with the extra to add.
    """
    try:
        return importlib.import_module("tenseal")
    except ImportError as exc:  # pragma: no cover - the ml extra is installed in tests
        raise ConfigError("encrypted inference needs TenSEAL: pip install 'veil[ml]'") from exc


def pack(header: dict[str, Any], blobs: list[bytes]) -> bytes:
    body = b"".join(struct.pack(">Q", len(b)) + b for b in blobs)
    full = {**header, "format": FORMAT, "blobs": len(blobs), "sha256": hashlib.sha256(body).hexdigest()}
    head = json.dumps(full, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + struct.pack(">I", len(head)) + head + body


def unpack(data: bytes, expected: tuple[Kind, ...], what: str) -> tuple[dict[str, Any], list[bytes]]:
    """Header and blobs of a Veil HE file; :class:`CryptoError` for anything malformed."""
    if not data.startswith(MAGIC):
        raise CryptoError(f"{what} is not a Veil encrypted-inference file (bad magic bytes)")
    start = len(MAGIC) + 4
    if len(data) < start:
        raise CryptoError(f"{what} is truncated")
    (head_len,) = struct.unpack(">I", data[len(MAGIC) : start])
    if head_len > MAX_HEADER or len(data) < start + head_len:
        raise CryptoError(f"{what} is truncated or corrupt (header length)")
    try:
        header = json.loads(data[start : start + head_len])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CryptoError(f"{what} is corrupt (unreadable header)") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CryptoError(f"{what} has an unknown header format")
    body = data[start + head_len :]
    if hashlib.sha256(body).hexdigest() != header.get("sha256"):
        raise CryptoError(f"{what} was changed or truncated (checksum mismatch)")
    kind = header.get("kind")
    if kind not in expected:
        raise InputError(f"{what} holds {kind}, expected {' or '.join(expected)}")
    blobs: list[bytes] = []
    pos = 0
    while pos < len(body):
        (n,) = struct.unpack(">Q", body[pos : pos + 8])
        blobs.append(body[pos + 8 : pos + 8 + n])
        pos += 8 + n
    if len(blobs) != header.get("blobs"):
        raise CryptoError(f"{what} is corrupt (blob count)")
    return header, blobs
