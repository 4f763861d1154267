"""The encrypted token store: which original value a pseudonym or surrogate stands for.

Pseudonyms (``<PERSON_1>``) and surrogates must be the same for the same value across
a whole corpus and across runs, and pseudonyms must be reversible by the workspace's
key holder (``veil pii unmask``). Both needs are met by one table in the data store::

    pii_tokens(namespace, kind, seq, token, value_mac, sealed_value, created_at)

* ``value_mac`` = HMAC-SHA256(mac key, namespace | kind | value): the lookup key, so a
  value is found without storing it in the clear;
* ``sealed_value`` = AES-256-GCM(seal key, value) with associated data
  ``veil:pii.token:v1|<namespace>|<token>``, so a sealed value moved to another token
  fails authentication instead of unmasking to the wrong person;
* ``(namespace, value_mac)`` is unique (one token per value), and so is
  ``(namespace, kind, seq)``: pseudonyms, made from kind and number, are one per value too.
  Surrogates are kept apart as far as their format allows (see :meth:`TokenStore.assign`).

Both keys are derived (HKDF-SHA256, distinct labels) from the workspace secret
``pii.mapping``, which lives wrapped in the key store like every other key, apart from
the data store: a copy of ``veil.db`` alone reveals no mapped value.

Tokens are assigned in write transactions (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL:
a table lock), so concurrent runs agree on one token per value and never hand out the
same pseudonym number twice.

**Erased people** (:class:`ErasedValues`). Erasure forgets the subject's pseudonym and
surrogate tokens (above), but an ``[ENC:...]`` token is a ciphertext under the
workspace's ``pii.encrypt`` key, not the subject's: shredding the subject's key cannot
reach the files masked before. So erasure also records, in ``pii_erased(value_mac)``, a
keyed hash (HMAC-SHA256 under a subkey of ``pii.mapping``) of each identity value of the
subject — subject id and every direct-identifier value, normalised (Unicode NFKC, case
folded, runs of white space made one space, trimmed) — and ``veil pii unmask`` refuses to
restore any value whose hash is listed: the token stays as it is, and the run counts it as
refused. The table holds no value and no pseudonym; without the key its hashes cannot be
tested against guesses. This is a refusal by Veil, not cryptography: whoever holds the
KEK can still derive the encrypt key and decrypt an old file by hand (see
docs/threat-model.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection, Engine

from veil import clock
from veil.database import writer
from veil.errors import ConflictError, CryptoError
from veil.schema import pii_erased, pii_tokens

__all__ = [
    "ERASURE_STEP",
    "MAPPING_KEY_NAME",
    "ErasedValues",
    "MappedValue",
    "TokenMaker",
    "TokenStore",
    "derive_key",
    "normalise_identity",
]

#: Name of the workspace secret the store's keys are derived from.
MAPPING_KEY_NAME = "pii.mapping"
#: The token store's step in an erasure (:class:`veil.pii.erasure.TokenStoreParticipant`).
ERASURE_STEP = "pii_tokens"
NONCE_BYTES = 12
BLOB_VERSION = b"\x01"
#: Candidate tokens tried per value before giving up (surrogate pools can run dry).
MAX_ATTEMPTS = 64
#: Without ``unique``, candidates tried for a free token before a taken one is accepted.
FREE_ATTEMPTS = 16
_CHUNK = 500
_FORGOTTEN = "forgotten:"

_SPACES = re.compile(r"\s+")

#: Makes the candidate token for (kind, value, seq, attempt); ``seq`` numbers the kind's
#: values in order of first appearance (1, 2, ...), ``attempt`` counts collisions.
TokenMaker = Callable[[str, str, int, int], str]


@dataclass(frozen=True, slots=True)
class MappedValue:
    """What a token stands for. Its repr never shows the value."""

    namespace: str
    kind: str
    token: str
    value: str

    def __repr__(self) -> str:
        return f"MappedValue(namespace={self.namespace!r}, kind={self.kind!r}, token={self.token!r})"


def derive_key(secret: bytes, label: str, length: int = 32) -> bytes:
    """A subkey of a workspace secret for one use (HKDF-SHA256, ``label`` as info)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode()).derive(secret)


class TokenStore:
    """Token <-> value mapping, sealed (table ``pii_tokens``, made by the data store's schema revisions)."""

    def __init__(self, engine: Engine, secret: bytes) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self._mac_key = derive_key(secret, "veil:pii.mapping:mac:v1")
        self._aead = AESGCM(derive_key(secret, "veil:pii.mapping:seal:v1"))

    def __repr__(self) -> str:
        return f"TokenStore(backend={self.engine.dialect.name!r})"

    # -- crypto ----------------------------------------------------------------------------
    def value_mac(self, namespace: str, kind: str, value: str) -> str:
        msg = f"{namespace}\x00{kind}\x00{value}".encode()
        return hmac.new(self._mac_key, msg, hashlib.sha256).hexdigest()

    def _seal(self, namespace: str, token: str, value: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return BLOB_VERSION + nonce + self._aead.encrypt(nonce, value.encode(), _aad(namespace, token))

    def _open(self, namespace: str, token: str, blob: bytes) -> str:
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != BLOB_VERSION:
            raise CryptoError(f"the sealed value of token {token!r} is truncated or of an unknown version")
        try:
            plain = self._aead.decrypt(
                blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], _aad(namespace, token)
            )
        except InvalidTag as exc:
            raise CryptoError(
                f"the sealed value of token {token!r} failed authentication: the mapping table was "
                "altered, or it belongs to another workspace"
            ) from exc
        return plain.decode()

    # -- assigning -------------------------------------------------------------------------
    def assign(
        self,
        namespace: str,
        items: Sequence[tuple[str, str]],
        make: TokenMaker,
        *,
        unique: bool = True,
        avoid_value: bool = False,
    ) -> list[str]:
        """The token of each ``(kind, value)``, creating the missing ones with ``make``.

        A new value's token is ``make(kind, value, seq, attempt)`` for the first attempt
        whose token is free in ``namespace`` and, with ``avoid_value``, differs from the
        value itself (a surrogate must never be the original). Without ``unique``, a
        taken token is accepted after :data:`FREE_ATTEMPTS` tries (a small space of fakes,
        such as years, would otherwise run dry); with it, the tokens of a namespace stay
        one per value or the run stops with :class:`ConflictError`.
        """
        if not items:
            return []
        macs = [self.value_mac(namespace, kind, value) for kind, value in items]
        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("LOCK TABLE pii_tokens IN SHARE ROW EXCLUSIVE MODE")
            found = self._tokens_of(conn, namespace, list(dict.fromkeys(macs)))
            fresh: dict[str, tuple[str, str]] = {}
            for mac, item in zip(macs, items, strict=True):
                if mac not in found:
                    fresh.setdefault(mac, item)
            if fresh:
                found.update(self._create(conn, namespace, fresh, make, unique, avoid_value))
        return [found[mac] for mac in macs]

    def _tokens_of(self, conn: Connection, namespace: str, macs: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for i in range(0, len(macs), _CHUNK):
            query = sa.select(pii_tokens.c.value_mac, pii_tokens.c.token).where(
                pii_tokens.c.namespace == namespace, pii_tokens.c.value_mac.in_(macs[i : i + _CHUNK])
            )
            found.update((str(m), str(t)) for m, t in conn.execute(query))
        return found

    def _taken(self, conn: Connection, namespace: str, tokens: list[str]) -> set[str]:
        taken: set[str] = set()
        for i in range(0, len(tokens), _CHUNK):
            query = sa.select(pii_tokens.c.token).where(
                pii_tokens.c.namespace == namespace, pii_tokens.c.token.in_(tokens[i : i + _CHUNK])
            )
            taken.update(str(t) for (t,) in conn.execute(query))
        return taken

    def _create(
        self,
        conn: Connection,
        namespace: str,
        fresh: dict[str, tuple[str, str]],
        make: TokenMaker,
        unique: bool,
        avoid_value: bool,
    ) -> dict[str, str]:
        next_seq: dict[str, int] = {}
        for kind in sorted({kind for kind, _ in fresh.values()}):
            top = conn.execute(
                sa.select(sa.func.max(pii_tokens.c.seq)).where(
                    pii_tokens.c.namespace == namespace, pii_tokens.c.kind == kind
                )
            ).scalar_one_or_none()
            next_seq[kind] = int(top or 0) + 1
        planned: list[tuple[str, str, str, int]] = []  # (mac, kind, value, seq)
        for mac, (kind, value) in fresh.items():
            planned.append((mac, kind, value, next_seq[kind]))
            next_seq[kind] += 1
        first = [make(kind, value, seq, 0) for _, kind, value, seq in planned]
        taken = self._taken(conn, namespace, list(set(first)))
        used: set[str] = set()
        now = clock.now_iso()
        rows: list[dict[str, object]] = []
        out: dict[str, str] = {}
        for (mac, kind, value, seq), token in zip(planned, first, strict=True):
            attempt, fallback = 0, None
            while True:
                differs = not (avoid_value and token == value)
                if differs and token not in used and token not in taken:
                    break
                fallback = token if differs and fallback is None else fallback
                if fallback is not None and not unique and attempt >= FREE_ATTEMPTS:
                    token = fallback
                    break
                attempt += 1
                if attempt >= MAX_ATTEMPTS:
                    raise ConflictError(
                        f"no free {namespace} token for a {kind} value after {MAX_ATTEMPTS} attempts; "
                        "use the pseudonym operator for this type"
                    )
                token = make(kind, value, seq, attempt)
                if token not in used and token not in taken:
                    taken |= self._taken(conn, namespace, [token])
            used.add(token)
            out[mac] = token
            rows.append(
                {
                    "namespace": namespace,
                    "value_mac": mac,
                    "kind": kind,
                    "seq": seq,
                    "token": token,
                    "sealed_value": self._seal(namespace, token, value),
                    "created_at": now,
                }
            )
        for i in range(0, len(rows), _CHUNK):
            conn.execute(pii_tokens.insert(), rows[i : i + _CHUNK])
        return out

    # -- reading ---------------------------------------------------------------------------
    def lookup(self, namespace: str, tokens: Sequence[str]) -> dict[str, MappedValue]:
        """Unseal the values of those ``tokens`` that exist in ``namespace``."""
        wanted = list(dict.fromkeys(tokens))
        if not wanted:
            return {}
        out: dict[str, MappedValue] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                query = sa.select(pii_tokens.c.token, pii_tokens.c.kind, pii_tokens.c.sealed_value).where(
                    pii_tokens.c.namespace == namespace, pii_tokens.c.token.in_(wanted[i : i + _CHUNK])
                )
                for token, kind, sealed in conn.execute(query):
                    if not sealed:  # forgotten
                        continue
                    value = self._open(namespace, str(token), bytes(sealed))
                    out[str(token)] = MappedValue(namespace, str(kind), str(token), value)
        return out

    def forget(self, namespaces: Sequence[str], items: Sequence[tuple[str, str]]) -> int:
        """Erase the mappings of ``(kind, value)`` pairs; returns how many existed.

        The sealed value is deleted and the lookup key replaced by a random one; the row
        itself stays as a tombstone, so its number is never handed to another value (an
        old file's ``<PERSON_7>`` must not unmask to someone else). Its token then never
        unmasks again, and a later run gives the value a new token.
        """
        if not items:
            return 0
        return self.forget_macs(self._macs(namespaces, items))

    def _macs(self, namespaces: Sequence[str], items: Sequence[tuple[str, str]]) -> list[str]:
        return list({self.value_mac(ns, kind, value) for ns in namespaces for kind, value in items})

    def existing_macs(self, namespaces: Sequence[str], items: Sequence[tuple[str, str]]) -> list[str]:
        """The lookup keys of the ``(kind, value)`` pairs that have a token now (for erasure,
        which records them while it can still read the values, and forgets them later)."""
        if not items:
            return []
        macs = self._macs(namespaces, items)
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(macs), _CHUNK):
                found.update(
                    str(r[0])
                    for r in conn.execute(
                        sa.select(pii_tokens.c.value_mac).where(
                            pii_tokens.c.value_mac.in_(macs[i : i + _CHUNK])
                        )
                    )
                )
        return sorted(found)

    def forget_macs(self, macs: Sequence[str], conn: Connection | None = None) -> int:
        """:meth:`forget` by lookup keys; in ``conn``'s transaction if given. Idempotent."""
        if not macs:
            return 0
        if conn is None:
            with self._writer.begin() as own:
                return self._forget_macs(own, list(macs))
        return self._forget_macs(conn, list(macs))

    def _forget_macs(self, conn: Connection, macs: list[str]) -> int:
        gone = 0
        for i in range(0, len(macs), _CHUNK):
            rows = conn.execute(
                sa.select(pii_tokens.c.namespace, pii_tokens.c.value_mac).where(
                    pii_tokens.c.value_mac.in_(macs[i : i + _CHUNK])
                )
            ).all()
            for namespace, mac in rows:
                conn.execute(
                    pii_tokens.update()
                    .where(pii_tokens.c.namespace == namespace, pii_tokens.c.value_mac == mac)
                    .values(value_mac=_FORGOTTEN + os.urandom(16).hex(), sealed_value=b"")
                )
            gone += len(rows)
        return gone

    def count(self, namespace: str) -> int:
        with self.engine.connect() as conn:
            n = conn.execute(
                sa.select(sa.func.count()).select_from(pii_tokens).where(pii_tokens.c.namespace == namespace)
            ).scalar_one()
        return int(n)


def _aad(namespace: str, token: str) -> bytes:
    return f"veil:pii.token:v1|{namespace}|{token}".encode()


def normalise_identity(value: str) -> str:
    """How identity values are compared for erasure: NFKC, case folded, white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


class ErasedValues:
    """Keyed hashes of erased subjects' identity values, which unmasking refuses to restore.

    See the module docstring. :meth:`macs` runs while the subject's key still exists (it
    needs the values); :meth:`record` stores only the hashes, idempotently.
    """

    def __init__(self, engine: Engine, secret: bytes) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self._key = derive_key(secret, "veil:pii.erased:v1")

    def __repr__(self) -> str:
        return f"ErasedValues(backend={self.engine.dialect.name!r})"

    def mac(self, value: str) -> str:
        return hmac.new(self._key, normalise_identity(value).encode(), hashlib.sha256).hexdigest()

    def macs(self, values: Iterable[str]) -> list[str]:
        return sorted({self.mac(v) for v in values if normalise_identity(v)})

    def record(self, macs: Sequence[str], conn: Connection | None = None) -> int:
        """Add these hashes (those already there are kept); returns how many were new."""
        if not macs:
            return 0
        if conn is None:
            with self._writer.begin() as own:
                return self._record(own, list(macs))
        return self._record(conn, list(macs))

    def _record(self, conn: Connection, macs: list[str]) -> int:
        wanted = sorted(set(macs))
        have: set[str] = set()
        for i in range(0, len(wanted), _CHUNK):
            query = sa.select(pii_erased.c.value_mac).where(
                pii_erased.c.value_mac.in_(wanted[i : i + _CHUNK])
            )
            have.update(str(m) for (m,) in conn.execute(query))
        now = clock.now_iso()
        rows = [{"value_mac": m, "created_at": now} for m in wanted if m not in have]
        for i in range(0, len(rows), _CHUNK):
            conn.execute(pii_erased.insert(), rows[i : i + _CHUNK])
        return len(rows)

    def erased(self, values: Iterable[str], pending: Collection[str] = ()) -> set[str]:
        """Those of ``values`` that belong to an erased subject (by normalised keyed hash).

        ``pending``: hashes prepared by erasures whose PII step has not run yet (they count too).
        """
        by_mac: dict[str, list[str]] = {}
        for v in set(values):
            by_mac.setdefault(self.mac(v), []).append(v)
        found = {v for m in set(pending) & by_mac.keys() for v in by_mac[m]}
        if not by_mac:
            return found
        macs = sorted(by_mac)
        with self.engine.connect() as conn:
            for i in range(0, len(macs), _CHUNK):
                query = sa.select(pii_erased.c.value_mac).where(
                    pii_erased.c.value_mac.in_(macs[i : i + _CHUNK])
                )
                for (m,) in conn.execute(query):
                    found.update(by_mac[str(m)])
        return found

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(pii_erased)).scalar_one())
