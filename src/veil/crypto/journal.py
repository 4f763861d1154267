"""The key store's journal: work a killed process can leave half done, kept beside the keys.

Two records live here, in the key store's own database, so that each one commits in the
same transaction as the keys it is about:

* **pending erasures** — an erasure destroys its subjects' data keys, writes their
  tombstones and records which erasure participants (data store, PII tokens, DP mirror,
  models, ...) still have to forget them, all in one key-store transaction
  (:meth:`Journal.record_erasure`, called inside :meth:`veil.crypto.keystore.KeyStore.shred`).
  A step is marked done after its participant finished; the record goes when the last
  step does. A process killed anywhere after the keys went leaves a record that the next
  ``Workspace.open`` (or ``veil subject erase`` again) finishes: see ``veil.rights.erasure``.
* **ingest runs** — an ingest registers itself (origin tag, host, pid and the process's
  start time) before it makes any data key, and removes itself after its data committed.
  The keys of a run that died with its transaction open are orphans; the next open finds
  the run by its dead process and takes its keys back (``veil.vault.subject``).

The key store's one constraint goes with the journal, that **a tombstoned pseudonym never
gets a data key again**: a trigger on ``deks`` (SQLite and PostgreSQL) skips the insert of a
key whose pseudonym has a tombstone. ``KeyStore.get_or_create`` reads back what was stored
and treats a skipped key as erased. The journal's tables and that trigger are made by the key
store's schema revisions (``veil.migrations.keystore``), never by this module.

Nothing here holds personal data in the clear: pseudonyms (as the tombstones do) and,
for the PII-token step, the keyed MACs under which the token store already files values.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil import clock
from veil.database import select_in, writer

__all__ = ["ErasureRecord", "IngestRun", "Journal"]

_meta = sa.MetaData()
_erasures = sa.Table(
    "erasures",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("details", sa.Text, nullable=False),  # canonical JSON object
    sa.Column("keys_destroyed", sa.Integer, nullable=False),
)
_erasure_subjects = sa.Table(
    "erasure_subjects",
    _meta,
    sa.Column("erasure_id", sa.String(32), primary_key=True),
    sa.Column("pseudonym", sa.String(32), primary_key=True),
    sa.Index("ix_erasure_subjects_pseudonym", "pseudonym"),
)
_erasure_steps = sa.Table(
    "erasure_steps",
    _meta,
    sa.Column("erasure_id", sa.String(32), primary_key=True),
    sa.Column("participant", sa.String(64), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),  # JSON, what the participant prepared
    sa.Column("result", sa.Text, nullable=True),  # JSON, once done
    sa.Column("done_at", sa.String(32), nullable=True),
)
_ingest_runs = sa.Table(
    "ingest_runs",
    _meta,
    sa.Column("origin", sa.String(16), primary_key=True),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("proc_start", sa.String(64), nullable=True),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # running | ended
)


@dataclass(frozen=True, slots=True)
class ErasureRecord:
    """A pending erasure: its subjects and the participants still to forget them."""

    id: str
    created_at: str
    reason: str
    action: str
    details: dict[str, Any]
    keys_destroyed: int
    pseudonyms: list[str]
    #: participant -> prepared payload, for the steps not yet done
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: participant -> result, for the steps done
    done: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IngestRun:
    origin: str
    host: str
    pid: int
    proc_start: str | None
    started_at: str
    state: str

    def alive(self) -> bool | None:
        """Whether the run's process still runs: True/False on this host, None elsewhere."""
        if self.state != "running":
            return False
        if self.host != _HOST:
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # someone else's process with that pid: compare start times below
        return self.proc_start is None or _proc_start(self.pid) in (None, self.proc_start)


def _proc_start(pid: int) -> str | None:
    """Boot id and start time of process ``pid`` (Linux /proc), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return None
    # Field 22 (starttime); the command name (field 2) may hold spaces, so count from its ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None


_HOST = socket.gethostname()[:255]


def _loads(text: str | None) -> dict[str, Any]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class Journal:
    """Pending erasures and ingest runs of one key store (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writer = writer(engine)

    # -- erasures --------------------------------------------------------------------------
    @staticmethod
    def insert_erasure(
        conn: Connection,
        pseudonyms: Sequence[str],
        reason: str,
        action: str,
        details: Mapping[str, Any],
        keys_destroyed: int,
        steps: Mapping[str, Mapping[str, Any]],
        now: str,
    ) -> str:
        """Record a pending erasure inside the caller's key-store transaction; returns its id."""
        erasure_id = secrets.token_hex(8)
        conn.execute(
            _erasures.insert().values(
                id=erasure_id,
                created_at=now,
                reason=reason,
                action=action,
                details=_dumps(details),
                keys_destroyed=keys_destroyed,
            )
        )
        conn.execute(
            _erasure_subjects.insert(),
            [{"erasure_id": erasure_id, "pseudonym": p} for p in dict.fromkeys(pseudonyms)],
        )
        if steps:
            conn.execute(
                _erasure_steps.insert(),
                [
                    {"erasure_id": erasure_id, "participant": name, "payload": _dumps(payload)}
                    for name, payload in steps.items()
                ],
            )
        return erasure_id

    def has_pending(self) -> bool:
        """Whether any erasure is unfinished (one indexed lookup)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(_erasures.c.id).limit(1)).first() is not None

    def pending(self, pseudonym: str | None = None) -> list[ErasureRecord]:
        """Unfinished erasures, oldest first (only those of ``pseudonym`` if given)."""
        query = sa.select(_erasures).order_by(_erasures.c.created_at, _erasures.c.id)
        if pseudonym is not None:
            query = query.where(
                _erasures.c.id.in_(
                    sa.select(_erasure_subjects.c.erasure_id).where(
                        _erasure_subjects.c.pseudonym == pseudonym
                    )
                )
            )
        out: list[ErasureRecord] = []
        with self.engine.connect() as conn:
            for row in conn.execute(query).all():
                subjects = [
                    str(r[0])
                    for r in conn.execute(
                        sa.select(_erasure_subjects.c.pseudonym)
                        .where(_erasure_subjects.c.erasure_id == row.id)
                        .order_by(_erasure_subjects.c.pseudonym)
                    )
                ]
                pending: dict[str, dict[str, Any]] = {}
                done: dict[str, dict[str, Any]] = {}
                for name, payload, result, done_at in conn.execute(
                    sa.select(
                        _erasure_steps.c.participant,
                        _erasure_steps.c.payload,
                        _erasure_steps.c.result,
                        _erasure_steps.c.done_at,
                    ).where(_erasure_steps.c.erasure_id == row.id)
                ):
                    if done_at is None:
                        pending[str(name)] = _loads(payload)
                    else:
                        done[str(name)] = _loads(result)
                out.append(
                    ErasureRecord(
                        id=str(row.id),
                        created_at=str(row.created_at),
                        reason=str(row.reason),
                        action=str(row.action),
                        details=_loads(row.details),
                        keys_destroyed=int(row.keys_destroyed),
                        pseudonyms=subjects,
                        pending=pending,
                        done=done,
                    )
                )
        return out

    def erasing(self, limit: int | None = None) -> list[str]:
        """Pseudonyms of unfinished erasures (at most ``limit`` + 1 when a limit is given)."""
        query = sa.select(_erasure_subjects.c.pseudonym).distinct()
        if limit is not None:
            query = query.limit(limit + 1)
        with self.engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(query)]

    def add_steps(self, erasure_id: str, steps: Mapping[str, Mapping[str, Any]]) -> None:
        """Give a record without steps (found by an upgrade) the participants it must run."""
        with self.writer.begin() as conn:
            have = {
                str(r[0])
                for r in conn.execute(
                    sa.select(_erasure_steps.c.participant).where(_erasure_steps.c.erasure_id == erasure_id)
                )
            }
            rows = [
                {"erasure_id": erasure_id, "participant": name, "payload": _dumps(payload)}
                for name, payload in steps.items()
                if name not in have
            ]
            if rows:
                conn.execute(_erasure_steps.insert(), rows)

    def finish_steps(
        self, erasure_id: str, results: Mapping[str, Mapping[str, Any]], *, last: bool = False
    ) -> bool:
        """Mark these steps done; delete the record if none is left. Returns whether it was.

        ``last``: the caller knows these are all the steps still pending (the common case:
        an erasure that finished in one go), so the record is simply deleted.
        """
        now = clock.now_iso()
        with self.writer.begin() as conn:
            if last:
                self._delete(conn, erasure_id)
                return True
            for name, result in results.items():
                conn.execute(
                    _erasure_steps.update()
                    .where(
                        _erasure_steps.c.erasure_id == erasure_id,
                        _erasure_steps.c.participant == name,
                        _erasure_steps.c.done_at.is_(None),
                    )
                    .values(result=_dumps(result), done_at=now)
                )
            left = conn.execute(
                sa.select(_erasure_steps.c.participant)
                .where(_erasure_steps.c.erasure_id == erasure_id, _erasure_steps.c.done_at.is_(None))
                .limit(1)
            ).first()
            has_steps = conn.execute(
                sa.select(_erasure_steps.c.participant)
                .where(_erasure_steps.c.erasure_id == erasure_id)
                .limit(1)
            ).first()
            if left is not None or has_steps is None:
                return False
            self._delete(conn, erasure_id)
        return True

    @staticmethod
    def _delete(conn: Connection, erasure_id: str) -> None:
        for table in (_erasure_steps, _erasure_subjects):
            conn.execute(table.delete().where(table.c.erasure_id == erasure_id))
        conn.execute(_erasures.delete().where(_erasures.c.id == erasure_id))

    # -- ingest runs -----------------------------------------------------------------------
    def start_run(self, origin: str) -> None:
        """Register a run that will make keys tagged ``origin`` (before it makes any)."""
        with self.writer.begin() as conn:
            conn.execute(
                _ingest_runs.insert().values(
                    origin=origin,
                    host=_HOST,
                    pid=os.getpid(),
                    proc_start=_proc_start(os.getpid()),
                    started_at=clock.now_iso(),
                    state="running",
                )
            )

    def end_run(self, origin: str, *, committed: bool) -> None:
        """A committed run is forgotten (its keys are in use); a failed one is marked ended."""
        with self.writer.begin() as conn:
            if committed:
                conn.execute(_ingest_runs.delete().where(_ingest_runs.c.origin == origin))
            else:
                conn.execute(
                    _ingest_runs.update().where(_ingest_runs.c.origin == origin).values(state="ended")
                )

    def forget_run(self, origin: str) -> None:
        with self.writer.begin() as conn:
            conn.execute(_ingest_runs.delete().where(_ingest_runs.c.origin == origin))

    def runs(self) -> list[IngestRun]:
        """Registered runs (one indexed read; empty unless an ingest runs or died)."""
        with self.engine.connect() as conn:
            return [
                IngestRun(
                    str(r.origin), str(r.host), int(r.pid), r.proc_start, str(r.started_at), str(r.state)
                )
                for r in conn.execute(sa.select(_ingest_runs))
            ]

    def run_keys(self, origin: str) -> list[str]:
        """Pseudonyms of the keys tagged ``origin``."""
        with self.engine.connect() as conn:
            return [
                str(r[0])
                for r in select_in(conn, "SELECT pseudonym FROM deks WHERE origin IN ({marks})", [origin])
            ]
