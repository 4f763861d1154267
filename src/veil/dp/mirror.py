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

It is kept in step with the vault before every query: a dataset whose
``updated_at`` changed (ingest, restore) is rebuilt; subjects erased since the
last sync (key-store tombstones) are removed; consent events recorded since the
last sync update the purpose bits of their subjects only. Sealed columns (direct
identifiers, free text) are never copied.

Files and concurrency (many ``veil query`` processes on one workspace)::

    analytics/mirror.gen        the current generation number (replaced atomically)
    analytics/mirror-<N>.duckdb generation N, never written once published
    analytics/mirror.lock       the writers' lock (flock)

A generation is immutable once published, so readers never take a lock: each
process keeps one read-only DuckDB connection to the current generation (DuckDB
lets any number of processes open a file read-only) and checks the generation
number before each query. A writer (a sync that finds the mirror stale, an
erasure, a dataset drop) takes the writer lock, writes generation N+1 — a copy of
N plus its changes — publishes it by replacing ``mirror.gen`` and deletes N.
Whenever subjects are removed (erasure, re-ingest, drop), N+1 is written by a
*logical* copy of the rows that remain, not a file copy, so the new file has no
free blocks that still hold the removed people's values (issue 10, item 11).
Queries that find the mirror stale wait for the writer lock (back-off, then
:class:`~veil.errors.BusyError`), and :meth:`Mirror.forget` either completes or
raises BusyError having changed nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from veil.consent.ledger import ConsentAction, ConsentEvent, derive_state
from veil.dp.plan import ColumnStats, clamp_sql
from veil.errors import BusyError
from veil.schema import consent_events
from veil.vault.dataset import PSEUDONYM, ROW, Column, Dataset, DatasetCatalog, DType

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["Mirror", "MirrorTable", "MirrorView"]

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
#: How long a query waits for another process's mirror update before giving up (BusyError).
SYNC_WAIT_S = 600.0
#: How long an erasure waits for the mirror before reporting it busy (the erasure queue retries).
FORGET_WAIT_S = 5.0
_STATE_DDL = (
    "CREATE TABLE IF NOT EXISTS veil_mirror_state ("
    " dataset VARCHAR PRIMARY KEY, updated_at VARCHAR, salt VARCHAR,"
    " tombstones BIGINT, consent_seq BIGINT, purposes VARCHAR, version BIGINT,"
    " stats VARCHAR)"
)
_LEGACY = "mirror.duckdb"  # the single mutable file of Veil before generations


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


# -- process-wide read-only connections, one per workspace mirror ---------------------------


@dataclass(slots=True)
class _Generation:
    number: int
    conn: duckdb.DuckDBPyConnection
    #: The generation's ``veil_mirror_state`` rows by dataset: read once, it never changes.
    states: dict[str, tuple[Any, ...]]
    users: int = 0
    stale: bool = False
    idle: threading.Timer | None = None


_readers: dict[Path, _Generation] = {}
_global = threading.Lock()
#: A process's read-only connection is closed this long after its last query, so that an idle
#: process (an API server) does not keep a generation an erasure has replaced open on disk.
IDLE_CLOSE_S = 2.0


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What a query needs of the mirror (read from the vault and policy, not from the data)."""

    ds: Dataset
    salt: str
    purpose: str | None
    bounds: dict[str, list[float]]
    tombstones: list[str]
    consent_seq: int


class MirrorView:
    """A dataset's mirror table and a read-only cursor on the generation it was checked in."""

    def __init__(self, table: MirrorTable, cursor: duckdb.DuckDBPyConnection, gen: _Generation, dir_: Path):
        self.table = table
        self.cursor = cursor
        self._gen: _Generation | None = gen
        self._dir = dir_

    def export_parquet(self, ds: Dataset, directory: Path) -> Path:
        """Write the rows (without ``_rk``) as Parquet for Spark; reused while the version is current."""
        out = directory / f"{ds.table_name}-v{self.table.version}.parquet"
        if out.exists():
            return out
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in directory.glob(f"{ds.table_name}-v*.parquet"):
            old.unlink(missing_ok=True)
        tmp = directory / f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        cols = [c for c in ds.columns if not c.sealed and c.dtype in _DUCK_TYPES]
        names = ", ".join(["_sid", "_row", "_lawful"] + [f'"{c.sql_name}"' for c in cols])
        try:
            _run(
                self.cursor,
                f"COPY (SELECT {names} FROM \"{self.table.table}\") TO '{tmp}' (FORMAT PARQUET)",  # noqa: S608
            )
            os.chmod(tmp, 0o600)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return out

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.cursor.close()
        if self._gen is not None:
            _release(self._gen)
            self._gen = None

    def __enter__(self) -> MirrorView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_at_exit() -> None:
    """Close every cached connection in the main thread before the interpreter goes away
    (an idle-close timer must never be inside DuckDB while daemon threads are torn down)."""
    Mirror.close_all()


atexit.register(_close_at_exit)


def _release(gen: _Generation) -> None:
    with _global:
        gen.users -= 1
        if gen.users > 0:
            return
        if gen.stale:
            gen.conn.close()
            return
        gen.idle = threading.Timer(IDLE_CLOSE_S, _close_idle, [gen])
        gen.idle.daemon = True
        gen.idle.start()


def _close_idle(gen: _Generation) -> None:
    with _global:
        if gen.users == 0 and not gen.stale:
            gen.stale = True
            gen.conn.close()
            for key, cached in list(_readers.items()):
                if cached is gen:
                    del _readers[key]


class Mirror:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.dir = ws.root / "analytics"

    # -- files -----------------------------------------------------------------------------
    def _file(self, number: int) -> Path:
        return self.dir / f"mirror-{number}.duckdb"

    def files(self) -> list[Path]:
        """Every file that holds (or held) mirrored rows: generations, their WALs, exports."""
        if not self.dir.exists():
            return []
        return sorted(p for p in self.dir.rglob("*") if p.is_file() and p.name != "mirror.lock")

    def _pointer(self) -> int | None:
        try:
            text = (self.dir / "mirror.gen").read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return int(text) if text.isdigit() else None

    def _publish(self, number: int) -> None:
        target = self.dir / "mirror.gen"
        tmp = self.dir / f".mirror.gen.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, f"{number}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        dfd = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    # -- reading ---------------------------------------------------------------------------
    def _acquire(self) -> _Generation | None:
        """The process's read-only connection to the current generation (None: no mirror yet)."""
        key = self.dir
        with _global:
            for _attempt in range(20):
                number = self._pointer()
                if number is None:
                    return None
                cached = _readers.get(key)
                if cached is not None and cached.number == number and not cached.stale:
                    if cached.idle is not None:
                        cached.idle.cancel()
                        cached.idle = None
                    cached.users += 1
                    return cached
                try:
                    conn = duckdb.connect(str(self._file(number)), read_only=True)
                except duckdb.IOException:
                    time.sleep(0.01)  # a writer published a newer generation and deleted this one
                    continue
                try:
                    rows = conn.execute("SELECT * FROM veil_mirror_state").fetchall()
                except duckdb.Error:
                    conn.close()
                    raise
                if cached is not None:
                    cached.stale = True
                    if cached.idle is not None:
                        cached.idle.cancel()
                    if cached.users == 0:
                        cached.conn.close()
                gen = _Generation(number, conn, {str(r[0]): tuple(r) for r in rows}, users=1)
                _readers[key] = gen
                return gen
        raise BusyError("the analytics mirror changed many times while opening it; retry")

    @contextlib.contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor on the current generation (for inspection and benchmarks)."""
        gen = self._acquire()
        if gen is None:
            raise BusyError("there is no analytics mirror yet (run a DP query first)")
        cur = gen.conn.cursor()
        try:
            yield cur
        finally:
            cur.close()
            _release(gen)

    @classmethod
    def close_all(cls) -> None:
        with _global:
            for gen in _readers.values():
                gen.stale = True
                if gen.idle is not None:
                    gen.idle.cancel()
                if gen.users == 0:
                    gen.conn.close()
            _readers.clear()

    def view(
        self,
        ds: Dataset,
        salt: str,
        purpose: str | None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
    ) -> MirrorView:
        """The dataset's rows brought up to date, with a cursor on the generation checked.

        ``bounds`` (the policy's clamp bounds) are materialised as clamped columns
        ``k_<column>``, recomputed only when the bounds change. Close the view when done.
        """
        want = self._wanted(ds, salt, purpose, bounds)
        for _attempt in range(8):
            gen = self._acquire()
            if gen is not None:
                table = _current(gen.states.get(ds.name), want)
                if table is not None:
                    return MirrorView(table, gen.conn.cursor(), gen, self.dir)
                _release(gen)
            self._update(want)
        raise BusyError("the analytics mirror keeps changing (other processes are updating it); retry")

    def sync(
        self,
        ds: Dataset,
        salt: str,
        purpose: str | None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
    ) -> MirrorTable:
        """Bring the dataset's mirror up to date; returns its table (see :meth:`view`)."""
        with self.view(ds, salt, purpose, bounds) as view:
            return view.table

    def _wanted(
        self,
        ds: Dataset,
        salt: str,
        purpose: str | None,
        bounds: Mapping[str, tuple[float, float]] | None,
    ) -> _Wanted:
        numeric = {c.name for c in ds.columns if not c.sealed and c.dtype in (DType.INT, DType.FLOAT)}
        wanted = {n: [float(lo), float(hi)] for n, (lo, hi) in (bounds or {}).items() if n in numeric}
        with self.ws.engine.connect() as conn:
            seq = int(
                conn.execute(sa.select(sa.func.coalesce(sa.func.max(consent_events.c.seq), 0))).scalar_one()
            )
        return _Wanted(ds, salt, purpose, wanted, self.ws.keystore.tombstones(), seq)

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _write_lock(self, timeout: float) -> Iterator[None]:
        """The writers' lock (flock, so it also excludes other threads' writers), with back-off."""
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.dir / "mirror.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            delay = 0.005
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise BusyError(
                            "another Veil process is updating the analytics mirror; nothing was "
                            "changed here, retry in a moment"
                        ) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.25)
            yield
        finally:
            os.close(fd)  # releases the lock

    @contextlib.contextmanager
    def _new_generation(
        self, *, clone: bool, gone: Sequence[str] = (), skip: Sequence[str] = ()
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Write generation N+1 (caller holds the writer lock) and publish it on success.

        ``clone``: copy the remaining rows logically (no free blocks with removed values),
        leaving out the subjects ``gone`` and the datasets ``skip``; otherwise copy the
        file (fast; only for changes that remove nobody).
        """
        prev = self._pointer()
        number = (prev or 0) + 1
        # Leftovers of a writer killed before it published, and the pre-generation file.
        for stale in [*self.dir.glob("mirror-*.duckdb*"), *self.dir.glob(f"{_LEGACY}*")]:
            if prev is None or not stale.name.startswith(f"mirror-{prev}.duckdb"):
                stale.unlink(missing_ok=True)
        path = self._file(number)
        prev_path = self._file(prev) if prev is not None else None
        if prev_path is not None and not clone:
            shutil.copyfile(prev_path, path)
        conn = duckdb.connect(str(path))
        os.chmod(path, 0o600)
        try:
            _run(conn, _STATE_DDL)
            if prev_path is not None and clone:
                self._clone(conn, prev_path, gone, skip)
            yield conn
            _run(conn, "CHECKPOINT")
        except BaseException:
            conn.close()
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)
            raise
        conn.close()
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self._publish(number)
        if prev_path is not None:
            prev_path.unlink(missing_ok=True)
            Path(f"{prev_path}.wal").unlink(missing_ok=True)

    def _clone(
        self, conn: duckdb.DuckDBPyConnection, prev: Path, gone: Sequence[str], skip: Sequence[str]
    ) -> None:
        catalog = {d.name: d for d in DatasetCatalog(self.ws).list()}
        _run(conn, f"ATTACH '{prev}' AS prev (READ_ONLY)")
        conn.register("veil_gone", pa.table({"pseudonym": pa.array(list(gone), type=pa.string())}))
        try:
            names = [r[0] for r in conn.execute("SELECT dataset FROM prev.veil_mirror_state").fetchall()]
            for name in names:
                ds = catalog.get(name)
                if ds is None or name in skip:
                    continue  # a dataset that no longer exists, or is rebuilt by the caller
                rows, subjects = rows_table(ds), subjects_table(ds)
                _run(
                    conn,
                    "INSERT INTO veil_mirror_state SELECT * FROM prev.veil_mirror_state WHERE dataset = ?",
                    [name],
                )
                erased = (
                    f'SELECT sid FROM prev."{subjects}" WHERE pseudonym IN (SELECT pseudonym FROM veil_gone)'  # noqa: S608
                )
                kept = f'SELECT * FROM prev."{rows}" WHERE _sid NOT IN ({erased})'  # noqa: S608
                _run(conn, f'CREATE TABLE "{rows}" AS {kept}')
                _run(
                    conn,
                    f'CREATE TABLE "{subjects}" AS SELECT * FROM prev."{subjects}" '  # noqa: S608
                    "WHERE pseudonym NOT IN (SELECT pseudonym FROM veil_gone)",
                )
        finally:
            conn.unregister("veil_gone")
            _run(conn, "DETACH prev")

    def _update(self, want: _Wanted) -> None:
        """Write a generation in which ``want`` is current (another writer may have done it)."""
        ds = want.ds
        with self._write_lock(SYNC_WAIT_S):
            gen = self._acquire()
            states: dict[str, tuple[Any, ...]] = {}
            if gen is not None:
                states = dict(gen.states)
                _release(gen)
                if _current(states.get(ds.name), want) is not None:
                    return  # another process brought it up to date while we waited
            state = states.get(ds.name)
            rebuild = state is None or state[1] != ds.updated_at or state[2] != want.salt
            purge = any(int(s[3]) != len(want.tombstones) for s in states.values())
            with self._new_generation(
                clone=rebuild or purge, gone=want.tombstones, skip=[ds.name] if rebuild else []
            ) as conn:
                if purge:
                    _run(
                        conn,
                        "UPDATE veil_mirror_state SET tombstones = ?, version = version + 1",
                        [len(want.tombstones)],
                    )
                if rebuild:
                    version = (int(state[6]) if state else 0) + 1
                    stats = self._build(conn, ds, want.salt, want.tombstones)
                    _run(
                        conn,
                        "INSERT INTO veil_mirror_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [ds.name, ds.updated_at, want.salt, len(want.tombstones), want.consent_seq, "{}",
                         version, stats],
                    )  # fmt: skip
                self._refresh(conn, want)

    def _refresh(self, conn: duckdb.DuckDBPyConnection, want: _Wanted) -> None:
        """Consent bits, the purpose's bit and clamped columns of ``want.ds`` (in a new generation)."""
        ds = want.ds
        row = conn.execute(
            "SELECT consent_seq, purposes, version, stats FROM veil_mirror_state WHERE dataset = ?", [ds.name]
        ).fetchall()[0]
        seen_seq, purposes, version = int(row[0]), json.loads(row[1]), int(row[2])
        known = json.loads(row[3] or "{}")
        changed = False
        if purposes and want.consent_seq != seen_seq:
            self._consent_delta(conn, ds, purposes, seen_seq)
            changed = True
        if want.purpose is not None and want.purpose not in purposes:
            if len(purposes) >= MAX_PURPOSE_BITS:
                purposes = {}
                _run(conn, f'UPDATE "{rows_table(ds)}" SET _lawful = 0')  # noqa: S608
            purposes[want.purpose] = 1 << len(purposes)
            self._consent_full(conn, ds, want.purpose, purposes[want.purpose])
            changed = True
        have: dict[str, list[float]] = known.setdefault("clamps", {})
        stale = [n for n, b in want.bounds.items() if have.get(n) != b]
        if stale:
            numeric = {c.name: c for c in ds.columns if not c.sealed and c.dtype in (DType.INT, DType.FLOAT)}
            self._materialise(conn, ds, {n: want.bounds[n] for n in stale}, numeric)
            have.update({n: want.bounds[n] for n in stale})
        _run(
            conn,
            "UPDATE veil_mirror_state SET consent_seq = ?, purposes = ?, version = ?, stats = ? "
            "WHERE dataset = ?",
            [want.consent_seq, json.dumps(purposes), version + int(changed), json.dumps(known), ds.name],
        )

    def forget(self, pseudonyms: Sequence[str], *, wait: float = FORGET_WAIT_S) -> int:
        """Remove these subjects from every mirrored dataset; returns the rows removed.

        Called by erasure. The new generation is a logical copy of what remains, so no
        free block of the mirror keeps the subjects' values, and the Parquet exports made
        for Spark are deleted. Either it completes, or it raises
        :class:`~veil.errors.BusyError` having changed nothing (another process is
        updating the mirror): the erasure queue then retries it. A workspace that never
        ran a DP query has no mirror: nothing to do.
        """
        if not pseudonyms or not self.dir.exists():
            return 0
        with self._write_lock(wait):
            gen = self._acquire()
            deleted = 0
            if gen is not None:
                gone = sorted(set(pseudonyms) | set(self.ws.keystore.tombstones()))
                cur = gen.conn.cursor()
                try:
                    deleted = self._count(cur, list(pseudonyms))
                finally:
                    cur.close()
                    _release(gen)
                with self._new_generation(clone=True, gone=gone) as conn:
                    _run(
                        conn,
                        "UPDATE veil_mirror_state SET tombstones = ?, version = version + 1",
                        [len(self.ws.keystore.tombstones())],
                    )
            # Derived copies: Spark's Parquet exports (made again on demand), and the single
            # mutable mirror file of Veil versions before generations.
            shutil.rmtree(self.dir / "spark", ignore_errors=True)
            for legacy in self.dir.glob(f"{_LEGACY}*"):
                legacy.unlink(missing_ok=True)
        return deleted

    def _count(self, cur: duckdb.DuckDBPyConnection, pseudonyms: list[str]) -> int:
        catalog = {d.name: d for d in DatasetCatalog(self.ws).list()}
        cur.register("veil_count", pa.table({"pseudonym": pa.array(pseudonyms, type=pa.string())}))
        try:
            total = 0
            for (name,) in cur.execute("SELECT dataset FROM veil_mirror_state").fetchall():
                ds = catalog.get(name)
                if ds is None:
                    continue
                found = cur.execute(
                    f'SELECT COUNT(*) FROM "{rows_table(ds)}" WHERE _sid IN (SELECT sid FROM '  # noqa: S608
                    f'"{subjects_table(ds)}" WHERE pseudonym IN (SELECT pseudonym FROM veil_count))'
                ).fetchall()
                total += int(found[0][0])
            return total
        finally:
            cur.unregister("veil_count")

    def drop(self, ds: Dataset) -> None:
        if self._pointer() is None:
            return
        with self._write_lock(SYNC_WAIT_S), self._new_generation(clone=True, skip=[ds.name]):
            pass

    def load_staged(self, ds: Dataset, salt: str, select_sql: str) -> None:
        """Make a dataset's mirror from a query that returns ``_row``, ``_pseudonym``, then the
        dataset's columns by SQL name, and mark it current for ``ds``.

        For loading generated data at scale (``benchmarks/dp.py``); the mirror is otherwise
        built from the vault when a query needs it.
        """
        want = self._wanted(ds, salt, None, None)
        with self._write_lock(SYNC_WAIT_S), self._new_generation(clone=True, skip=[ds.name]) as conn:
            staging = f"staging_{ds.table_name}"
            _run(conn, f'CREATE TEMP TABLE "{staging}" AS {select_sql}')
            stats = self._index(conn, ds, salt, staging)
            _run(
                conn,
                "INSERT INTO veil_mirror_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [ds.name, ds.updated_at, salt, len(want.tombstones), want.consent_seq, "{}", 1, stats],
            )

    # -- building --------------------------------------------------------------------------
    def _build(self, cur: duckdb.DuckDBPyConnection, ds: Dataset, salt: str, gone: Sequence[str]) -> str:
        """(Re)build the dataset's mirror tables from the vault; returns their stats as JSON.

        Subjects already tombstoned (an erasure still completing) are left out.
        """
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
        erased = set(gone)
        query = sa.select(t.c[ROW], t.c[PSEUDONYM], *[t.c[c.sql_name] for c in cols])
        with self.ws.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(query)
            while True:
                fetched = result.fetchmany(FETCH_ROWS)
                if not fetched:
                    break
                part = [r for r in fetched if r[1] not in erased]
                if not part:
                    continue
                columns = list(zip(*part, strict=True))
                batch = pa.table(
                    [pa.array(list(v), type=f.type) for v, f in zip(columns, schema, strict=True)],
                    schema=schema,
                )
                cur.register("veil_batch", batch)
                _run(cur, f'INSERT INTO "{staging}" SELECT * FROM veil_batch')  # noqa: S608
                cur.unregister("veil_batch")
        return self._index(cur, ds, salt, staging)

    def _index(self, cur: duckdb.DuckDBPyConnection, ds: Dataset, salt: str, staging: str) -> str:
        """Staged rows -> the subjects and rows tables (dense ids, ranks), and their stats as JSON."""
        cols = [c for c in ds.columns if not c.sealed and c.dtype in _DUCK_TYPES]
        rows, subjects = rows_table(ds), subjects_table(ds)
        names = ", ".join(f's."{c.sql_name}"' for c in cols)
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
        _run(cur, f'DROP TABLE "{staging}"')
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
        for name, (lo, hi) in clamps.items():
            col = numeric[name]
            expr = clamp_sql(f'"{col.sql_name}"', lo, hi, integer=col.dtype is DType.INT)
            kind = "BIGINT" if "CAST(" not in expr else "DOUBLE"
            _run(cur, f'ALTER TABLE "{rows}" DROP COLUMN IF EXISTS "k_{col.sql_name}"')
            _run(cur, f'ALTER TABLE "{rows}" ADD COLUMN "k_{col.sql_name}" {kind}')
            _run(cur, f'UPDATE "{rows}" SET "k_{col.sql_name}" = {expr}')  # noqa: S608

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
                ).where(consent_events.c.pseudonym.in_(chunk), consent_events.c.purpose.in_(list(purposes)))
                for seq, pseudonym, purpose, action, ts in conn.execute(q):
                    events.setdefault(pseudonym, []).append(
                        ConsentEvent(seq=int(seq), purpose=purpose, action=ConsentAction(action), ts=ts)
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


def _current(state: tuple[Any, ...] | None, want: _Wanted) -> MirrorTable | None:
    """The dataset's table if its state row (in some generation) is current for ``want``."""
    ds = want.ds
    if state is None:
        return None
    _name, updated_at, salt, tombstones, seq, purposes_json, version, stats = state
    purposes: dict[str, int] = json.loads(purposes_json)
    if updated_at != ds.updated_at or salt != want.salt or int(tombstones) != len(want.tombstones):
        return None
    if purposes and int(seq) != want.consent_seq:
        return None
    if want.purpose is not None and want.purpose not in purposes:
        return None
    known = json.loads(stats or "{}")
    have = known.get("clamps", {})
    if any(have.get(n) != b for n, b in want.bounds.items()):
        return None
    numeric = {c.name: c for c in ds.columns if not c.sealed and c.dtype in (DType.INT, DType.FLOAT)}
    return MirrorTable(
        rows_table(ds),
        purposes[want.purpose] if want.purpose is not None else None,
        int(version),
        int(known.get("_max_rank", 1 << 62)),
        {k: ColumnStats(*v) for k, v in known.get("columns", {}).items()},
        {n: f"k_{numeric[n].sql_name}" for n in want.bounds},
    )
