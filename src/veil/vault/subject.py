"""Subjects in the vault: pseudonym, data key, sealed external id; and their removal.

Writers of subject rows and erasures are ordered so that an erased subject never comes
back (see ``docs/threat-model.md``, "Erasure: races with ingest"):

* a subject with a tombstone gets no data key (the key store's trigger) and so no row
  (:meth:`SubjectVault.ensure`);
* an ingest, at its commit and inside its write transaction, drops every subject whose
  erasure began while it ran (:meth:`SubjectVault.drop_erased`);
* an erasure purges rows in a write transaction that waits for those writers
  (:func:`subject_writer`). On SQLite every write transaction holds the database's one
  write lock; on PostgreSQL writers of subject rows hold an advisory lock shared until they
  commit, and a purge takes it exclusively.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from itertools import repeat
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.crypto.envelope import DataKey, field_aad_prefix, field_aad_suffixes, seal_many
from veil.database import WRITE_OPTION, blob_params, is_sqlite, marks, select_in
from veil.errors import BusyError
from veil.schema import consent_events, datasets, subjects

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "SUBJECT_DATASET",
    "SubjectVault",
    "collect_orphan_keys",
    "is_lock_timeout",
    "lock_subjects",
    "purge_subjects",
    "release_run",
    "subject_writer",
]

#: Dataset name bound into the associated data of a subject's sealed external id.
SUBJECT_DATASET = "_subject"
_ID_COLUMN = "subject_id"
_ID_AAD_PREFIX = field_aad_prefix(SUBJECT_DATASET, _ID_COLUMN)
#: The PostgreSQL advisory lock (a bigint, "veilSUBJ") that orders erasures after writers.
SUBJECT_LOCK = 0x7665696C5355424A
_PSEUDONYM = "_pseudonym"  # veil.vault.dataset.PSEUDONYM (that module imports consent; this one stays low)
_CHUNK = 500
#: A run registered by another host is presumed alive for this long (its pid cannot be checked).
FOREIGN_RUN_TTL = timedelta(hours=24)


def lock_subjects(conn: Connection, *, exclusive: bool) -> None:
    """Order this data-store transaction against erasures (PostgreSQL; held until it ends).

    Writers of subject rows take it shared, an erasure's purge and the orphan-key collector
    exclusively. SQLite needs nothing: its write transactions already exclude each other.
    """
    if not is_sqlite(conn):
        fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.exec_driver_sql(f"SELECT {fn}(%s)", (SUBJECT_LOCK,))


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error means "another transaction holds the lock" (nothing changed)."""
    orig = getattr(exc, "orig", None)
    if orig is None:
        return False
    if getattr(orig, "sqlite_errorcode", None) in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        return True
    if getattr(orig, "sqlstate", None) in ("55P03", "40P01"):  # lock_not_available, deadlock_detected
        return True
    return "database is locked" in str(orig)


@contextlib.contextmanager
def subject_writer(ws: Workspace, *, wait_s: float) -> Iterator[Connection]:
    """A data-store write transaction that excludes every writer of subject rows.

    Waits at most ``wait_s`` seconds for the lock (and for any row lock after it); past that
    it raises :class:`BusyError` with the transaction rolled back, so nothing changed. The
    audit head is anchored after a commit, as :meth:`Workspace.transaction` does.
    """
    ms = max(1, int(wait_s * 1000))
    sqlite = is_sqlite(ws.engine)
    committed = False
    try:
        with ws.engine.connect() as conn:
            previous = _busy_timeout(conn, ms) if sqlite else None
            try:
                with conn.execution_options(**{WRITE_OPTION: True}).begin():
                    if not sqlite:
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{ms}ms'")
                    lock_subjects(conn, exclusive=True)
                    yield conn
                committed = True
            finally:
                if previous is not None:
                    _busy_timeout(conn, previous)
    except sa.exc.OperationalError as exc:
        if is_lock_timeout(exc):
            raise BusyError(
                "another Veil process is writing to the data store (an ingest, a restore); "
                "it was waited for and still holds it"
            ) from None
        raise
    if committed:
        ws.audit.anchor()


def _busy_timeout(conn: Connection, ms: int) -> int:
    """Set SQLite's lock wait on this connection (outside any transaction); returns the old one."""
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        previous = int(cur.execute("PRAGMA busy_timeout").fetchone()[0])
        cur.execute(f"PRAGMA busy_timeout={int(ms)}")
    finally:
        cur.close()
    return previous


def purge_subjects(conn: Connection, pseudonyms: Sequence[str]) -> tuple[dict[str, int], int]:
    """Delete every data-store row of ``pseudonyms``: dataset rows, consent events, vault row.

    Runs in the caller's transaction and sees its uncommitted datasets too. Returns
    (rows deleted per dataset, consent events deleted).
    """
    tables = [
        (str(name), sa.table(str(table), sa.column(_PSEUDONYM)))
        for name, table in conn.execute(sa.select(datasets.c.name, datasets.c.table_name))
    ]
    rows: dict[str, int] = {}
    events = 0
    for i in range(0, len(pseudonyms), _CHUNK):
        chunk = list(pseudonyms[i : i + _CHUNK])
        for name, t in tables:
            n = conn.execute(t.delete().where(t.c[_PSEUDONYM].in_(chunk))).rowcount or 0
            if n:
                rows[name] = rows.get(name, 0) + n
        events += (
            conn.execute(consent_events.delete().where(consent_events.c.pseudonym.in_(chunk))).rowcount or 0
        )
        conn.execute(subjects.delete().where(subjects.c.pseudonym.in_(chunk)))
    return rows, events


def _held(conn: Connection, pseudonyms: Sequence[str]) -> set[str]:
    return {
        str(r[0])
        for r in select_in(conn, "SELECT pseudonym FROM subjects WHERE pseudonym IN ({marks})", pseudonyms)
    }


def release_run(ws: Workspace, origin: str, *, wait_s: float) -> int | None:
    """After a failed ingest: take back the keys it made that no committed row uses.

    The run is marked ended first, so if the data store is busy now (BusyError: None is
    returned) the next ``Workspace.open`` does it (:func:`collect_orphan_keys`).
    """
    ws.keystore.journal.end_run(origin, committed=False)
    try:
        return _collect(ws, origin, wait_s=wait_s)
    except BusyError:
        return None


def _collect(ws: Workspace, origin: str, *, wait_s: float) -> int:
    # Under the exclusive subject lock no writer is between loading a key and committing the
    # rows it sealed with it, so a key that no committed vault row uses is used by nobody.
    with subject_writer(ws, wait_s=wait_s) as conn:
        deleted = ws.keystore.discard(origin, held=lambda ps: _held(conn, ps))
        ws.keystore.journal.forget_run(origin)
    return deleted


def collect_orphan_keys(ws: Workspace, *, wait_s: float) -> dict[str, int]:
    """Delete the data keys of ingest runs that died before their data committed.

    A run counts as dead when it ended (failed), or its process is gone (same host: pid
    and process start time), or, registered by another host, it is older than
    :data:`FOREIGN_RUN_TTL`. A live run is never touched, and keys are deleted only under
    the exclusive subject lock and only where no committed vault row uses them, so a key
    another ingest has loaded (it holds the lock until it commits) is never deleted.
    Returns keys deleted per run; a busy data store leaves the rest for the next open.
    """
    out: dict[str, int] = {}
    now = clock.now()
    for run in ws.keystore.journal.runs():
        alive = run.alive()
        if alive is None:
            alive = now - clock.parse_ts(run.started_at) < FOREIGN_RUN_TTL
        if alive:
            continue
        try:
            out[run.origin] = _collect(ws, run.origin, wait_s=wait_s)
        except BusyError:
            break
    return out


class SubjectVault:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def by_pseudonym(self, subject_ids: Iterable[str]) -> dict[str, str]:
        pseudonymize = self.ws.pseudonymize
        return {pseudonymize(s): s for s in subject_ids}

    def ensure(
        self,
        conn: Connection,
        by_pseudonym: Mapping[str, str],
        *,
        erased: set[str] | None = None,
        origin: str | None = None,
    ) -> tuple[dict[str, DataKey], set[str], int]:
        """Make sure each subject has a DEK and a vault row.

        ``by_pseudonym`` maps pseudonym to external id (see :meth:`by_pseudonym`).
        Returns ``(keys, erased, created)``: the data key of every live subject, the
        pseudonyms that are erased (tombstoned: they get no key and no row, so an
        erased subject is never silently brought back), and how many keys were new.
        ``erased`` is a tombstone set read earlier; a subject tombstoned since is refused
        by the key store all the same.
        """
        lock_subjects(conn, exclusive=False)
        tombstoned = erased if erased is not None else set(self.ws.keystore.tombstones())
        gone = {p for p in by_pseudonym if p in tombstoned}
        live = [p for p in by_pseudonym if p not in gone]
        keys, created = self.ws.keystore.get_or_create(live, origin=origin)
        if len(keys) != len(live):  # erased since `erased` was read: the key store refused them
            gone.update(p for p in live if p not in keys)
            live = [p for p in live if p in keys]
        if live:
            now = clock.now_iso()
            live.sort()  # key order: the primary-key index fills in order
            live_keys = [keys[p] for p in live]
            versions = [k.version for k in live_keys]
            # Each external id is sealed like DataKey.seal_field(id, dataset=_subject,
            # row_id=pseudonym, column=subject_id), column-wise (see veil.crypto.envelope.seal_many).
            sealed = seal_many(
                [k.aead for k in live_keys],
                [by_pseudonym[p].encode() for p in live],
                list(map(_ID_AAD_PREFIX.__add__, field_aad_suffixes(live, live, versions))),
            )
            rows = list(zip(live, versions, blob_params(sealed), repeat(now), repeat(now), strict=False))
            conn.exec_driver_sql(
                "INSERT INTO subjects (pseudonym, dek_version, external_id, created_at, last_seen_at) "  # noqa: S608
                f"VALUES ({marks(conn, 5)}) "
                "ON CONFLICT (pseudonym) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                rows,
            )
        return {p: keys[p] for p in live}, gone, created

    def drop_erased(
        self, conn: Connection, table: sa.Table | None = None, ingest_id: str | None = None
    ) -> dict[str, int]:
        """At a writer's commit, inside its transaction: purge subjects now being erased.

        An erasure that began while the writer ran has its tombstone and a pending record in
        the key store, but cannot purge rows until this transaction ends (it waits for the
        lock this writer holds). Dropping them here means the writer never commits a row of
        a subject whose erasure has begun. Returns what was purged; ``ingest_rows`` counts the
        rows of ``table`` written by ``ingest_id`` among them.
        """
        lock_subjects(conn, exclusive=False)
        erasing = self.ws.keystore.journal.erasing()
        out = {"subjects": len(erasing), "rows": 0, "consent_events": 0, "ingest_rows": 0}
        if not erasing:
            return out
        if table is not None and ingest_id is not None:
            for i in range(0, len(erasing), _CHUNK):
                out["ingest_rows"] += int(
                    conn.execute(
                        sa.select(sa.func.count())
                        .select_from(table)
                        .where(
                            table.c["_ingest"] == ingest_id, table.c[_PSEUDONYM].in_(erasing[i : i + _CHUNK])
                        )
                    ).scalar_one()
                )
        rows, events = purge_subjects(conn, erasing)
        out["rows"], out["consent_events"] = sum(rows.values()), events
        return out

    @staticmethod
    def external_id(key: DataKey, sealed: bytes) -> str:
        return key.open_field(sealed, dataset=SUBJECT_DATASET, row_id=key.pseudonym, column=_ID_COLUMN)
