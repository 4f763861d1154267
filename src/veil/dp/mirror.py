"""The analytics mirror: a DuckDB copy of each dataset's queryable columns.

DP queries on the embedded default engine run on this columnar copy, not on
the row store, so a count over ten million rows is a scan of two compressed
columns. The mirror holds only what a DP query may touch: the subject as a
dense integer (``_sid``; the pseudonym stays in a side table), the row id, the
non-sealed columns, and two columns computed once at build time:

* ``_rk`` — the row's place among its subject's rows in a salted random order
  (``md5(salt || row id)``). A query keeps ``_rk <= max_rows_per_subject``: the
  contribution bound, applied by DuckDB inside the scan. PostgreSQL and Spark
  compute the same rank with a window function, so all engines agree.
* ``_lawful`` — a bitmask, one bit per consent-based purpose: whether the
  subject's latest consent event for that purpose is a grant.

It is kept in step with the vault before every query (:meth:`Mirror.sync`):
a dataset whose ``updated_at`` changed (ingest, restore) is rebuilt; subjects
erased since the last sync (key-store tombstones) are deleted; consent events
recorded since the last sync update the purpose bits of their subjects only.
Sealed columns (direct identifiers, free text) are never copied.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from veil.consent.ledger import ConsentAction, ConsentEvent, derive_state
from veil.dp.plan import ColumnStats, clamp_sql
from veil.schema import consent_events
from veil.vault.dataset import PSEUDONYM, ROW, Column, Dataset, DatasetCatalog, DType

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["Mirror", "MirrorTable"]

_DUCK_TYPES = {
    DType.INT: "BIGINT",
    DType.FLOAT: "DOUBLE",
    DType.BOOL: "BOOLEAN",
    DType.DATE: "VARCHAR",
    DType.TIMESTAMP: "VARCHAR",
    DType.TEXT: "VARCHAR",
}
_ARROW_TYPES = {
    DType.INT: pa.int64(),
    DType.FLOAT: pa.float64(),
    DType.BOOL: pa.bool_(),
    DType.DATE: pa.string(),
    DType.TIMESTAMP: pa.string(),
    DType.TEXT: pa.string(),
}
FETCH_ROWS = 200_000
MAX_PURPOSE_BITS = 62

_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_locks: dict[Path, threading.RLock] = {}
_global = threading.Lock()


@dataclass(frozen=True, slots=True)
class MirrorTable:
    """Where a dataset's rows are in the mirror, and the purpose bit to filter on (None: all)."""

    table: str
    lawful_bit: int | None
    version: int
    #: The largest ``_rk`` (rows of the busiest subject): a bound at or above it filters nothing.
    max_rank: int = 0
    #: min / max / nulls of the numeric columns over all mirrored rows (lets the plan skip no-op clamps).
    stats: dict[str, ColumnStats] = field(default_factory=dict)
    #: column name -> mirror column holding it clamped to the policy's current bounds
    clamped: dict[str, str] = field(default_factory=dict)


def _run(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> None:
    """Execute a statement and drain its result (DuckDB wants that before the next one)."""
    cur.execute(sql, params).fetchall()


def rows_table(ds: Dataset) -> str:
    return f"rows_{ds.table_name}"


def subjects_table(ds: Dataset) -> str:
    return f"subjects_{ds.table_name}"


class Mirror:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.path = ws.root / "analytics" / "mirror.duckdb"

    # -- connection ------------------------------------------------------------------------
    def connection(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the process-wide connection to this workspace's mirror."""
        with _global:
            conn = _connections.get(self.path)
            if conn is None:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                conn = duckdb.connect(str(self.path))
                os.chmod(self.path, 0o600)
                _run(
                    conn,
                    "CREATE TABLE IF NOT EXISTS veil_mirror_state ("
                    " dataset VARCHAR PRIMARY KEY, updated_at VARCHAR, salt VARCHAR,"
                    " tombstones BIGINT, consent_seq BIGINT, purposes VARCHAR, version BIGINT,"
                    " stats VARCHAR)",
                )
                _connections[self.path] = conn
                _locks[self.path] = threading.RLock()
            return conn.cursor()

    def lock(self) -> threading.RLock:
        lock = _locks.get(self.path)
        if lock is None:
            self.connection().close()
            lock = _locks[self.path]
        return lock

    @classmethod
    def close_all(cls) -> None:
        with _global:
            for conn in _connections.values():
                conn.close()
            _connections.clear()

    # -- sync ------------------------------------------------------------------------------
    def sync(
        self,
        ds: Dataset,
        salt: str,
        purpose: str | None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
    ) -> MirrorTable:
        """Bring the dataset's mirror up to date; return its table and the purpose's bit.

        ``bounds`` (the policy's clamp bounds) are materialised as clamped columns
        ``k_<column>``, recomputed only when the bounds change.
        """
        with self.lock():
            cur = self.connection()
            try:
                found = cur.execute(
                    "SELECT updated_at, salt, tombstones, consent_seq, purposes, version, stats "
                    "FROM veil_mirror_state WHERE dataset = ?",
                    [ds.name],
                ).fetchall()
                state = found[0] if found else None
                tombstones = self.ws.keystore.tombstones()
                with self.ws.engine.connect() as conn:
                    consent_seq = int(
                        conn.execute(
                            sa.select(sa.func.coalesce(sa.func.max(consent_events.c.seq), 0))
                        ).scalar_one()
                    )
                if state is None or state[0] != ds.updated_at or state[1] != salt:
                    version = (int(state[5]) if state else 0) + 1
                    stats = self._build(cur, ds, salt)
                    purposes: dict[str, int] = {}
                    _run(
                        cur,
                        "INSERT OR REPLACE INTO veil_mirror_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [ds.name, ds.updated_at, salt, len(tombstones), consent_seq, "{}", version, stats],
                    )
                    applied_tombstones, seen_seq = len(tombstones), consent_seq
                else:
                    purposes = json.loads(state[4])
                    version = int(state[5])
                    stats = str(state[6] or "{}")
                    applied_tombstones, seen_seq = int(state[2]), int(state[3])
                changed = False
                if len(tombstones) != applied_tombstones:
                    self._purge(cur, ds, tombstones)
                    changed = True
                if purposes and consent_seq != seen_seq:
                    self._consent_delta(cur, ds, purposes, seen_seq)
                    changed = True
                bit: int | None = None
                if purpose is not None:
                    if purpose not in purposes:
                        if len(purposes) >= MAX_PURPOSE_BITS:
                            purposes = {}
                            _run(cur, f'UPDATE "{rows_table(ds)}" SET _lawful = 0')  # noqa: S608
                        purposes[purpose] = 1 << len(purposes)
                        self._consent_full(cur, ds, purpose, purposes[purpose])
                        changed = True
                    bit = purposes[purpose]
                if changed or consent_seq != seen_seq:
                    version += int(changed)
                    _run(
                        cur,
                        "UPDATE veil_mirror_state SET tombstones = ?, consent_seq = ?, purposes = ?, "
                        "version = ? WHERE dataset = ?",
                        [len(tombstones), consent_seq, json.dumps(purposes), version, ds.name],
                    )
                known = json.loads(stats)
                have: dict[str, list[float]] = known.setdefault("clamps", {})
                numeric = {
                    c.name: c for c in ds.columns if not c.sealed and c.dtype in (DType.INT, DType.FLOAT)
                }
                wanted = {n: [float(lo), float(hi)] for n, (lo, hi) in (bounds or {}).items() if n in numeric}
                stale = [n for n, b in wanted.items() if have.get(n) != b]
                if stale:
                    self._materialise(cur, ds, {n: wanted[n] for n in stale}, numeric)
                    have.update({n: wanted[n] for n in stale})
                    _run(
                        cur,
                        "UPDATE veil_mirror_state SET stats = ? WHERE dataset = ?",
                        [json.dumps(known), ds.name],
                    )
                return MirrorTable(
                    rows_table(ds),
                    bit,
                    version,
                    int(known.get("_max_rank", 1 << 62)),
                    {k: ColumnStats(*v) for k, v in known.get("columns", {}).items()},
                    {n: f"k_{numeric[n].sql_name}" for n in wanted if have.get(n) == wanted[n]},
                )
            finally:
                cur.close()

    def forget(self, pseudonyms: Sequence[str]) -> int:
        """Delete these subjects' rows from every mirrored dataset; returns the rows deleted.

        Called by erasure. A workspace that never ran a DP query has no mirror: nothing to do.
        """
        if not self.path.exists() or not pseudonyms:
            return 0
        deleted = 0
        with self.lock():
            cur = self.connection()
            try:
                names = [r[0] for r in cur.execute("SELECT dataset FROM veil_mirror_state").fetchall()]
                catalog = {d.name: d for d in DatasetCatalog(self.ws).list()}
                gone = pa.table({"pseudonym": pa.array(list(pseudonyms), type=pa.string())})
                cur.register("veil_forget", gone)
                _run(cur, "BEGIN")
                for name in names:
                    ds = catalog.get(name)
                    if ds is None:
                        continue
                    found = cur.execute(
                        f'DELETE FROM "{rows_table(ds)}" WHERE _sid IN (SELECT sid FROM '  # noqa: S608
                        f'"{subjects_table(ds)}" WHERE pseudonym IN (SELECT pseudonym FROM veil_forget))'
                    ).fetchall()
                    deleted += int(found[0][0]) if found else 0
                    _run(
                        cur,
                        f'DELETE FROM "{subjects_table(ds)}" '  # noqa: S608
                        "WHERE pseudonym IN (SELECT pseudonym FROM veil_forget)",
                    )
                _run(cur, "COMMIT")
                cur.unregister("veil_forget")
                _run(cur, "CHECKPOINT")
            finally:
                cur.close()
        return deleted

    def drop(self, ds: Dataset) -> None:
        with self.lock():
            cur = self.connection()
            try:
                _run(cur, f'DROP TABLE IF EXISTS "{rows_table(ds)}"')
                _run(cur, f'DROP TABLE IF EXISTS "{subjects_table(ds)}"')
                _run(cur, "DELETE FROM veil_mirror_state WHERE dataset = ?", [ds.name])
                _run(cur, "CHECKPOINT")
            finally:
                cur.close()

    def _build(self, cur: duckdb.DuckDBPyConnection, ds: Dataset, salt: str) -> str:
        """(Re)build the dataset's mirror tables; returns their stats as JSON."""
        cols = [c for c in ds.columns if not c.sealed and c.dtype in _DUCK_TYPES]
        t = ds.table
        schema = pa.schema(
            [pa.field(ROW, pa.string()), pa.field(PSEUDONYM, pa.string())]
            + [pa.field(c.sql_name, _ARROW_TYPES[c.dtype]) for c in cols]
        )
        staging = f"staging_{ds.table_name}"
        decl = ", ".join(
            [f"{ROW} VARCHAR", f"{PSEUDONYM} VARCHAR"]
            + [f'"{c.sql_name}" {_DUCK_TYPES[c.dtype]}' for c in cols]
        )
        _run(cur, f'CREATE OR REPLACE TEMP TABLE "{staging}" ({decl})')
        query = sa.select(t.c[ROW], t.c[PSEUDONYM], *[t.c[c.sql_name] for c in cols])
        with self.ws.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(query)
            while True:
                part = result.fetchmany(FETCH_ROWS)
                if not part:
                    break
                columns = list(zip(*part, strict=True))
                batch = pa.table(
                    [pa.array(list(v), type=f.type) for v, f in zip(columns, schema, strict=True)],
                    schema=schema,
                )
                cur.register("veil_batch", batch)
                _run(cur, f'INSERT INTO "{staging}" SELECT * FROM veil_batch')  # noqa: S608
                cur.unregister("veil_batch")
        return self._index(cur, ds, salt, staging)

    def load_staged(self, ds: Dataset, salt: str, staging: str) -> None:
        """Make a mirror from rows already in DuckDB table ``staging`` (``_row``, ``_pseudonym``,
        then the dataset's columns by SQL name) and mark it current for ``ds``.

        For loading generated data at scale (``benchmarks/dp.py``); the mirror is otherwise
        built from the vault by :meth:`sync`.
        """
        with self.lock():
            cur = self.connection()
            try:
                stats = self._index(cur, ds, salt, staging)
                with self.ws.engine.connect() as conn:
                    consent_seq = int(
                        conn.execute(
                            sa.select(sa.func.coalesce(sa.func.max(consent_events.c.seq), 0))
                        ).scalar_one()
                    )
                _run(
                    cur,
                    "INSERT OR REPLACE INTO veil_mirror_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        ds.name,
                        ds.updated_at,
                        salt,
                        len(self.ws.keystore.tombstones()),
                        consent_seq,
                        "{}",
                        1,
                        stats,
                    ],
                )
            finally:
                cur.close()

    def _index(self, cur: duckdb.DuckDBPyConnection, ds: Dataset, salt: str, staging: str) -> str:
        """Staged rows -> the subjects and rows tables (dense ids, ranks), and their stats as JSON."""
        cols = [c for c in ds.columns if not c.sealed and c.dtype in _DUCK_TYPES]
        rows, subjects = rows_table(ds), subjects_table(ds)
        names = ", ".join(f's."{c.sql_name}"' for c in cols)
        _run(cur, "BEGIN")
        _run(
            cur,
            f'CREATE OR REPLACE TABLE "{subjects}" AS '  # noqa: S608
            f"SELECT {PSEUDONYM} AS pseudonym, "
            f"CAST(ROW_NUMBER() OVER (ORDER BY {PSEUDONYM}) AS BIGINT) AS sid "
            f'FROM (SELECT DISTINCT {PSEUDONYM} FROM "{staging}")',
        )
        _run(
            cur,
            f'CREATE OR REPLACE TABLE "{rows}" AS '  # noqa: S608
            f"SELECT p.sid AS _sid, s.{ROW} AS _row, "
            f"CAST(ROW_NUMBER() OVER (PARTITION BY s.{PSEUDONYM} ORDER BY md5(? || s.{ROW})) AS BIGINT) "
            "AS _rk, "
            f"CAST(0 AS BIGINT) AS _lawful{', ' + names if names else ''} "
            f'FROM "{staging}" s JOIN "{subjects}" p ON p.pseudonym = s.{PSEUDONYM} '
            f"ORDER BY _rk, _sid",
            [salt],
        )
        _run(cur, "COMMIT")
        _run(cur, f'DROP TABLE "{staging}"')
        _run(cur, "CHECKPOINT")
        numeric = [c for c in cols if c.dtype in (DType.INT, DType.FLOAT)]
        parts = ["MAX(_rk)"] + [
            f'MIN("{c.sql_name}"), MAX("{c.sql_name}"), COUNT(*) - COUNT("{c.sql_name}")' for c in numeric
        ]
        found = cur.execute(f'SELECT {", ".join(parts)} FROM "{rows}"').fetchall()[0]  # noqa: S608
        stats = {
            c.name: [found[1 + 3 * i], found[2 + 3 * i], int(found[3 + 3 * i])] for i, c in enumerate(numeric)
        }
        return json.dumps({"_max_rank": int(found[0] or 0), "columns": stats}, default=float)

    def _materialise(
        self,
        cur: duckdb.DuckDBPyConnection,
        ds: Dataset,
        clamps: Mapping[str, list[float]],
        numeric: Mapping[str, Column],
    ) -> None:
        """Store each column clamped to its bounds (DuckDB computes it once, not per query)."""
        rows = rows_table(ds)
        _run(cur, "BEGIN")
        for name, (lo, hi) in clamps.items():
            col = numeric[name]
            expr = clamp_sql(f'"{col.sql_name}"', lo, hi, integer=col.dtype is DType.INT)
            kind = "BIGINT" if "CAST(" not in expr else "DOUBLE"
            _run(cur, f'ALTER TABLE "{rows}" DROP COLUMN IF EXISTS "k_{col.sql_name}"')
            _run(cur, f'ALTER TABLE "{rows}" ADD COLUMN "k_{col.sql_name}" {kind}')
            _run(cur, f'UPDATE "{rows}" SET "k_{col.sql_name}" = {expr}')  # noqa: S608
        _run(cur, "COMMIT")
        _run(cur, "CHECKPOINT")

    def _purge(self, cur: duckdb.DuckDBPyConnection, ds: Dataset, tombstones: list[str]) -> None:
        gone = pa.table({"pseudonym": pa.array(tombstones, type=pa.string())})
        cur.register("veil_gone", gone)
        try:
            _run(cur, "BEGIN")
            _run(
                cur,
                f'DELETE FROM "{rows_table(ds)}" WHERE _sid IN '  # noqa: S608
                f'(SELECT sid FROM "{subjects_table(ds)}" '
                "WHERE pseudonym IN (SELECT pseudonym FROM veil_gone))",
            )
            _run(
                cur,
                f'DELETE FROM "{subjects_table(ds)}" WHERE pseudonym IN (SELECT pseudonym FROM veil_gone)',  # noqa: S608
            )
            _run(cur, "COMMIT")
        finally:
            cur.unregister("veil_gone")
        _run(cur, "CHECKPOINT")

    def _consent_full(self, cur: duckdb.DuckDBPyConnection, ds: Dataset, purpose: str, bit: int) -> None:
        from veil.consent.ledger import consenting_subjects

        with self.ws.engine.connect() as conn:
            members = [str(r[0]) for r in conn.execute(consenting_subjects(purpose))]
        self._set_bits(cur, ds, {bit: (members, [])})

    def _consent_delta(
        self, cur: duckdb.DuckDBPyConnection, ds: Dataset, purposes: dict[str, int], since: int
    ) -> None:
        with self.ws.engine.connect() as conn:
            touched = [
                str(r[0])
                for r in conn.execute(
                    sa.select(consent_events.c.pseudonym).where(consent_events.c.seq > since).distinct()
                )
            ]
            events: dict[str, list[ConsentEvent]] = {}
            for i in range(0, len(touched), 2000):
                chunk = touched[i : i + 2000]
                q = sa.select(
                    consent_events.c.seq,
                    consent_events.c.pseudonym,
                    consent_events.c.purpose,
                    consent_events.c.action,
                    consent_events.c.ts,
                    consent_events.c.recorded_at,
                ).where(consent_events.c.pseudonym.in_(chunk), consent_events.c.purpose.in_(list(purposes)))
                for seq, pseudonym, purpose, action, ts, recorded_at in conn.execute(q):
                    events.setdefault(pseudonym, []).append(
                        ConsentEvent(
                            seq=int(seq),
                            purpose=purpose,
                            action=ConsentAction(action),
                            ts=ts,
                            recorded_at=recorded_at,
                        )
                    )
        changes: dict[int, tuple[list[str], list[str]]] = {bit: ([], []) for bit in purposes.values()}
        for pseudonym in touched:
            state = derive_state(events.get(pseudonym, []))
            for purpose, bit in purposes.items():
                (changes[bit][0] if state.get(purpose, False) else changes[bit][1]).append(pseudonym)
        self._set_bits(cur, ds, changes)

    def _set_bits(
        self, cur: duckdb.DuckDBPyConnection, ds: Dataset, changes: dict[int, tuple[list[str], list[str]]]
    ) -> None:
        rows, subjects = rows_table(ds), subjects_table(ds)
        _run(cur, "BEGIN")
        for bit, (grant, deny) in changes.items():
            for members, op in ((grant, f"_lawful | {bit}"), (deny, f"_lawful & ~{bit}")):
                if not members:
                    continue
                cur.register("veil_members", pa.table({"pseudonym": pa.array(members, type=pa.string())}))
                _run(
                    cur,
                    f'UPDATE "{rows}" SET _lawful = {op} WHERE _sid IN '  # noqa: S608
                    f'(SELECT sid FROM "{subjects}" WHERE pseudonym IN (SELECT pseudonym FROM veil_members))',
                )
                cur.unregister("veil_members")
        _run(cur, "COMMIT")

    def export_parquet(self, ds: Dataset, directory: Path, version: int) -> Path:
        """Write the mirror's rows (without ``_rk``) as Parquet for Spark; reused while current."""
        out = directory / f"{ds.table_name}-v{version}.parquet"
        if out.exists():
            return out
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in directory.glob(f"{ds.table_name}-v*.parquet"):
            old.unlink()
        tmp = out.with_suffix(".tmp")
        with self.lock():
            cur = self.connection()
            try:
                cols = [c for c in ds.columns if not c.sealed and c.dtype in _DUCK_TYPES]
                names = ", ".join(["_sid", "_row", "_lawful"] + [f'"{c.sql_name}"' for c in cols])
                _run(cur, f"COPY (SELECT {names} FROM \"{rows_table(ds)}\") TO '{tmp}' (FORMAT PARQUET)")  # noqa: S608
            finally:
                cur.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
        return out
