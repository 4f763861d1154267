"""Encrypted backups of the data store that cannot undo an erasure.

``create`` streams the data tables (purposes, subjects, consent, datasets and their
rows) into one file, whatever the backend. The file is encrypted and authenticated
(AES-256-GCM) under a key derived for that backup from the workspace's *backup key*, a
secret in the key store wrapped by the KEK: a stolen backup alone reveals nothing, not
even the clear attributes (diagnosis, age) or the pseudonyms. Restoring needs the key
store and the KEK. The key store is never in a backup (sealed fields stay sealed twice),
and KEK rotation re-wraps the backup key, so older backups stay restorable.

File format (``veil-data-backup/2``)::

    magic "VEILBAK" 0x02 | u32 header length | header (canonical JSON) | frames...
    frame = u32 (ciphertext length | FINAL << 31) | AES-256-GCM ciphertext + tag

* key = HKDF-SHA256(backup key, salt = backup id (random, 16 bytes),
  info = "veil-backup/2|" workspace id): every backup has its own key;
* nonce of frame i = nonce prefix (random, 7 bytes) || u32 i || final flag (1 byte), so
  frames cannot be reordered, dropped or duplicated, and only the last may say "final":
  a truncated file (even cut at a frame boundary) and data after the final frame are
  refused;
* associated data of every frame = SHA-256 of the magic, length and header: the header
  (workspace, time, audit position, parameters) cannot be changed either.

Inside, the plaintext is zlib-compressed JSON lines: per table a header (columns, which
are binary), its rows as arrays (binary values base64), a row count; then a final
record with every count. The JSON is produced and parsed by the standard library; the
framing is hand-written because no maintained library offers a streaming AEAD file
format for Python (``cryptography`` provides the AES-GCM and HKDF primitives used here).

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

import base64
import hashlib
import json
import os
import stat
import struct
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection

from veil import clock
from veil.crypto.keystore import BACKUP_KEY
from veil.crypto.provider import FileKeyProvider
from veil.database import checkpoint
from veil.errors import BackupError
from veil.fileio import atomic_open
from veil.schema import DATA_TABLES, consent_events, datasets, subjects
from veil.vault.dataset import PSEUDONYM, Dataset, DatasetCatalog
from veil.vault.subject import lock_subjects

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["BackupResult", "RestoreResult", "create_backup", "describe", "restore_backup"]

FORMAT = "veil-data-backup/2"
MAGIC = b"VEILBAK\x02"
LEGACY_MAGIC = b"SQLite format 3\x00"  # veil-data-backup/1: an unencrypted SQLite file
CHUNK_BYTES = 1 << 20  # plaintext per frame
MAX_HEADER = 1 << 16
FINAL = 1 << 31
TAG_BYTES = 16
ROWS_PER_BATCH = 5000
_U32 = struct.Struct(">I")


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


def _file_key(secret: bytes, backup_id: bytes, workspace_id: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=backup_id, info=f"veil-backup/2|{workspace_id}".encode()
    ).derive(secret)


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + _U32.pack(counter) + (b"\x01" if final else b"\x00")


class _SealedWriter:
    """Frames plaintext into AES-256-GCM chunks (see the module docstring)."""

    def __init__(self, out: BinaryIO, key: bytes, header: dict[str, Any]) -> None:
        self.out = out
        self.aead = AESGCM(key)
        self.prefix = bytes.fromhex(header["nonce_prefix"])
        head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        preamble = MAGIC + _U32.pack(len(head)) + head
        self.aad = hashlib.sha256(preamble).digest()
        self.counter = 0
        self.buffer = bytearray()
        self.size = len(preamble)
        out.write(preamble)

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK_BYTES:  # keep at least one byte back for the final frame
            self._frame(bytes(self.buffer[:CHUNK_BYTES]), final=False)
            del self.buffer[:CHUNK_BYTES]

    def close(self) -> None:
        self._frame(bytes(self.buffer), final=True)
        self.buffer.clear()

    def _frame(self, plain: bytes, *, final: bool) -> None:
        if self.counter > 0xFFFFFFFF:  # pragma: no cover - 4 PiB of plaintext
            raise BackupError("backup too large for its frame counter")
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, final), plain, self.aad)
        self.out.write(_U32.pack(len(sealed) | (FINAL if final else 0)))
        self.out.write(sealed)
        self.size += _U32.size + len(sealed)
        self.counter += 1


@dataclass(frozen=True, slots=True)
class _Header:
    fields: dict[str, Any]
    aad: bytes


def _read_exact(fh: BinaryIO, n: int) -> bytes:
    data = fh.read(n)
    return data if data is not None else b""


def _read_header(fh: BinaryIO, path: Path) -> _Header:
    magic = _read_exact(fh, len(MAGIC))
    if (
        magic == LEGACY_MAGIC[: len(MAGIC)]
        and magic + _read_exact(fh, len(LEGACY_MAGIC) - len(MAGIC)) == LEGACY_MAGIC
    ):
        raise BackupError(
            f"{path} is a SQLite file, not an encrypted Veil backup: an unencrypted backup made by "
            "an older Veil (veil-data-backup/1) is not restored (it holds pseudonyms and attributes "
            "in clear); restore it with the Veil that made it, take a new backup, and delete the "
            "old file securely"
        )
    if magic != MAGIC:
        raise BackupError(f"{path} is not a Veil data backup")
    raw_len = _read_exact(fh, _U32.size)
    if len(raw_len) != _U32.size or (length := _U32.unpack(raw_len)[0]) > MAX_HEADER:
        raise BackupError(f"{path} is not a Veil data backup (damaged header)")
    head = _read_exact(fh, length)
    try:
        fields = json.loads(head)
        if not isinstance(fields, dict) or fields.get("format") != FORMAT:
            raise ValueError("format")
        bytes.fromhex(fields["backup_id"])
        if len(bytes.fromhex(fields["nonce_prefix"])) != 7:
            raise ValueError("nonce prefix")
        str(fields["workspace_id"])
        str(fields["created_at"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is not a Veil data backup (damaged header)") from exc
    return _Header(fields, hashlib.sha256(MAGIC + raw_len + head).digest())


def _frames(fh: BinaryIO, key: bytes, header: _Header, path: Path) -> Iterator[bytes]:
    """Authenticated plaintext frames, in order; raises BackupError on any damage."""
    aead = AESGCM(key)
    prefix = bytes.fromhex(header.fields["nonce_prefix"])
    counter = 0
    while True:
        raw = _read_exact(fh, _U32.size)
        if len(raw) != _U32.size:
            raise BackupError(f"{path} is truncated: it ends before its final frame")
        word = _U32.unpack(raw)[0]
        final, length = bool(word & FINAL), word & ~FINAL
        if not TAG_BYTES <= length <= CHUNK_BYTES + TAG_BYTES:
            raise BackupError(f"{path} is damaged (frame {counter} has an impossible length)")
        sealed = _read_exact(fh, length)
        if len(sealed) != length:
            raise BackupError(f"{path} is truncated: frame {counter} is cut short")
        try:
            plain = aead.decrypt(_nonce(prefix, counter, final), sealed, header.aad)
        except InvalidTag:
            raise BackupError(
                f"{path} failed authentication at frame {counter}: it was altered, reordered or cut, "
                "or it was not made with this workspace's keys"
            ) from None
        yield plain
        counter += 1
        if final:
            if _read_exact(fh, 1):
                raise BackupError(f"{path} has data after its final frame: it was altered")
            return


def _lines(frames: Iterator[bytes]) -> Iterator[bytes]:
    """Decompress and split into lines, never holding more than a few frames' worth."""
    inflate = zlib.decompressobj()
    pending = b""
    for frame in frames:
        data = frame
        while data:
            out = inflate.decompress(data, CHUNK_BYTES)
            data = inflate.unconsumed_tail
            pending += out
            *whole, pending = pending.split(b"\n")
            yield from whole
    pending += inflate.flush()
    if not inflate.eof:
        raise BackupError("backup payload is damaged (incomplete compressed stream)")
    *whole, pending = pending.split(b"\n")
    yield from whole
    if pending:
        yield pending


# -- payload records ---------------------------------------------------------------------------


class _PayloadWriter:
    def __init__(self, sink: _SealedWriter) -> None:
        self.sink = sink
        self.deflate = zlib.compressobj(6)

    def record(self, obj: Any) -> None:
        line = json.dumps(obj, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"
        self.sink.write(self.deflate.compress(line))

    def table(self, src: Connection, table: sa.Table) -> int:
        columns = [c.name for c in table.columns]
        binary = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.LargeBinary)]
        self.record({"table": table.name, "columns": columns, "binary": [columns[i] for i in binary]})
        count = 0
        result = src.execute(sa.select(table), execution_options={"yield_per": ROWS_PER_BATCH})
        for part in result.partitions():
            for row in part:
                values = list(row)
                for i in binary:
                    if values[i] is not None:
                        values[i] = base64.b64encode(bytes(values[i])).decode()
                self.record(values)
            count += len(part)
        self.record({"end": table.name, "rows": count})
        return count

    def close(self, counts: dict[str, int]) -> None:
        self.record({"done": True, "tables": counts})
        self.sink.write(self.deflate.flush())
        self.sink.close()


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
        "cipher": "AES-256-GCM",
        "kdf": "HKDF-SHA256",
        "key": f"key-store secret {BACKUP_KEY}",
        "chunk_bytes": CHUNK_BYTES,
        "nonce_prefix": os.urandom(7).hex(),
        "compression": "zlib",
    }
    counts: dict[str, int] = {}
    with atomic_open(target, mode=0o600) as out:
        sink = _SealedWriter(out, _file_key(secret, backup_id, ws.config.workspace_id), header)
        payload = _PayloadWriter(sink)
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


class _Reader:
    """Walks a backup's records in order, checking their structure."""

    def __init__(self, lines: Iterator[bytes], path: Path) -> None:
        self.lines = lines
        self.path = path

    def next(self) -> Any:
        try:
            line = next(self.lines)
        except StopIteration:
            raise self.damaged("it ends early") from None
        try:
            return json.loads(line)
        except ValueError:
            raise self.damaged("a record is not JSON") from None

    def damaged(self, why: str) -> BackupError:
        return BackupError(f"{self.path} is damaged ({why})")

    def tables(self) -> Iterator[tuple[str, list[str], set[str], Iterator[list[Any]]]]:
        """(table, columns, binary columns, rows) for each table, then checks the final record."""
        while True:
            head = self.next()
            if isinstance(head, dict) and head.get("done") is True:
                if not isinstance(head.get("tables"), dict):
                    raise self.damaged("bad final record")
                for extra in self.lines:
                    if extra.strip():
                        raise self.damaged("records after the final one")
                return
            if not (isinstance(head, dict) and isinstance(head.get("table"), str)):
                raise self.damaged("a table header is missing")
            name, columns = head["table"], head.get("columns")
            binary = head.get("binary", [])
            if not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
                raise self.damaged(f"table {name} lists no columns")
            counter = [0]
            yield name, columns, set(binary), self._rows(name, len(columns), counter)

    def _rows(self, name: str, width: int, counter: list[int]) -> Iterator[list[Any]]:
        while True:
            rec = self.next()
            if isinstance(rec, list):
                if len(rec) != width:
                    raise self.damaged(f"a row of {name} has {len(rec)} values, not {width}")
                counter[0] += 1
                yield rec
                continue
            if isinstance(rec, dict) and rec.get("end") == name and rec.get("rows") == counter[0]:
                return
            raise self.damaged(f"table {name} does not end where it says")


def _open_stream(ws: Workspace, path: Path) -> tuple[BinaryIO, _Header, Iterator[bytes]]:
    fh = _open_for_reading(ws, path)
    try:
        header = _read_header(fh, path)
        if header.fields["workspace_id"] != ws.config.workspace_id:
            raise BackupError(f"{path} was taken from another workspace; refusing to restore it here")
        key = _file_key(
            _backup_key(ws, create=False), bytes.fromhex(header.fields["backup_id"]), ws.config.workspace_id
        )
        return fh, header, _lines(_frames(fh, key, header, path))
    except BaseException:
        fh.close()
        raise


def _decoder(
    table: sa.Table, columns: list[str], binary: set[str], reader: _Reader
) -> tuple[list[str], list[int]]:
    """Check the backup's columns against the live table's; return (columns, binary indexes)."""
    live = {c.name: c for c in table.columns}
    unknown = [c for c in columns if c not in live]
    if unknown:
        raise BackupError(
            f"{reader.path}: table {table.name} has column(s) {', '.join(unknown)} that this "
            "version of Veil does not know; restore it with the version that made it"
        )
    missing = [n for n, c in live.items() if n not in columns and not c.nullable and not c.primary_key]
    if missing:
        raise reader.damaged(f"table {table.name} lacks column(s) {', '.join(missing)}")
    blobs = [i for i, c in enumerate(columns) if isinstance(live[c].type, sa.LargeBinary)]
    if {columns[i] for i in blobs} != binary:
        raise reader.damaged(f"table {table.name} marks other columns as binary")
    return columns, blobs


def _decode(rows: list[list[Any]], blobs: list[int]) -> None:
    for values in rows:
        for i in blobs:
            if values[i] is not None:
                values[i] = base64.b64decode(values[i], validate=True)


# -- restore -----------------------------------------------------------------------------------


def restore_backup(ws: Workspace, path: Path) -> RestoreResult:
    """Replace the data store's data tables with the backup's, replaying every erasure since."""
    fh, header, lines = _open_stream(ws, path)
    reader = _Reader(lines, path)
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
                    ds.table.create(dst)
                    table, key = ds.table, PSEUDONYM
                cols, blobs = _decoder(table, columns, binary, reader)
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
    dst: Connection, catalog: DatasetCatalog, table_name: str, restored: dict[str, Dataset], reader: _Reader
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
            _decode(batch, blobs)
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


def describe(path: Path, ws: Workspace | None = None, *, verify: bool = True) -> dict[str, Any]:
    """What ``veil backup show`` prints: the clear header; with ``ws``, the verified contents.

    Without a workspace only the header is read (it holds no personal data). With the
    workspace that made the backup (and ``verify``), every frame is decrypted and
    authenticated and the tables are counted (nothing is written).
    """
    fh = _open_for_reading(ws, path)
    try:
        size = os.fstat(fh.fileno()).st_size
        header = _read_header(fh, path)
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
        reader = _Reader(lines, path)
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
