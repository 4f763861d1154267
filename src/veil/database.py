"""Database engines for the data store and the key store.

SQLite (the embedded default) gets the settings that make Veil's promises hold:
``secure_delete`` so deleted rows are overwritten rather than left in free
pages, WAL with ``synchronous=NORMAL`` for fast commits, ``BEGIN IMMEDIATE`` so
a write transaction takes the write lock up front (no lost updates between readers
that later write), and a busy timeout for concurrent CLI processes.
PostgreSQL is used through psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from veil.errors import ConfigError

__all__ = [
    "WRITE_OPTION",
    "blob_params",
    "checkpoint",
    "is_sqlite",
    "make_engine",
    "marks",
    "select_in",
    "writer",
]

#: Execution option marking a write transaction (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "veil_write"


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA secure_delete=ON")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: random-key index inserts stay in memory
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the write lock up front; readers never block each other.
            write = conn.get_execution_options().get(WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if url.startswith("postgresql"):
        if not url.startswith("postgresql+psycopg://"):
            raise ConfigError(
                "use a postgresql+psycopg:// URL (psycopg 3); install it with `pip install 'veil[postgres]'`"
            )
        try:
            return sa.create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise ConfigError("PostgreSQL support needs psycopg: `pip install 'veil[postgres]'`") from exc
    raise ConfigError(f"unsupported database URL scheme in {url.split(':', 1)[0]!r}")


def bytewise(conn: Connection, column: Any) -> Any:
    """``column`` ordered by bytes on every backend (PostgreSQL's default collation may not be):
    for keyset paging and for merging sorted streams of pseudonyms in Python."""
    return sa.collate(column, "C") if conn.dialect.name == "postgresql" else column


def marks(conn: Connection, n: int) -> str:
    """``n`` bind markers in the driver's own paramstyle (for raw bulk statements)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * n)


def blob_params(values: Iterable[bytes | None]) -> list[bytearray | None]:
    """BLOB values as parameters for a bulk ``executemany`` (same stored bytes, read back as bytes).

    The sqlite3 module binds ``bytearray`` (like ``str`` and ``int``) directly, but looks
    ``bytes`` up in its adapter registry first, which costs more than copying the value (a
    failed ``__adapt__`` lookup per parameter, ~0.5 µs). psycopg stores both as ``bytea``.
    """
    return [None if v is None else bytearray(v) for v in values]


def select_in(conn: Connection, sql: str, values: Sequence[Any], chunk: int = 2000) -> list[Any]:
    """Run ``sql`` (with one ``{marks}`` placeholder inside ``IN (...)``) over ``values`` in chunks.

    The hot paths (ingest, key lookups) use this instead of SQLAlchemy's expanding
    IN parameters, whose per-statement compilation dominated bulk ingest time.
    Only bind markers are formatted into ``sql``; values are always bound.
    """
    rows: list[Any] = []
    for i in range(0, len(values), chunk):
        part = list(values[i : i + chunk])
        rows.extend(conn.exec_driver_sql(sql.format(marks=marks(conn, len(part))), tuple(part)).all())
    return rows


def writer(engine: Engine) -> Engine:
    """The same engine, for write transactions (``with writer(engine).begin() as conn``)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def checkpoint(engine: Engine) -> None:
    """Flush SQLite's WAL into the database file and truncate it.

    After an erasure this makes sure no old page images holding erased rows
    remain in the ``-wal`` file. A no-op on PostgreSQL (VACUUM is the operator's).
    """
    if is_sqlite(engine):
        raw = engine.raw_connection()  # autocommit: a checkpoint cannot run inside BEGIN
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()
        finally:
            raw.close()
