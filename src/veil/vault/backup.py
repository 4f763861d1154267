"""Encrypted backups of the data store that cannot undo an erasure.

``create`` streams the data tables (purposes, subjects, consent, datasets and their
rows) into one file, whatever the backend. The file is encrypted and authenticated
(AES-256-GCM) under a key derived for that backup from the workspace's *backup key*, a
secret in the key store wrapped by the KEK: a stolen backup alone reveals nothing, not
even the clear attributes (diagnosis, age) or the pseudonyms. Restoring needs the key
store and the KEK. The key store is never in a backup (sealed fields stay sealed twice),
and KEK rotation re-wraps the backup key, so older backups stay restorable.

The file format (``veil-data-backup/2``: AES-256-GCM frames, a per-backup key, the header
as associated data, zlib-compressed JSON lines inside) is :mod:`veil.vault.backup_format`.
The header names the data store's schema revision; a backup from a newer Veil is refused.

``restore`` replaces the data tables with the backup's in one transaction (all or
nothing: a frame that fails authentication rolls everything back), but skips every
subject that has a tombstone in the key store, so erasures made after the backup was
taken are replayed. The audit log and the privacy-budget ledger are never part of a
backup and are not rolled back by a restore.

Backups are never written inside the workspace or its key directory, onto a live file
(through a symlink, a hard link, ``..`` or another spelling of the name), nor read from
one; they are written atomically (a 0600 temporary file in the target directory,
fsynced, renamed), so a killed backup never leaves a readable or half-written file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.crypto.keystore import BACKUP_KEY
from veil.crypto.provider import FileKeyProvider
from veil.database import checkpoint
from veil.errors import BackupError
from veil.fileio import atomic_open
from veil.migrations import DATA_CHAIN
from veil.schema import DATA_TABLES, consent_events, datasets, subjects
from veil.vault.backup_format import (
    CHUNK_BYTES,
    FORMAT,
    MAGIC,
    ROWS_PER_BATCH,
    Header,
    PayloadReader,
    PayloadWriter,
    SealedWriter,
    check_columns,
    decode_blobs,
    file_key,
    frames,
    lines,
    read_header,
)
from veil.vault.dataset import PSEUDONYM, Dataset, DatasetCatalog
from veil.vault.subject import lock_subjects

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "MAGIC",
    "BackupResult",
    "RestoreResult",
    "backup_tables",
    "create_backup",
    "describe",
    "restore_backup",
]


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: str
    created_at: str
    tables: dict[str, int] = field(default_factory=dict)
    backup_id: str = ""
    bytes: int = 0

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


# -- where a backup may go ---------------------------------------------------------------------


def _live_locations(ws: Workspace) -> tuple[list[Path], list[Path]]:
    """(directories nothing may be written to or read from, live files)."""
    dirs = [ws.root, ws.config.key_path(ws.root)]
    files: list[Path] = []
    for engine in (ws.engine, ws.keystore.engine):
        database = engine.url.database
        if engine.dialect.name == "sqlite" and database and database != ":memory:":
            db = Path(database)
            files += [db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))]
    if isinstance(ws.provider, FileKeyProvider):
        files.append(ws.provider.path)
    return [d.resolve() for d in dirs], [f.resolve() for f in files]


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check_location(ws: Workspace, path: Path, verb: str) -> Path:
    """The resolved ``path`` if a backup may be ``verb`` (written/read) there; else BackupError.

    Compared both by name (after resolving symlinks and ``..``) and by inode (``samefile``
    on every existing ancestor, which also catches hard links and another case of a name on
    a case-insensitive filesystem).
    """
    given = Path(os.path.abspath(path))
    resolved = path.resolve()
    dirs, files = _live_locations(ws)
    for candidate in dict.fromkeys((given, resolved)):
        for ancestor in (candidate, *candidate.parents):
            for d in dirs:
                if ancestor == d or _same(ancestor, d):
                    raise BackupError(
                        f"refusing to {verb} a backup at {path}: it is inside the workspace's "
                        f"{'key directory' if d == dirs[1] else 'directory'} ({d}); use a path "
                        "outside the workspace and its key directory"
                    )
        for f in files:
            if candidate == f or _same(candidate, f):
                raise BackupError(
                    f"refusing to {verb} a backup at {path}: it is the workspace's live file {f}"
                )
    if resolved.is_dir():
        raise BackupError(f"{path} is a directory; name a backup file")
    return resolved


def _open_for_reading(ws: Workspace | None, path: Path) -> BinaryIO:
    """Open a backup file; with ``ws``, refuse the workspace's own files (checked on the open file)."""
    target = _check_location(ws, path, "read") if ws is not None else path
    try:
        fh = open(target, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except FileNotFoundError:
        raise BackupError(f"{path}: no such backup file") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a directory; name a backup file") from None
    if ws is not None:  # the name may have been swapped between the check and the open
        st = os.fstat(fh.fileno())
        for f in _live_locations(ws)[1]:
            try:
                live = f.stat()
            except OSError:
                continue
            if (live.st_dev, live.st_ino) == (st.st_dev, st.st_ino):
                fh.close()
                raise BackupError(f"refusing to read a backup at {path}: it is the workspace's live file {f}")
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        raise BackupError(f"{path} is not a regular file")
    return fh


# -- the sealed stream -------------------------------------------------------------------------


# -- payload records ---------------------------------------------------------------------------


# -- create ------------------------------------------------------------------------------------


def _backup_key(ws: Workspace, *, create: bool) -> bytes:
    try:
        return ws.keystore.secret(BACKUP_KEY, create=create)
    except KeyError:
        raise BackupError(
            "this workspace's key store has no backup key, so no backup was ever made with it: "
            "the file was made by another workspace or its key store was replaced"
        ) from None


def create_backup(ws: Workspace, path: Path) -> BackupResult:
    """Write an encrypted backup of the data store to ``path`` (atomically, mode 0600)."""
    target = _check_location(ws, path, "write")
    secret = _backup_key(ws, create=True)
    created = clock.now_iso()
    backup_id = os.urandom(16)
    header = {
        "format": FORMAT,
        "workspace_id": ws.config.workspace_id,
        "created_at": created,
        "backup_id": backup_id.hex(),
        "audit_seq": ws.audit.head()[0],
        "schema": DATA_CHAIN.head,
        "cipher": "AES-256-GCM",
        "kdf": "HKDF-SHA256",
        "key": f"key-store secret {BACKUP_KEY}",
        "chunk_bytes": CHUNK_BYTES,
        "nonce_prefix": os.urandom(7).hex(),
        "compression": "zlib",
    }
    counts: dict[str, int] = {}
    with atomic_open(target, mode=0o600) as out:
        sink = SealedWriter(out, file_key(secret, backup_id, ws.config.workspace_id), header)
        payload = PayloadWriter(sink)
        with ws.engine.connect() as src:
            if src.dialect.name == "postgresql":  # one snapshot for every table
                src.execution_options(isolation_level="REPEATABLE READ")
            catalog = DatasetCatalog(ws)
            dsets = [d for d in (catalog.find(n, src) for n in catalog.names(src)) if d is not None]
            for t in (*DATA_TABLES, *(ds.table for ds in dsets)):
                counts[t.name] = payload.table(src, t)
            src.rollback()
        payload.close(counts)
        size = sink.size
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "backup.create",
            details={"file": target.name, "backup_id": backup_id.hex(), "tables": counts},
        )
    return BackupResult(str(target), created, counts, backup_id.hex(), size)


# -- read --------------------------------------------------------------------------------------


def _open_stream(ws: Workspace, path: Path) -> tuple[BinaryIO, Header, Iterator[bytes]]:
    fh = _open_for_reading(ws, path)
    try:
        header = read_header(fh, path)
        if header.fields["workspace_id"] != ws.config.workspace_id:
            raise BackupError(f"{path} was taken from another workspace; refusing to restore it here")
        schema = header.fields.get("schema")  # absent in backups made before schema versions
        if schema is not None and not DATA_CHAIN.knows(str(schema)):
            raise BackupError(
                f"{path} was made by a newer Veil (data store schema revision {schema}, unknown here); "
                "restore it with that version"
            )
        key = file_key(
            _backup_key(ws, create=False), bytes.fromhex(header.fields["backup_id"]), ws.config.workspace_id
        )
        return fh, header, lines(frames(fh, key, header, path))
    except BaseException:
        fh.close()
        raise


# -- restore -----------------------------------------------------------------------------------


def restore_backup(ws: Workspace, path: Path) -> RestoreResult:
    """Replace the data store's data tables with the backup's, replaying every erasure since."""
    fh, header, lines = _open_stream(ws, path)
    reader = PayloadReader(lines, path)
    counts: dict[str, int] = {}
    dropped = 0
    fixed = {t.name: t for t in DATA_TABLES}
    order = [t.name for t in DATA_TABLES]
    subject_key = {subjects.name: "pseudonym", consent_events.name: "pseudonym"}
    try:
        with ws.transaction() as dst:
            # Tombstones are read under the write lock (PostgreSQL: the subjects lock): an erasure
            # either finished before this (its tombstone is seen) or purges after this commits.
            lock_subjects(dst, exclusive=False)
            erased = set(ws.keystore.tombstones())
            catalog = DatasetCatalog(ws)
            for live in catalog.list():
                live.table.drop(dst)
            for t in reversed(DATA_TABLES):
                dst.execute(t.delete())
            restored: dict[str, Dataset] = {}
            for name, columns, binary, rows in reader.tables():
                ds: Dataset | None = None
                if order:  # the fixed tables first, in their order; then one table per dataset
                    if name != order[0]:
                        raise reader.damaged(f"table {order[0]} expected, found {name}")
                    order.pop(0)
                    table, key = fixed[name], subject_key.get(name)
                else:
                    ds = _restored_dataset(dst, catalog, name, restored, reader)
                    ds.table.create(dst)  # a dataset's table is data (see vault/dataset.py), not schema
                    table, key = ds.table, PSEUDONYM
                cols, blobs = check_columns(table, columns, binary, reader)
                counts[name], lost = _insert(dst, table, cols, blobs, rows, erased, key)
                dropped += lost
                if ds is not None:
                    ds.create_indexes(dst)  # after the bulk load: one sorted build
            if order:
                raise reader.damaged(f"table {order[0]} is missing")
            for name in catalog.names(dst):
                if name not in restored:
                    raise reader.damaged(f"the rows of dataset {name} are missing")
            # The datasets changed under their old timestamps: mark them so that every derived
            # copy (the DP mirror) rebuilds instead of trusting what it had.
            now = clock.now_iso()
            dst.execute(datasets.update().values(updated_at=now))
            ws.audit.append(
                dst,
                "backup.restore",
                details={
                    "file": Path(path).name,
                    "backup_id": header.fields["backup_id"],
                    "backup_created_at": header.fields["created_at"],
                    "erasures_replayed": len(erased),
                    "rows_not_restored": dropped,
                    "tables": counts,
                },
            )
    finally:
        fh.close()
    checkpoint(ws.engine)
    return RestoreResult(str(path), str(header.fields["created_at"]), counts, len(erased), dropped)


def _restored_dataset(
    dst: Connection,
    catalog: DatasetCatalog,
    table_name: str,
    restored: dict[str, Dataset],
    reader: PayloadReader,
) -> Dataset:
    """The dataset (restored a moment ago from the backup's catalogue) whose table this is."""
    for name in catalog.names(dst):
        ds = catalog.find(name, dst)
        if ds is not None and ds.table_name == table_name:
            if name in restored:
                raise reader.damaged(f"table {table_name} appears twice")
            restored[name] = ds
            return ds
    raise reader.damaged(f"table {table_name} belongs to no dataset in the backup")


def _insert(
    dst: Connection,
    table: sa.Table,
    columns: list[str],
    blobs: list[int],
    rows: Iterator[list[Any]],
    erased: set[str],
    key: str | None,
) -> tuple[int, int]:
    at = columns.index(key) if key is not None and key in columns else None
    kept = lost = 0
    batch: list[list[Any]] = []

    def flush() -> None:
        nonlocal kept
        if batch:
            decode_blobs(batch, blobs)
            dst.execute(table.insert(), [dict(zip(columns, values, strict=True)) for values in batch])
            kept += len(batch)
            batch.clear()

    for values in rows:
        if at is not None and values[at] in erased:
            lost += 1
            continue
        batch.append(values)
        if len(batch) >= ROWS_PER_BATCH:
            flush()
    flush()
    return kept, lost


# -- describe ----------------------------------------------------------------------------------


def backup_tables(
    ws: Workspace, path: Path
) -> Iterator[tuple[dict[str, Any], str, list[str], Iterator[list[Any]]]]:
    """Decrypt and walk a backup of this workspace: (header fields, table, columns, rows) per table.

    For reading what a backup holds (a breach assessment of a leaked backup file): nothing is
    written, every frame is authenticated, and the caller must drain each table's rows before
    asking for the next table.
    """
    fh, header, stream = _open_stream(ws, path)
    try:
        for name, columns, _binary, rows in PayloadReader(stream, path).tables():
            yield header.fields, name, columns, rows
    finally:
        fh.close()


def describe(path: Path, ws: Workspace | None = None, *, verify: bool = True) -> dict[str, Any]:
    """What ``veil backup show`` prints: the clear header; with ``ws``, the verified contents.

    Without a workspace only the header is read (it holds no personal data). With the
    workspace that made the backup (and ``verify``), every frame is decrypted and
    authenticated and the tables are counted (nothing is written).
    """
    fh = _open_for_reading(ws, path)
    try:
        size = os.fstat(fh.fileno()).st_size
        header = read_header(fh, path)
    finally:
        fh.close()
    info: dict[str, Any] = {"file": str(path), "bytes": size, "encrypted": True, **header.fields}
    if ws is None:
        return info
    info["belongs_to_workspace"] = header.fields["workspace_id"] == ws.config.workspace_id
    if not (verify and info["belongs_to_workspace"]):
        return info
    fh, _, lines = _open_stream(ws, path)
    try:
        reader = PayloadReader(lines, path)
        counts: dict[str, int] = {}
        names: list[str] = []
        for name, columns, _binary, rows in reader.tables():
            if name == datasets.name and "name" in columns:
                at = columns.index("name")
                counts[name] = 0
                for row in rows:
                    names.append(str(row[at]))
                    counts[name] += 1
            else:
                counts[name] = sum(1 for _ in rows)
    finally:
        fh.close()
    info["verified"] = True
    info["datasets"] = sorted(names)
    info["tables"] = counts
    return info
