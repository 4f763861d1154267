"""Backups of the data store that cannot undo an erasure.

``create`` copies the data tables (purposes, subjects, consent, datasets and
their rows) into a standalone SQLite file, whatever the backend. It holds no
key: sealed fields stay sealed, and the key store is backed up on its own terms.

``restore`` replaces the data tables with the backup's, but skips every subject
that has a tombstone in the key store, so erasures made after the backup was
taken are replayed: their rows are not written back, and even a copy of the
backup read by hand only holds ciphertext whose data key no longer exists.
The audit log is never part of a backup and is not rolled back by a restore.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.database import checkpoint
from veil.errors import BackupError
from veil.fileio import atomic_path
from veil.schema import DATA_TABLES, consent_events, dataset_columns, datasets, subjects
from veil.vault.dataset import PSEUDONYM, Dataset, DatasetCatalog

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["BackupResult", "RestoreResult", "create_backup", "restore_backup"]

FORMAT = "veil-data-backup/1"
_manifest = sa.Table(
    "backup_manifest",
    sa.MetaData(),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: str
    created_at: str
    tables: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    path: str
    backup_created_at: str
    tables: dict[str, int] = field(default_factory=dict)
    erasures_replayed: int = 0
    rows_not_restored: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _copy(
    src: Connection, dst: Connection, table: sa.Table, skip: set[str] | None = None, key: str | None = None
) -> tuple[int, int]:
    copied = dropped = 0
    result = src.execution_options(yield_per=CHUNK).execute(sa.select(table))
    for part in result.partitions():
        rows = [dict(r._mapping) for r in part]
        if skip and key:
            kept = [r for r in rows if r[key] not in skip]
            dropped += len(rows) - len(kept)
            rows = kept
        if rows:
            dst.execute(table.insert(), rows)
        copied += len(rows)
    return copied, dropped


def create_backup(ws: Workspace, path: Path) -> BackupResult:
    created = clock.now_iso()
    counts: dict[str, int] = {}
    with atomic_path(path, mode=0o600) as tmp:
        tmp.unlink()
        target = sa.create_engine(f"sqlite:///{tmp}")  # rollback journal: one self-contained file
        try:
            with ws.engine.connect() as src, target.begin() as dst:
                _manifest.create(dst)
                meta = sa.MetaData()
                for t in DATA_TABLES:
                    t.to_metadata(meta)
                meta.create_all(dst)
                dsets = DatasetCatalog(ws).list()
                for ds in dsets:
                    ds.table.create(dst)
                for t in (*DATA_TABLES, *(ds.table for ds in dsets)):
                    counts[t.name] = _copy(src, dst, t)[0]
                dst.execute(
                    _manifest.insert(),
                    [
                        {"key": "format", "value": FORMAT},
                        {"key": "workspace_id", "value": ws.config.workspace_id},
                        {"key": "created_at", "value": created},
                        {"key": "audit_seq", "value": str(ws.audit.head()[0])},
                    ],
                )
        finally:
            target.dispose()
    with ws.transaction() as conn:
        ws.audit.append(conn, "backup.create", details={"file": path.name, "tables": counts})
    return BackupResult(str(path), created, counts)


def _manifest_of(conn: Connection, path: Path) -> dict[str, str]:
    try:
        manifest = {r.key: r.value for r in conn.execute(sa.select(_manifest))}
    except sa.exc.DatabaseError:
        raise BackupError(f"{path} is not a Veil data backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Veil data backup (format {manifest.get('format')!r})")
    return manifest


def restore_backup(ws: Workspace, path: Path) -> RestoreResult:
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    source = _read_only(path)
    erased = set(ws.keystore.tombstones())
    counts: dict[str, int] = {}
    dropped = 0
    try:
        with source.connect() as src:
            manifest = _manifest_of(src, path)
            if manifest.get("workspace_id") != ws.config.workspace_id:
                raise BackupError(f"{path} was taken from another workspace; refusing to restore it here")
            backup_sets = [
                _dataset_from_backup(src, name)
                for name in [r[0] for r in src.execute(sa.select(datasets.c.name))]
            ]
            with ws.transaction() as dst:
                for ds in DatasetCatalog(ws).list():
                    ds.table.drop(dst)
                for t in reversed(DATA_TABLES):
                    dst.execute(t.delete())
                for t in DATA_TABLES:
                    key = "pseudonym" if t in (subjects, consent_events) else None
                    counts[t.name], d = _copy(src, dst, t, erased, key)
                    dropped += d
                for ds in backup_sets:
                    ds.table.create(dst)
                    counts[ds.table_name], d = _copy(src, dst, ds.table, erased, PSEUDONYM)
                    dropped += d
                    ds.create_indexes(dst)
                ws.audit.append(
                    dst,
                    "backup.restore",
                    details={
                        "file": path.name,
                        "backup_created_at": manifest["created_at"],
                        "erasures_replayed": len(erased),
                        "rows_not_restored": dropped,
                        "tables": counts,
                    },
                )
    finally:
        source.dispose()
    checkpoint(ws.engine)
    return RestoreResult(str(path), manifest["created_at"], counts, len(erased), dropped)


def _dataset_from_backup(conn: Connection, name: str) -> Dataset:
    from veil.vault.dataset import _load

    ds = _load(conn, name)
    if ds is None:  # pragma: no cover - names come from the same table
        raise BackupError(f"backup lists dataset {name!r} without its columns")
    return ds


def describe(path: Path) -> dict[str, Any]:
    """The manifest of a backup file (for `veil backup show`)."""
    engine = _read_only(path)
    try:
        with engine.connect() as conn:
            info: dict[str, Any] = dict(_manifest_of(conn, path))
            info["datasets"] = [r[0] for r in conn.execute(sa.select(dataset_columns.c.dataset).distinct())]
    finally:
        engine.dispose()
    return info


def _read_only(path: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
