"""Reading the analytics mirror: one read-only connection per process, and the views queries use.

A generation of the mirror (see :mod:`veil.dp.mirror`) is immutable once published, so
readers never take a lock: each process keeps one read-only DuckDB connection to the
current generation, shared by its queries and closed :data:`IDLE_CLOSE_S` after the last
one. A :class:`MirrorView` is a cursor on the generation a dataset was checked against,
and gives an engine its rows *through the release gate*: :meth:`MirrorView.relation`
keeps only the release's allowed columns and lawful subjects (the purpose's consent
bit, subjects past the purpose's retention left out; tombstoned subjects are never in a
current generation).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from veil.dp.plan import ColumnStats
from veil.errors import BusyError
from veil.vault.dataset import Column, Dataset, DType

if TYPE_CHECKING:
    from veil.vault.release import Release

__all__ = [
    "DUCK_TYPES",
    "IDLE_CLOSE_S",
    "Generation",
    "MirrorTable",
    "MirrorView",
    "acquire",
    "close_all",
    "mirrored",
    "release_generation",
    "rows_table",
    "run_sql",
    "sids",
    "subjects_table",
]

DUCK_TYPES = {
    DType.INT: "BIGINT",
    DType.FLOAT: "DOUBLE",
    DType.BOOL: "BOOLEAN",
    DType.DATE: "VARCHAR",
    DType.TIMESTAMP: "VARCHAR",
    DType.TEXT: "VARCHAR",
}
#: A process's read-only connection is closed this long after its last query, so that an idle
#: process (an API server) does not keep a generation an erasure has replaced open on disk.
IDLE_CLOSE_S = 2.0


@dataclass(frozen=True, slots=True)
class MirrorTable:
    """Where a dataset's rows are in the mirror, and the purpose bit to filter on (None: all)."""

    table: str
    #: the table of the dataset's subjects (pseudonym -> ``sid``)
    subjects: str
    lawful_bit: int | None
    version: int
    #: The largest ``_rk`` (rows of the busiest subject): a bound at or above it filters nothing.
    max_rank: int = 0
    #: min / max / nulls of the numeric columns over all mirrored rows (lets the plan skip no-op clamps).
    stats: dict[str, ColumnStats] = field(default_factory=dict)
    #: column name -> mirror column holding it clamped to the policy's current bounds
    clamped: dict[str, str] = field(default_factory=dict)
    #: The consent event (``seq``) the generation's bits are current up to.
    consent_seq: int = 0
    #: The consent overlay (see :meth:`veil.dp.mirror.Mirror.view`): subjects (``sid``) whose
    #: consent for the purpose changed since ``consent_seq`` and stands now / is withdrawn now.
    granted: tuple[int, ...] = ()
    withdrawn: tuple[int, ...] = ()


def run_sql(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> None:
    """Execute a statement and drain its result (DuckDB wants that before the next one)."""
    cur.execute(sql, params).fetchall()


def rows_table(ds: Dataset) -> str:
    return f"rows_{ds.table_name}"


def subjects_table(ds: Dataset) -> str:
    return f"subjects_{ds.table_name}"


def mirrored(ds: Dataset) -> list[Column]:
    """The columns the mirror holds: every clear column (purposes are applied per query)."""
    return [c for c in ds.columns if not c.sealed and c.dtype in DUCK_TYPES]


# -- process-wide read-only connections, one per workspace mirror ---------------------------


@dataclass(slots=True)
class Generation:
    number: int
    conn: duckdb.DuckDBPyConnection
    #: The generation's ``veil_mirror_state`` rows by dataset: read once, it never changes.
    states: dict[str, tuple[Any, ...]]
    users: int = 0
    stale: bool = False
    idle: threading.Timer | None = None


_readers: dict[Path, Generation] = {}
_global = threading.Lock()


def acquire(key: Path, pointer: Callable[[], int | None], file: Callable[[int], Path]) -> Generation | None:
    """The process's read-only connection to the current generation (None: no mirror yet).

    ``key`` names the mirror (its folder), ``pointer`` reads the current generation number
    and ``file`` gives a generation's path.
    """
    with _global:
        for _attempt in range(20):
            number = pointer()
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
                conn = duckdb.connect(str(file(number)), read_only=True)
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
            gen = Generation(number, conn, {str(r[0]): tuple(r) for r in rows}, users=1)
            _readers[key] = gen
            return gen
    raise BusyError("the analytics mirror changed many times while opening it; retry")


def close_all() -> None:
    """Close every cached read-only connection of this process."""
    with _global:
        for gen in _readers.values():
            gen.stale = True
            if gen.idle is not None:
                gen.idle.cancel()
            if gen.users == 0:
                gen.conn.close()
        _readers.clear()


# Close every cached connection in the main thread before the interpreter goes away (an
# idle-close timer must never be inside DuckDB while daemon threads are torn down).
atexit.register(close_all)


class MirrorView:
    """A dataset's mirror table and a read-only cursor on the generation it was checked in."""

    def __init__(self, table: MirrorTable, cursor: duckdb.DuckDBPyConnection, gen: Generation, dir_: Path):
        self.table = table
        self.cursor = cursor
        self._gen: Generation | None = gen
        self._dir = dir_

    def selection(self, release: Release) -> tuple[list[str], list[str]]:
        """The release's part of the mirrored rows: (columns, conditions).

        Columns: ``_sid``, ``_row``, each column the purpose allows and its clamped copy;
        conditions: the purpose's consent bit with the consent overlay laid over it (a grant
        since the generation lets its subject in, a withdrawal keeps them out), and no subject
        past the purpose's retention.
        """
        t = self.table
        allowed = [c for c in mirrored(release.dataset) if release.allows(c)]
        names = ["_sid", "_row"] + [f'"{c.sql_name}"' for c in allowed]
        names += [f'"{t.clamped[c.name]}"' for c in allowed if c.name in t.clamped]
        conditions = []
        if t.lawful_bit is not None:
            lawful = f"(_lawful & {t.lawful_bit}) <> 0"
            if t.granted:
                lawful = f"({lawful} OR _sid IN ({', '.join(str(s) for s in t.granted)}))"
            conditions.append(lawful)
            if t.withdrawn:
                conditions.append(f"_sid NOT IN ({', '.join(str(s) for s in t.withdrawn)})")
        expired = self.sids(release.expired())
        if expired:
            conditions.append(f"_sid NOT IN ({', '.join(str(s) for s in expired)})")
        return names, conditions

    def relation(self, release: Release, max_rows: int) -> str:
        """SQL of the release's rows, each subject cut to its first ``max_rows`` (``_rk``)."""
        names, conditions = self.selection(release)
        if self.table.max_rank > max_rows:  # else no subject has rows to drop
            conditions.insert(0, f"_rk <= {int(max_rows)}")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return f'SELECT {", ".join(names)} FROM "{self.table.table}"{where}'  # noqa: S608

    def sids(self, pseudonyms: list[str]) -> list[int]:
        """The mirror's subject numbers of these pseudonyms (those it holds)."""
        return sids(self.cursor, self.table.subjects, pseudonyms)

    def export_parquet(self, ds: Dataset, directory: Path) -> Path:
        """Write the rows (without ``_rk``) as Parquet for Spark; reused while the version is current."""
        out = directory / f"{ds.table_name}-v{self.table.version}.parquet"
        if out.exists():
            return out
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in directory.glob(f"{ds.table_name}-v*.parquet"):
            old.unlink(missing_ok=True)
        tmp = directory / f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        cols = mirrored(ds)
        names = ", ".join(["_sid", "_row", "_lawful"] + [f'"{c.sql_name}"' for c in cols])
        try:
            run_sql(
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
            release_generation(self._gen)
            self._gen = None

    def __enter__(self) -> MirrorView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sids(cursor: duckdb.DuckDBPyConnection, subjects: str, pseudonyms: list[str]) -> list[int]:
    """The subject numbers (``sid``) the table ``subjects`` gives these pseudonyms (those it holds)."""
    found: list[int] = []
    for i in range(0, len(pseudonyms), 500):
        chunk = pseudonyms[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = cursor.execute(
            f'SELECT sid FROM "{subjects}" WHERE pseudonym IN ({marks})',  # noqa: S608
            chunk,
        ).fetchall()
        found += [int(r[0]) for r in rows]
    return sorted(found)


def release_generation(gen: Generation) -> None:
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


def _close_idle(gen: Generation) -> None:
    with _global:
        if gen.users == 0 and not gen.stale:
            gen.stale = True
            gen.conn.close()
            for key, cached in list(_readers.items()):
                if cached is gen:
                    del _readers[key]
