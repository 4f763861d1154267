"""The key store: wrapped per-subject data keys, erasure tombstones, audit anchor.

It is a database of its own (``keys/keystore.db``, mode 0600 by default),
deliberately apart from the data store, so that:

* a backup of the data store holds no key that could decrypt it;
* erasing a subject deletes its wrapped DEK here (with ``secure_delete``), after
  which every sealed field of that subject, in the live store or in any backup,
  is noise (crypto-shredding);
* tombstones of erased subjects survive a data restore and are replayed by it;
* the audit log's latest head is anchored outside the log, so deleting the
  newest audit entries is detected too. The anchor carries an HMAC-SHA256 under the
  workspace's audit key (a named secret wrapped by the KEK, made with the store), and a
  genesis anchor is written when the store is created: an anchor can be neither forged,
  moved, copied from another workspace nor legitimately absent.

The tables are in :mod:`veil.crypto.keystore_tables` and made by the key store's schema
revisions (``veil.migrations.keystore``); KEK rotation is :mod:`veil.crypto.rotation`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil import clock
from veil.crypto.envelope import DEK_BYTES, DataKey, dek_aad
from veil.crypto.journal import Journal
from veil.crypto.keystore_tables import anchor as _anchor
from veil.crypto.keystore_tables import deks as _deks
from veil.crypto.keystore_tables import keystore_meta as _ks_meta
from veil.crypto.keystore_tables import secret_aad as _secret_aad
from veil.crypto.keystore_tables import secrets as _secrets
from veil.crypto.keystore_tables import tombstones as _tombstones
from veil.crypto.provider import KeyProvider
from veil.crypto.rotation import ROTATE_BATCH, RotationResult, rotate
from veil.database import blob_params, checkpoint, is_sqlite, make_engine, marks, select_in, writer
from veil.errors import AuditError, ConfigError
from veil.migrations import KEYSTORE_CHAIN

__all__ = ["AUDIT_KEY", "BACKUP_KEY", "AuditAnchor", "KeyStore", "RotationResult", "audit_mac"]

PSEUDONYM_KEY = "pseudonym_key"
#: Authenticates the audit log's head and its anchor (HMAC-SHA256); made with the store.
AUDIT_KEY = "audit_key"
#: Encrypts data backups (a per-backup key is derived from it); made by the first backup.
BACKUP_KEY = "backup_key"
GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditAnchor:
    seq: int
    hash: str


class KeyStore:
    """Wrapped keys and tombstones; every method is one transaction."""

    def __init__(self, engine: Engine, provider: KeyProvider) -> None:
        self.engine = engine
        self.writer = writer(engine)
        self.provider = provider
        #: pending erasures and ingest runs, kept beside the keys (see veil.crypto.journal)
        self.journal = Journal(engine)
        self._audit_key: bytes | None = None
        self._workspace_id: str | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def sqlite_path(cls, key_dir: Path) -> Path:
        return key_dir / "keystore.db"

    @classmethod
    def create(cls, url: str, provider: KeyProvider, workspace_id: str) -> KeyStore:
        """Make the store's tables (its schema revisions, see veil.migrations) and first secrets."""
        engine = make_engine(url)
        store = cls(engine, provider)
        with store.writer.begin() as conn:
            KEYSTORE_CHAIN.upgrade_in(conn)
            if conn.execute(sa.select(_ks_meta.c.value).where(_ks_meta.c.key == "workspace_id")).first():
                raise ConfigError("the key store already belongs to a workspace")
            conn.execute(_ks_meta.insert().values(key="workspace_id", value=workspace_id))
            for name in (PSEUDONYM_KEY, AUDIT_KEY):
                version, wrapped = provider.wrap(secrets.token_bytes(32), _secret_aad(name))
                conn.execute(_secrets.insert().values(name=name, kek_version=version, wrapped=wrapped))
            # The genesis anchor: from now on an anchor always exists, so a missing one is tampering.
            audit_key = provider.unwrap(*_secret_row(conn, AUDIT_KEY), _secret_aad(AUDIT_KEY))
            mac = audit_mac(audit_key, "anchor", workspace_id, 0, GENESIS_HASH)
            conn.execute(_anchor.insert().values(id=1, seq=0, hash=GENESIS_HASH, mac=mac))
        _restrict(url)
        return store

    @classmethod
    def open(cls, url: str, provider: KeyProvider) -> KeyStore:
        """Open an existing store; no DDL (``Workspace.open`` upgrades its schema first)."""
        return cls(make_engine(url), provider)

    def workspace_id(self) -> str:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(_ks_meta.c.value).where(_ks_meta.c.key == "workspace_id")).first()
        if row is None:
            raise ConfigError("the key store is empty or damaged (no workspace id)")
        return str(row[0])

    def pseudonym_key(self) -> bytes:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(_secrets.c.kek_version, _secrets.c.wrapped).where(_secrets.c.name == PSEUDONYM_KEY)
            ).one()
        return self.provider.unwrap(row.kek_version, row.wrapped, _secret_aad(PSEUDONYM_KEY))

    def secret(self, name: str, *, create: bool = True) -> bytes:
        """A named 256-bit workspace secret (e.g. a masking key), made on first use.

        Stored wrapped by the KEK like every other key, and re-wrapped by rotation. With
        ``create=False`` a missing secret raises :class:`KeyError` instead (for secrets whose
        absence means something: the key of an existing backup, the audit key).
        """
        aad = _secret_aad(name)
        query = sa.select(_secrets.c.kek_version, _secrets.c.wrapped).where(_secrets.c.name == name)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            if not create:
                raise KeyError(name)
            with self.writer.begin() as conn:
                row = conn.execute(query).first()  # another process may have made it meanwhile
                if row is None:
                    version, wrapped = self.provider.wrap(secrets.token_bytes(32), aad)
                    conn.execute(_secrets.insert().values(name=name, kek_version=version, wrapped=wrapped))
                    row = conn.execute(query).one()
        return self.provider.unwrap(row.kek_version, bytes(row.wrapped), aad)

    def audit_key(self) -> bytes:
        """The audit log's MAC key (made with the store, never re-made: its loss is tampering)."""
        if self._audit_key is None:
            try:
                self._audit_key = self.secret(AUDIT_KEY, create=False)
            except KeyError:
                raise AuditError(
                    "the key store has no audit key: it was deleted (tampering), or the workspace "
                    "was made by a Veil without authenticated audit anchors"
                ) from None
            except sa.exc.DBAPIError as exc:
                raise AuditError("the key store's secrets table is missing or damaged") from exc
        return self._audit_key

    def cached_workspace_id(self) -> str:
        if self._workspace_id is None:
            self._workspace_id = self.workspace_id()
        return self._workspace_id

    # -- data keys -------------------------------------------------------------------------
    def load(self, pseudonyms: Iterable[str]) -> dict[str, DataKey]:
        """Unwrap the DEKs of ``pseudonyms`` that exist (erased ones are absent)."""
        found: dict[str, DataKey] = {}
        unwrappers: dict[str, Callable[[bytes, bytes], bytes]] = {}
        with self.engine.connect() as conn:
            rows = select_in(
                conn,
                "SELECT pseudonym, dek_version, kek_version, wrapped FROM deks WHERE pseudonym IN ({marks})",
                list(pseudonyms),
            )
        for p, dek_version, kek_version, wrapped in rows:
            unwrap = unwrappers.get(kek_version)
            if unwrap is None:
                unwrap = unwrappers[kek_version] = self.provider.unwrapper(kek_version)
            found[p] = DataKey(p, dek_version, unwrap(bytes(wrapped), dek_aad(p, dek_version)))
        return found

    def get(self, pseudonym: str) -> DataKey | None:
        return self.load([pseudonym]).get(pseudonym)

    def get_or_create(
        self, pseudonyms: Iterable[str], *, origin: str | None = None
    ) -> tuple[dict[str, DataKey], int]:
        """DEKs for ``pseudonyms``, creating the missing ones; returns (keys, created).

        ``origin`` tags the keys made here (see :meth:`discard`). New keys are drawn from one
        ``os.urandom`` call (32 random bytes each), wrapped in bulk and inserted in key order.
        A pseudonym with a tombstone gets no key, even one tombstoned a moment ago by another
        process: the key store's trigger skips its insert (see :mod:`veil.crypto.journal`), and
        it is absent from the result; callers treat an absent key as an erased subject.
        """
        wanted = list(dict.fromkeys(pseudonyms))
        keys = self.load(wanted)
        missing = sorted(p for p in wanted if p not in keys)  # key order: the index fills in order
        if not missing:
            return keys, 0
        material = os.urandom(DEK_BYTES * len(missing))
        fresh = [material[i : i + DEK_BYTES] for i in range(0, len(material), DEK_BYTES)]
        version, wrapped = self.provider.wrap_many(fresh, [dek_aad(p, 1) for p in missing])
        now = clock.now_iso()
        rows = list(
            zip(
                missing,
                repeat(1),
                repeat(version),
                blob_params(wrapped),
                repeat(now),
                repeat(origin),
                strict=False,
            )
        )
        with self.writer.begin() as conn:
            if self.provider.current_version() != version:
                # A KEK rotation moved on since the wrap above; its last pass and the retirement
                # of the old KEK hold this same lock, so wrapping again now is never too late.
                version, wrapped = self.provider.wrap_many(fresh, [dek_aad(p, 1) for p in missing])
                rows = [
                    (*row[:2], version, blob, *row[4:])
                    for row, blob in zip(rows, blob_params(wrapped), strict=True)
                ]
            # Another process may have created some of these keys since the read above (two CLI
            # calls for one new subject at once). The insert skips those under the write lock
            # (SQLite: BEGIN IMMEDIATE), so the key made first is the one every process uses.
            inserted = conn.exec_driver_sql(
                "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at, origin) "  # noqa: S608
                f"VALUES ({marks(conn, 6)}) ON CONFLICT (pseudonym) DO NOTHING",
                rows,
            ).rowcount
            raced: set[str] = set()
            refused: set[str] = set()
            if inserted != len(rows):  # some were there already, or erased (or the driver cannot tell)
                ours = dict(zip(missing, wrapped, strict=True))
                stored = {
                    str(p): bytes(w)
                    for p, w in select_in(
                        conn, "SELECT pseudonym, wrapped FROM deks WHERE pseudonym IN ({marks})", missing
                    )
                }
                raced = {p for p, w in stored.items() if w != ours[p]}
                refused = set(missing).difference(stored)  # tombstoned: the trigger skipped them
        for p, dek in zip(missing, fresh, strict=True):
            if p not in raced and p not in refused:
                keys[p] = DataKey.make(p, 1, dek)
        if raced:
            keys.update(self.load(raced))
        return keys, len(missing) - len(raced) - len(refused)

    def discard(self, origin: str, *, held: Callable[[Sequence[str]], set[str]] | None = None) -> int:
        """Delete the keys a failed run tagged ``origin`` made; returns how many went.

        With ``held``, the keys of the pseudonyms it names are kept: ``held(pseudonyms)`` says
        which of them a data-store row uses (another run may have committed data under a key
        this run made). Call it under the data store's write lock, so that no writer can start
        using one of these keys meanwhile (see :mod:`veil.vault.subject`).
        """
        if held is None:
            with self.writer.begin() as conn:
                return int(conn.execute(_deks.delete().where(_deks.c.origin == origin)).rowcount or 0)
        candidates = self.journal.run_keys(origin)
        kept = held(candidates) if candidates else set()
        orphans = [p for p in candidates if p not in kept]
        deleted = 0
        with self.writer.begin() as conn:
            for chunk in _chunks(orphans, 500):
                deleted += (
                    conn.execute(
                        _deks.delete().where(_deks.c.origin == origin, _deks.c.pseudonym.in_(chunk))
                    ).rowcount
                    or 0
                )
        return deleted

    def destroy(self, pseudonym: str, reason: str) -> bool:
        """Crypto-shred: delete the wrapped DEK and record a tombstone. Idempotent."""
        return self.destroy_many([pseudonym], reason) == 1

    def destroy_many(self, pseudonyms: Sequence[str], reason: str) -> int:
        """Crypto-shred many subjects in one transaction; returns how many keys existed.

        Records no pending erasure: erasure itself uses :meth:`shred`.
        """
        with self.writer.begin() as conn:
            gone = self._shred(conn, list(dict.fromkeys(pseudonyms)), reason, clock.now_iso())
        checkpoint(self.engine)
        return gone

    def shred(
        self,
        pseudonyms: Sequence[str],
        reason: str,
        *,
        action: str,
        details: Mapping[str, Any] | None = None,
        steps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> tuple[str, int]:
        """Crypto-shred ``pseudonyms`` and record their erasure as pending, in one transaction.

        Deletes their wrapped DEKs, writes their tombstones (an earlier tombstone keeps its
        time and reason) and records a pending erasure whose ``steps`` (participant ->
        prepared payload) are still to do (see :class:`veil.crypto.journal.Journal`).
        Returns (erasure id, keys destroyed).
        """
        wanted = list(dict.fromkeys(pseudonyms))
        now = clock.now_iso()
        with self.writer.begin() as conn:
            gone = self._shred(conn, wanted, reason, now)
            erasure_id = self.journal.insert_erasure(
                conn, wanted, reason, action, details or {}, gone, steps or {}, now
            )
        checkpoint(self.engine)
        return erasure_id, gone

    def _shred(self, conn: Connection, wanted: list[str], reason: str, now: str) -> int:
        if not is_sqlite(conn):
            # Orders this against concurrent key inserts (SQLite's BEGIN IMMEDIATE already does):
            # an insert that began first commits first and its key is deleted below; a later one
            # waits for this commit and then meets the tombstone in the trigger.
            conn.exec_driver_sql("LOCK TABLE deks IN SHARE ROW EXCLUSIVE MODE")
        gone = 0
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            gone += conn.execute(_deks.delete().where(_deks.c.pseudonym.in_(chunk))).rowcount or 0
            known = {
                r[0]
                for r in conn.execute(
                    sa.select(_tombstones.c.pseudonym).where(_tombstones.c.pseudonym.in_(chunk))
                )
            }
            fresh = [{"pseudonym": p, "erased_at": now, "reason": reason} for p in chunk if p not in known]
            if fresh:
                conn.execute(_tombstones.insert(), fresh)
        return gone

    # -- tombstones ------------------------------------------------------------------------
    def tombstone(self, pseudonym: str) -> str | None:
        """When the subject was erased, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(_tombstones.c.erased_at).where(_tombstones.c.pseudonym == pseudonym)
            ).first()
        return None if row is None else str(row[0])

    def tombstones(self) -> list[str]:
        with self.engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(sa.select(_tombstones.c.pseudonym))]

    # -- rotation --------------------------------------------------------------------------
    def rotate(
        self, *, batch_size: int = ROTATE_BATCH, progress: Callable[[int, int], None] | None = None
    ) -> RotationResult:
        """Re-wrap every DEK and secret under a new KEK (streamed, resumable: see veil.crypto.rotation)."""
        return rotate(self.engine, self.provider, batch_size=batch_size, progress=progress)

    def kek_versions_in_use(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(_deks.c.kek_version, sa.func.count()).group_by(_deks.c.kek_version)
            ).all()
        return {str(v): int(n) for v, n in rows}

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(_deks)).scalar_one())

    # -- audit anchor ----------------------------------------------------------------------
    def anchor(self) -> AuditAnchor:
        """The authenticated anchor: the newest audit head known to be genuine.

        Raises :class:`AuditError` when the anchor table or row is gone, or its MAC does not
        match (edited, moved to another entry, or copied from another workspace).
        """
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    sa.select(_anchor.c.seq, _anchor.c.hash, _anchor.c.mac).where(_anchor.c.id == 1)
                ).first()
        except sa.exc.DBAPIError as exc:
            raise AuditError(
                "the key store's audit_anchor table is missing or damaged (dropped or altered): tampering"
            ) from exc
        if row is None:
            raise AuditError(
                "the audit anchor is missing from the key store; it is written when the workspace "
                "is made and never removed, so it was deleted: tampering"
            )
        anchor = AuditAnchor(int(row.seq), str(row.hash))
        if not self._authentic(anchor, row.mac):
            raise AuditError(
                "the audit anchor in the key store failed authentication: it was edited, moved to "
                "another entry, or copied from another workspace"
            )
        return anchor

    def set_anchor(self, anchor: AuditAnchor) -> bool:
        """Move the anchor forward to ``anchor`` with a fresh MAC; return whether it moved.

        It never moves back, and an anchor that fails authentication is never overwritten
        (it stays as evidence for ``veil audit verify``).
        """
        mac = audit_mac(self.audit_key(), "anchor", self.cached_workspace_id(), anchor.seq, anchor.hash)
        with self.writer.begin() as conn:
            row = conn.execute(
                sa.select(_anchor.c.seq, _anchor.c.hash, _anchor.c.mac).where(_anchor.c.id == 1)
            ).first()
            if row is None or int(row.seq) > anchor.seq:
                return False
            if not self._authentic(AuditAnchor(int(row.seq), str(row.hash)), row.mac):
                return False
            conn.execute(
                _anchor.update().where(_anchor.c.id == 1).values(seq=anchor.seq, hash=anchor.hash, mac=mac)
            )
        return True

    def _authentic(self, anchor: AuditAnchor, mac: object) -> bool:
        expected = audit_mac(self.audit_key(), "anchor", self.cached_workspace_id(), anchor.seq, anchor.hash)
        return isinstance(mac, str) and hmac.compare_digest(expected.encode(), mac.encode())

    def dispose(self) -> None:
        self.engine.dispose()


def audit_mac(key: bytes, kind: str, workspace_id: str, seq: int, hash_: str) -> str:
    """HMAC-SHA256 over (workspace, seq, head hash) under the audit key.

    ``kind`` ("head": the checkpoint kept with the log; "anchor": the copy in the key store)
    separates the two, so neither can stand in for the other; the workspace id stops a MAC
    copied from another workspace (even one sharing the KEK). The head hash chains every
    entry before it, so one MAC authenticates the whole log up to ``seq``.
    """
    msg = f"veil:audit-{kind}1|{workspace_id}|{seq}|{hash_}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def _secret_row(conn: Connection, name: str) -> tuple[str, bytes]:
    row = conn.execute(
        sa.select(_secrets.c.kek_version, _secrets.c.wrapped).where(_secrets.c.name == name)
    ).one()
    return str(row.kek_version), bytes(row.wrapped)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _restrict(url: str) -> None:
    """Make a SQLite key store file (and its WAL/SHM companions) owner-only."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if p.exists():
                os.chmod(p, 0o600)
