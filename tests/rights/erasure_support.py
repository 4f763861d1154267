"""Shared checks and helpers for the erasure tests (imported by the test modules beside it)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import sqlalchemy as sa

from veil.dp.mirror import Mirror
from veil.errors import BusyError
from veil.rights.access import export_subject
from veil.schema import consent_events, datasets, subjects
from veil.vault.extract import Releaser
from veil.workspace import Workspace


def rows_of(ws: Workspace, pseudonym: str) -> dict[str, int]:
    """Rows of ``pseudonym`` in every data-store table that can hold a subject's rows."""
    out: dict[str, int] = {}
    with ws.engine.connect() as conn:
        tables = [str(r[0]) for r in conn.execute(sa.select(datasets.c.table_name))]
        for table in tables:
            t = sa.table(table, sa.column("_pseudonym"))
            out[table] = int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t).where(t.c["_pseudonym"] == pseudonym)
                ).scalar_one()
            )
        for fixed in (subjects, consent_events):
            out[fixed.name] = int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(fixed).where(fixed.c.pseudonym == pseudonym)
                ).scalar_one()
            )
    return out


def mirror_rows_of(ws: Workspace, pseudonym: str) -> int:
    """Rows of ``pseudonym`` in the current generation of the DP mirror (0 without a mirror)."""
    mirror = Mirror(ws)
    try:
        with mirror.reading() as cur:
            names = [r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()]
            total = 0
            for name in names:
                if name.startswith("subjects_"):
                    found = cur.execute(f'SELECT count(*) FROM "{name}" WHERE pseudonym = ?', [pseudonym])
                    total += int(found.fetchall()[0][0])
            return total
    except BusyError:  # no mirror yet
        return 0
    finally:
        Mirror.close_all()


def released_pseudonyms(ws: Workspace, dataset: str, purpose: str, out: Path) -> set[str]:
    Releaser(ws).release(dataset, purpose, out)
    return set(pq.read_table(out).column("pseudonym").to_pylist())


def assert_fully_erased(ws: Workspace, subject_id: str, tmp: Path, *, dataset: str, purpose: str) -> None:
    """The subject is gone from every store, and nothing about the erasure is left pending."""
    p = ws.pseudonymize(subject_id)
    assert ws.keystore.tombstone(p) is not None
    assert ws.keystore.get(p) is None, "a data key exists for an erased subject"
    assert set(rows_of(ws, p).values()) == {0}, rows_of(ws, p)
    assert ws.keystore.journal.pending(p) == []
    export = export_subject(ws, subject_id)
    assert export.status == "erased" and export.erasure_pending == [] and export.datasets == {}
    assert p not in released_pseudonyms(ws, dataset, purpose, tmp / f"check-{time.monotonic_ns()}.parquet")
    assert mirror_rows_of(ws, p) == 0


@contextmanager
def sqlite_write_lock(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the SQLite database's write lock (BEGIN IMMEDIATE) until exit."""
    script = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"  # hold until the test closes stdin
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@contextmanager
def mirror_held(root: Path) -> Iterator[None]:
    """Another process holding the DP mirror's writers' lock (as a `veil query` rebuilding it)."""
    script = (
        "import fcntl, os, sys\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    (root / "analytics").mkdir(mode=0o700, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(root / "analytics" / "mirror.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
