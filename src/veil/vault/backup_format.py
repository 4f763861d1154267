"""The backup file format (``veil-data-backup/2``): sealed frames and the records inside.

See :mod:`veil.vault.backup` for what a backup holds and how it is made and restored; this
module is the file itself::

    magic "VEILBAK" 0x02 | u32 header length | header (canonical JSON) | frames...
    frame = u32 (ciphertext length | FINAL << 31) | AES-256-GCM ciphertext + tag

* key = HKDF-SHA256(backup key, salt = backup id (random, 16 bytes),
  info = "veil-backup/2|" workspace id): every backup has its own key;
* nonce of frame i = nonce prefix (random, 7 bytes) || u32 i || final flag (1 byte), so
  frames cannot be reordered, dropped or duplicated, and only the last may say "final":
  a truncated file (even cut at a frame boundary) and data after the final frame are
  refused;
* associated data of every frame = SHA-256 of the magic, length and header: the header
  (workspace, time, audit position, schema revision, parameters) cannot be changed either.

Inside, the plaintext is zlib-compressed JSON lines: per table a header (columns, which
are binary), its rows as arrays (binary values base64), a row count; then a final
record with every count. The JSON is produced and parsed by the standard library; the
framing is hand-written because no maintained library offers a streaming AEAD file
format for Python (``cryptography`` provides the AES-GCM and HKDF primitives used here).
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection

from veil.errors import BackupError

__all__ = [
    "CHUNK_BYTES",
    "FORMAT",
    "MAGIC",
    "ROWS_PER_BATCH",
    "Header",
    "PayloadReader",
    "PayloadWriter",
    "SealedWriter",
    "check_columns",
    "decode_blobs",
    "file_key",
    "frames",
    "lines",
    "read_header",
]

FORMAT = "veil-data-backup/2"
MAGIC = b"VEILBAK\x02"
LEGACY_MAGIC = b"SQLite format 3\x00"  # veil-data-backup/1: an unencrypted SQLite file
CHUNK_BYTES = 1 << 20  # plaintext per frame
MAX_HEADER = 1 << 16
FINAL = 1 << 31
TAG_BYTES = 16
ROWS_PER_BATCH = 5000
_U32 = struct.Struct(">I")


# -- the sealed stream -------------------------------------------------------------------------


def file_key(secret: bytes, backup_id: bytes, workspace_id: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=backup_id, info=f"veil-backup/2|{workspace_id}".encode()
    ).derive(secret)


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + _U32.pack(counter) + (b"\x01" if final else b"\x00")


class SealedWriter:
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
class Header:
    fields: dict[str, Any]
    aad: bytes


def _read_exact(fh: BinaryIO, n: int) -> bytes:
    data = fh.read(n)
    return data if data is not None else b""


def read_header(fh: BinaryIO, path: Path) -> Header:
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
    return Header(fields, hashlib.sha256(MAGIC + raw_len + head).digest())


def frames(fh: BinaryIO, key: bytes, header: Header, path: Path) -> Iterator[bytes]:
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


def lines(frames: Iterator[bytes]) -> Iterator[bytes]:
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


class PayloadWriter:
    def __init__(self, sink: SealedWriter) -> None:
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


# -- reading records -----------------------------------------------------------------------------


class PayloadReader:
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


def check_columns(
    table: sa.Table, columns: list[str], binary: set[str], reader: PayloadReader
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


def decode_blobs(rows: list[list[Any]], blobs: list[int]) -> None:
    for values in rows:
        for i in blobs:
            if values[i] is not None:
                values[i] = base64.b64decode(values[i], validate=True)
