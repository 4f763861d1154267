"""Pseudonyms: keyed HMAC-SHA256 of the subject id.

Stable for a workspace (same id, same pseudonym, in every dataset and run), not
reversible without the pseudonym key, which lives wrapped in the key store. The
digest is truncated to 128 bits (32 hex characters): collisions stay negligible
(~2^-64 at four billion subjects) and indexes stay small.
"""

from __future__ import annotations

import hmac

__all__ = ["Pseudonymizer"]

PSEUDONYM_HEX = 32


class Pseudonymizer:
    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, subject_id: str) -> str:
        return hmac.digest(self._key, subject_id.encode(), "sha256").hex()[:PSEUDONYM_HEX]

    def __repr__(self) -> str:
        return "Pseudonymizer(<key hidden>)"

    @staticmethod
    def looks_like(value: str) -> bool:
        return len(value) == PSEUDONYM_HEX and all(c in "0123456789abcdef" for c in value)
