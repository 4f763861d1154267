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
last sync (key-store tombstones) are removed. Consent changes write nothing on the
query path: a query lays the *consent overlay* over the generation's bits — each
subject with a consent event for the purpose recorded after the generation's last
event (``consent_events.seq``, AUTOINCREMENT: never reused) gets its state now, by the
ledger's rule, read in one statement (:func:`~veil.dp.mirror_tables.consent_overlay`).
So a withdrawal counts from the very next query, and a grant too. Once the overlay holds
:data:`OVERLAY_REBUILD` subjects a background thread writes a generation with the bits
brought up to date (the consent events' delta, as before); only an overlay past
:data:`OVERLAY_MAX` (a burst the background writer has not caught up with) makes the
query bring the generation up to date itself. Sealed columns (direct
identifiers, free text) are never copied. The mirror never reads the vault's storage
itself: rows come from :func:`veil.vault.release.scan_clear` and consent from the consent
ledger's rule (:mod:`veil.dp.mirror_tables`), and a query sees only its release's allowed
columns and lawful subjects (:meth:`veil.dp.mirror_view.MirrorView.relation`).

Files and concurrency (many ``veil query`` processes on one workspace)::

    analytics/mirror.gen        the current generation number (replaced atomically)
    analytics/mirror-<N>.duckdb generation N, never written once published
    analytics/mirror.lock       the writers' lock (flock)

A generation is immutable once published, so readers never take a lock: each
process keeps one read-only DuckDB connection to the current generation (DuckDB
lets any number of processes open a file read-only) and checks the generation
number before each query. A writer (a sync that finds the mirror stale, an
erasure, a dataset drop, the background consent refresh) takes the writer lock,
writes generation N+1 — a copy of N plus its changes — publishes it by replacing ``mirror.gen`` and deletes N.
Whenever subjects are removed (erasure, re-ingest, drop), N+1 is written by a
*logical* copy of the rows that remain, not a file copy, so the new file has no
free blocks that still hold the removed people's values (issue 10, item 11).
Queries that find the mirror stale wait for the writer lock (back-off, then
:class:`~veil.errors.BusyError`), and :meth:`Mirror.forget` either completes or
raises BusyError having changed nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from veil.dp import mirror_tables as tables
from veil.dp.mirror_view import (
    Generation,
    MirrorTable,
    MirrorView,
    acquire,
    close_all,
    mirrored,
    release_generation,
    rows_table,
    run_sql,
    sids,
    subjects_table,
)
from veil.dp.plan import ColumnStats
from veil.errors import BusyError
from veil.vault.dataset import Dataset, DatasetCatalog, DType
from veil.vault.release import Release, latest_consent_seq

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["OVERLAY_MAX", "OVERLAY_REBUILD", "Mirror", "MirrorTable", "MirrorView"]

logger = logging.getLogger(__name__)

MAX_PURPOSE_BITS = 62
#: Subjects in a query's consent overlay from which a background thread writes a generation
#: with the consent bits brought up to date (the overlay then starts again from empty).
OVERLAY_REBUILD = 256
#: Subjects in a consent overlay past which the query brings the generation up to date itself:
#: the overlay goes into the query's SQL as lists of subject numbers, which must stay short.
OVERLAY_MAX = 20_000
#: How long the background consent refresh waits for the writer lock before leaving it to later.
REFRESH_WAIT_S = 1.0
#: How long a query waits for another process's mirror update before giving up (BusyError).
SYNC_WAIT_S = 600.0
#: How long an erasure waits for the mirror before reporting it busy (the erasure queue retries).
FORGET_WAIT_S = 5.0
#: Format of the mirror's files (their tables and state rows), written into ``mirror.gen``. The
#: mirror is a cache derived from the vault, so it keeps its own DDL (no schema revision, see
#: veil.migrations): a generation of another format (or of a Veil before formats) is never
#: read or cloned, and the next sync rebuilds the mirror from the vault. Bump it on any change.
MIRROR_FORMAT = 2
_STATE_DDL = (
    "CREATE TABLE IF NOT EXISTS veil_mirror_state ("
    " dataset VARCHAR PRIMARY KEY, updated_at VARCHAR, salt VARCHAR,"
    " tombstones BIGINT, consent_seq BIGINT, purposes VARCHAR, version BIGINT,"
    " stats VARCHAR)"
)
_LEGACY = "mirror.duckdb"  # the single mutable file of Veil before generations


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What a query needs of the mirror (read from the vault and policy, not from the data)."""

    ds: Dataset
    salt: str
    purpose: str | None
    bounds: dict[str, list[float]]
    tombstones: list[str]
    consent_seq: int


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
        """The current generation, if there is one of this code's :data:`MIRROR_FORMAT`."""
        number, fmt = self._generation_number()
        return number if number is not None and fmt == MIRROR_FORMAT else None

    def _generation_number(self) -> tuple[int | None, int | None]:
        """(number, format) named by ``mirror.gen`` (format None: written before formats)."""
        try:
            text = (self.dir / "mirror.gen").read_text(encoding="ascii").split()
        except FileNotFoundError:
            return None, None
        number = int(text[0]) if text and text[0].isdigit() else None
        fmt = text[1].removeprefix("f") if len(text) > 1 else ""
        return number, (int(fmt) if fmt.isdigit() else None)

    def _publish(self, number: int) -> None:
        target = self.dir / "mirror.gen"
        tmp = self.dir / f".mirror.gen.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, f"{number} f{MIRROR_FORMAT}\n".encode("ascii"))
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
    def _acquire(self) -> Generation | None:
        """The process's read-only connection to the current generation (None: no mirror yet)."""
        return acquire(self.dir, self._pointer, self._file)

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
            release_generation(gen)

    @classmethod
    def close_all(cls) -> None:
        close_all()

    def release_view(
        self, release: Release, salt: str, bounds: Mapping[str, tuple[float, float]] | None = None
    ) -> MirrorView:
        """The mirror brought up to date for a release (its purpose's consent bit); its rows are
        :meth:`MirrorView.relation` (the release's columns and lawful subjects only)."""
        purpose = release.purpose
        return self.view(release.dataset, salt, purpose.name if purpose.needs_consent else None, bounds)

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
        consent = False  # whether the consent bits must be current too (an overlay past OVERLAY_MAX)
        for _attempt in range(8):
            gen = self._acquire()
            if gen is not None:
                table = _current(gen.states.get(ds.name), want, consent=False)
                if table is not None:
                    cursor = gen.conn.cursor()
                    try:
                        overlaid = self._overlay(table, want, cursor)
                    except BaseException:
                        cursor.close()
                        release_generation(gen)
                        raise
                    if overlaid is not None:
                        return MirrorView(overlaid, cursor, gen, self.dir)
                    cursor.close()
                    consent = True
                release_generation(gen)
            self._update(want, consent=consent)
        raise BusyError("the analytics mirror keeps changing (other processes are updating it); retry")

    def _overlay(
        self, table: MirrorTable, want: _Wanted, cursor: duckdb.DuckDBPyConnection
    ) -> MirrorTable | None:
        """``table`` with the consent overlay of ``want.purpose`` laid over its bits (see the
        module docstring); None when the overlay is too large for a query to carry."""
        if table.lawful_bit is None or want.purpose is None or table.consent_seq >= want.consent_seq:
            return table  # no consent purpose, or no event since the generation's bits
        changed = tables.consent_overlay(self.ws, want.purpose, table.consent_seq)
        if len(changed) > OVERLAY_MAX:
            return None
        if len(changed) >= OVERLAY_REBUILD:
            self._refresh_later(want)
        granted = sids(cursor, table.subjects, [p for p, now in changed.items() if now])
        withdrawn = sids(cursor, table.subjects, [p for p, now in changed.items() if not now])
        return replace(table, granted=tuple(granted), withdrawn=tuple(withdrawn))

    def _refresh_later(self, want: _Wanted) -> None:
        """Write a generation with ``want``'s consent bits current, in a background thread (one
        per mirror in this process; another process's writer holding the lock: left to later)."""
        with _refreshing_lock:
            if self.dir in _refreshing:
                return
            _refreshing.add(self.dir)

        def run() -> None:
            try:
                self._update(want, consent=True, wait=REFRESH_WAIT_S)
            except BusyError:
                pass  # another writer holds the lock: the next large overlay asks again
            except Exception as exc:  # a cache refresh: queries stay right without it
                logger.warning("background refresh of the analytics mirror failed: %s", type(exc).__name__)
            finally:
                with _refreshing_lock:
                    _refreshing.discard(self.dir)

        threading.Thread(target=run, name="veil-mirror-refresh", daemon=True).start()

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
        numeric = {c.name for c in mirrored(ds) if c.dtype in (DType.INT, DType.FLOAT)}
        wanted = {n: [float(lo), float(hi)] for n, (lo, hi) in (bounds or {}).items() if n in numeric}
        seq = latest_consent_seq(self.ws)
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
        prev = self._pointer()  # None also for a generation of another format: it is not cloned
        number = (self._generation_number()[0] or 0) + 1
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
            run_sql(conn, _STATE_DDL)
            if prev_path is not None and clone:
                self._clone(conn, prev_path, gone, skip)
            yield conn
            run_sql(conn, "CHECKPOINT")
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
        import pyarrow as pa  # on first use: a query on an up-to-date mirror needs no PyArrow

        catalog = {d.name: d for d in DatasetCatalog(self.ws).list()}
        run_sql(conn, f"ATTACH '{prev}' AS prev (READ_ONLY)")
        conn.register("veil_gone", pa.table({"pseudonym": pa.array(list(gone), type=pa.string())}))
        try:
            names = [r[0] for r in conn.execute("SELECT dataset FROM prev.veil_mirror_state").fetchall()]
            for name in names:
                ds = catalog.get(name)
                if ds is None or name in skip:
                    continue  # a dataset that no longer exists, or is rebuilt by the caller
                rows, subjects = rows_table(ds), subjects_table(ds)
                run_sql(
                    conn,
                    "INSERT INTO veil_mirror_state SELECT * FROM prev.veil_mirror_state WHERE dataset = ?",
                    [name],
                )
                erased = (
                    f'SELECT sid FROM prev."{subjects}" WHERE pseudonym IN (SELECT pseudonym FROM veil_gone)'  # noqa: S608
                )
                kept = f'SELECT * FROM prev."{rows}" WHERE _sid NOT IN ({erased})'  # noqa: S608
                run_sql(conn, f'CREATE TABLE "{rows}" AS {kept}')
                run_sql(
                    conn,
                    f'CREATE TABLE "{subjects}" AS SELECT * FROM prev."{subjects}" '  # noqa: S608
                    "WHERE pseudonym NOT IN (SELECT pseudonym FROM veil_gone)",
                )
        finally:
            conn.unregister("veil_gone")
            run_sql(conn, "DETACH prev")

    def _update(self, want: _Wanted, *, consent: bool = False, wait: float = SYNC_WAIT_S) -> None:
        """Write a generation in which ``want`` is current (another writer may have done it);
        ``consent``: with the consent bits current up to ``want.consent_seq`` too."""
        ds = want.ds
        with self._write_lock(wait):
            gen = self._acquire()
            states: dict[str, tuple[Any, ...]] = {}
            if gen is not None:
                states = dict(gen.states)
                release_generation(gen)
                if _current(states.get(ds.name), want, consent=consent) is not None:
                    return  # another process brought it up to date while we waited
            state = states.get(ds.name)
            rebuild = state is None or state[1] != ds.updated_at or state[2] != want.salt
            purge = any(int(s[3]) != len(want.tombstones) for s in states.values())
            with self._new_generation(
                clone=rebuild or purge, gone=want.tombstones, skip=[ds.name] if rebuild else []
            ) as conn:
                if purge:
                    run_sql(
                        conn,
                        "UPDATE veil_mirror_state SET tombstones = ?, version = version + 1",
                        [len(want.tombstones)],
                    )
                if rebuild:
                    version = (int(state[6]) if state else 0) + 1
                    stats = tables.build(self.ws, conn, ds, want.salt, want.tombstones)
                    run_sql(
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
            tables.consent_delta(self.ws, conn, ds, purposes, seen_seq)
            changed = True
        if want.purpose is not None and want.purpose not in purposes:
            if len(purposes) >= MAX_PURPOSE_BITS:
                purposes = {}
                run_sql(conn, f'UPDATE "{rows_table(ds)}" SET _lawful = 0')  # noqa: S608
            purposes[want.purpose] = 1 << len(purposes)
            tables.consent_full(self.ws, conn, ds, want.purpose, purposes[want.purpose])
            changed = True
        have: dict[str, list[float]] = known.setdefault("clamps", {})
        stale = [n for n, b in want.bounds.items() if have.get(n) != b]
        if stale:
            numeric = {c.name: c for c in mirrored(ds) if c.dtype in (DType.INT, DType.FLOAT)}
            tables.materialise(conn, ds, {n: want.bounds[n] for n in stale}, numeric)
            have.update({n: want.bounds[n] for n in stale})
        run_sql(
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
                    deleted = tables.count_rows(
                        cur, {d.name: d for d in DatasetCatalog(self.ws).list()}, list(pseudonyms)
                    )
                finally:
                    cur.close()
                    release_generation(gen)
                with self._new_generation(clone=True, gone=gone) as conn:
                    run_sql(
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

    def drop(self, ds: Dataset) -> None:
        if self._pointer() is None:
            return
        with self._write_lock(SYNC_WAIT_S), self._new_generation(clone=True, skip=[ds.name]):
            pass

    def load_staged(self, ds: Dataset, salt: str, select_sql: str) -> None:
        """Make a dataset's mirror from a query that returns ``_row`` (row id), ``_pseudonym``, then
        the dataset's clear columns by SQL name, and mark it current for ``ds``.

        For loading generated data at scale (``benchmarks/dp.py``); the mirror is otherwise
        built from the vault when a query needs it.
        """
        want = self._wanted(ds, salt, None, None)
        with self._write_lock(SYNC_WAIT_S), self._new_generation(clone=True, skip=[ds.name]) as conn:
            staging = f"staging_{ds.table_name}"
            run_sql(conn, f'CREATE TEMP TABLE "{staging}" AS {select_sql}')
            stats = tables.index(conn, ds, salt, staging)
            run_sql(
                conn,
                "INSERT INTO veil_mirror_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [ds.name, ds.updated_at, salt, len(want.tombstones), want.consent_seq, "{}", 1, stats],
            )


#: The mirrors (folders) whose background consent refresh runs in this process.
_refreshing: set[Path] = set()
_refreshing_lock = threading.Lock()


def _current(state: tuple[Any, ...] | None, want: _Wanted, *, consent: bool) -> MirrorTable | None:
    """The dataset's table if its state row (in some generation) is current for ``want``.

    ``consent``: its consent bits must be current too (else a query lays the consent overlay
    over them, :meth:`Mirror.view`).
    """
    ds = want.ds
    if state is None:
        return None
    _name, updated_at, salt, tombstones, seq, purposes_json, version, stats = state
    purposes: dict[str, int] = json.loads(purposes_json)
    if updated_at != ds.updated_at or salt != want.salt or int(tombstones) != len(want.tombstones):
        return None
    if consent and purposes and int(seq) != want.consent_seq:
        return None
    if want.purpose is not None and want.purpose not in purposes:
        return None
    known = json.loads(stats or "{}")
    have = known.get("clamps", {})
    if any(have.get(n) != b for n, b in want.bounds.items()):
        return None
    numeric = {c.name: c for c in mirrored(ds) if c.dtype in (DType.INT, DType.FLOAT)}
    return MirrorTable(
        rows_table(ds),
        subjects_table(ds),
        purposes[want.purpose] if want.purpose is not None else None,
        int(version),
        int(known.get("_max_rank", 1 << 62)),
        {k: ColumnStats(*v) for k, v in known.get("columns", {}).items()},
        {n: f"k_{numeric[n].sql_name}" for n in want.bounds},
        consent_seq=int(seq),
    )
