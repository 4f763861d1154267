"""One-time sign-in codes for data subjects (the portal's identity check).

A code is ``DIGITS`` random decimal digits (:mod:`secrets`), valid for at most ten minutes
(``TTL``) and for ``MAX_ATTEMPTS`` tries: the third wrong try burns it, and a right one closes
it. It is stored only as HMAC-SHA256 of the challenge id and the code, keyed with the key
store's named secret ``portal-code-hmac`` (wrapped by the KEK, apart from the data store), so a
copy of the data store does not let anyone check guesses; a try is compared in constant time.

Anti-enumeration: :meth:`OneTimeCodes.issue` does the same work for an id Veil does not hold
(``deliverable=False``: a row like any other, with a code that is never sent), so the
challenge, the per-subject rate limit and every later answer look the same either way. Each
subject may be sent ``PER_SUBJECT`` codes per ``WINDOW``; past that
:class:`~veil.errors.RateLimitedError`. Rows are deleted once expired or closed
(:meth:`OneTimeCodes.purge`, run by every issue) and by the erasure participant
(:mod:`veil.identity.otp_erasure`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa

from veil import clock
from veil.errors import RateLimitedError
from veil.schema import portal_codes

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "DIGITS",
    "HMAC_SECRET",
    "MAX_ATTEMPTS",
    "PER_SUBJECT",
    "TTL",
    "WINDOW",
    "Check",
    "Issued",
    "OneTimeCodes",
    "Outcome",
]

#: The key-store secret code hashes are keyed with.
HMAC_SECRET = "portal-code-hmac"  # noqa: S105 - the name of a key-store secret
DIGITS = 6
TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 3
#: Codes one subject may be sent per WINDOW.
PER_SUBJECT = 5
WINDOW = timedelta(minutes=15)


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # tries are left
    BURNED = "burned"  # that was the last try
    INVALID = "invalid"  # unknown, expired or closed: ask for a new code


@dataclass(frozen=True, slots=True)
class Issued:
    """A new challenge: its id (public, names the challenge) and the code (sent, never stored)."""

    challenge: str
    code: str
    expires_at: str

    def __repr__(self) -> str:
        return f"Issued(challenge={self.challenge!r}, expires_at={self.expires_at!r})"


@dataclass(frozen=True, slots=True)
class Check:
    """The answer to a try: the outcome, the tries left, and on success the pseudonym."""

    outcome: Outcome
    tries_left: int = 0
    pseudonym: str | None = None


class OneTimeCodes:
    """Issues and checks one-time codes (see the module docstring)."""

    def __init__(self, ws: Workspace, *, ttl: timedelta = TTL, per_subject: int = PER_SUBJECT) -> None:
        if ttl > TTL:
            raise ValueError("a sign-in code is valid for at most ten minutes")
        self.ws = ws
        self.ttl = ttl
        self.per_subject = per_subject
        self._key: bytes | None = None

    def _hash(self, challenge: str, code: str) -> bytes:
        if self._key is None:
            self._key = self.ws.keystore.secret(HMAC_SECRET)
        return hmac.new(self._key, f"{challenge}:{code}".encode(), hashlib.sha256).digest()

    def issue(self, pseudonym: str, *, deliverable: bool) -> Issued:
        """A new code for ``pseudonym`` (:class:`RateLimitedError` past the subject's limit).

        ``deliverable`` says whether it will be sent (Veil holds the subject and a contact);
        the work and the answer are the same either way."""
        now = clock.now()
        challenge = secrets.token_hex(16)
        code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
        digest = self._hash(challenge, code)
        expires = clock.format_ts(now + self.ttl)
        with self.ws.transaction() as conn:
            self._purge(conn, now)
            recent = conn.execute(
                sa.select(sa.func.count())
                .select_from(portal_codes)
                .where(
                    portal_codes.c.pseudonym == pseudonym,
                    portal_codes.c.created_at > clock.format_ts(now - WINDOW),
                )
            ).scalar_one()
            if int(recent) >= self.per_subject:
                raise RateLimitedError(
                    "too many codes were asked for this person; wait a quarter of an hour",
                    retry_after=int(WINDOW.total_seconds()),
                )
            conn.execute(
                portal_codes.insert().values(
                    id=challenge,
                    pseudonym=pseudonym,
                    code_hash=digest,
                    deliverable=deliverable,
                    attempts=0,
                    created_at=clock.format_ts(now),
                    expires_at=expires,
                    closed_at=None,
                )
            )
        return Issued(challenge, code, expires)

    def verify(self, challenge: str, code: str) -> Check:
        """Try ``code`` against ``challenge``: one try used, whatever the answer."""
        now = clock.now()
        given = code.strip()
        with self.ws.transaction() as conn:
            row = conn.execute(
                sa.select(portal_codes).where(portal_codes.c.id == challenge).with_for_update()
            ).first()
            # hashed whether or not the row exists, so a try costs the same either way
            digest = self._hash(challenge, given)
            if row is None or row.closed_at is not None or row.expires_at <= clock.format_ts(now):
                return Check(Outcome.INVALID)
            attempts = int(row.attempts) + 1
            right = hmac.compare_digest(digest, bytes(row.code_hash)) and bool(row.deliverable)
            closed = right or attempts >= MAX_ATTEMPTS
            conn.execute(
                portal_codes.update()
                .where(portal_codes.c.id == challenge)
                .values(attempts=attempts, closed_at=clock.format_ts(now) if closed else None)
            )
        if right:
            return Check(Outcome.SIGNED_IN, pseudonym=str(row.pseudonym))
        if attempts >= MAX_ATTEMPTS:
            return Check(Outcome.BURNED)
        return Check(Outcome.WRONG, tries_left=MAX_ATTEMPTS - attempts)

    def purge(self) -> int:
        """Delete expired and closed codes; how many."""
        with self.ws.transaction() as conn:
            return self._purge(conn, clock.now())

    @staticmethod
    def _purge(conn: sa.Connection, now: datetime) -> int:
        # rows are kept for the rate window (they count against the subject's limit); the
        # window is longer than a code's life, so every row deleted has expired
        limit = clock.format_ts(now - WINDOW)
        result = conn.execute(portal_codes.delete().where(portal_codes.c.created_at <= limit))
        return int(result.rowcount or 0)

    def forget(self, pseudonyms: list[str]) -> int:
        """Delete every code of ``pseudonyms`` (erasure)."""
        with self.ws.transaction() as conn:
            result = conn.execute(portal_codes.delete().where(portal_codes.c.pseudonym.in_(pseudonyms)))
        return int(result.rowcount or 0)
