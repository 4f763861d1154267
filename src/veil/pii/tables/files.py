"""Files of documents: their kinds, streamed reading, and the writer of tables.

``.txt`` / ``.log`` hold one document per line (endings kept), ``.jsonl`` / ``.ndjson`` one
JSON object per line, ``.csv`` / ``.tsv`` / ``.parquet`` tables (read by
:func:`veil.vault.reader.open_table`). Everything is read in batches; the byte position
read so far comes with each batch for progress reports.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from veil.errors import InputError
from veil.vault.reader import FORMATS, open_table

__all__ = [
    "TEXT_COLUMN",
    "FileKind",
    "Line",
    "ProgressFn",
    "TableWriter",
    "check_input",
    "check_output",
    "columns_of",
    "file_kind",
    "jsonl_keys",
    "parse_record",
    "read_documents",
    "read_lines",
    "read_sample",
    "require",
]

FileKind = Literal["txt", "jsonl", "csv", "parquet"]
ProgressFn = Callable[[int, int], None]

#: The one column of a ``.txt`` file.
TEXT_COLUMN = "text"
_TXT_SUFFIXES = {".txt", ".log"}


def file_kind(path: Path) -> FileKind:
    suffix = path.suffix.lower()
    if suffix in _TXT_SUFFIXES:
        return "txt"
    fmt = FORMATS.get(suffix)
    if fmt in ("csv", "jsonl", "parquet"):
        return fmt  # type: ignore[return-value]
    raise InputError(
        f"{path}: unsupported file type {suffix!r}; use .txt, .log, .jsonl, .csv, .tsv or .parquet"
    )


def check_input(path: Path) -> FileKind:
    kind = file_kind(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    return kind


def check_output(path: Path, out: Path, kind: FileKind) -> None:
    if file_kind(out) != kind:
        raise InputError(f"{out}: write the output in the input's format ({kind}, like {path.name})")
    if out.resolve() == path.resolve():
        raise InputError(f"{out}: the output must not overwrite the input")


# -- reading lines -----------------------------------------------------------------------------
@dataclass(slots=True)
class Line:
    number: int
    body: str
    ending: str


def read_lines(path: Path, batch: int) -> Iterator[tuple[list[Line], int]]:
    """Batches of lines with their endings, and the bytes read so far."""
    done = 0
    out: list[Line] = []
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            done += len(raw)
            body = raw.rstrip(b"\r\n")
            try:
                text = body.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{path}: line {number} is not valid UTF-8 text") from None
            out.append(Line(number, text, raw[len(body) :].decode()))
            if len(out) == batch:
                yield out, done
                out = []
    if out:
        yield out, done


def parse_record(path: Path, line: Line) -> dict[str, Any] | None:
    if not line.body.strip():
        return None
    try:
        record = json.loads(line.body)
    except json.JSONDecodeError:
        raise InputError(f"{path}: line {line.number} is not valid JSON") from None
    if not isinstance(record, dict):
        raise InputError(f"{path}: line {line.number} is not a JSON object")
    return record


def jsonl_keys(path: Path) -> list[str]:
    for batch, _ in read_lines(path, 100):
        for line in batch:
            record = parse_record(path, line)
            if record is not None:
                return list(record)
    raise InputError(f"{path}: no records")


def columns_of(path: Path, kind: FileKind, delimiter: str | None = None) -> list[str]:
    if kind == "txt":
        return [TEXT_COLUMN]
    if kind == "jsonl":
        return jsonl_keys(path)
    reader = open_table(path, batch_rows=1, delimiter=delimiter)
    reader.close()
    return list(reader.names)


def require(path: Path, names: Sequence[str], wanted: Sequence[str], what: str) -> None:
    missing = [w for w in wanted if w not in names]
    if missing:
        raise InputError(
            f"{path}: no {what} {', '.join(repr(m) for m in missing)}; it has {', '.join(names) or 'none'}"
        )


def read_sample(path: Path, kind: FileKind, rows: int, delimiter: str | None = None) -> dict[str, list[Any]]:
    if kind == "txt":
        lines: list[Any] = []
        for first, _ in read_lines(path, rows):
            lines = [line.body for line in first]
            break
        return {TEXT_COLUMN: lines}
    reader = open_table(path, batch_rows=min(rows, 10_000), delimiter=delimiter)
    try:
        sample: dict[str, list[Any]] = {n: [] for n in reader.names}
        taken = 0
        for batch in reader:
            need = rows - taken
            for name, values in batch.columns.items():
                sample[name].extend(values[:need])
            taken += min(need, batch.size)
            if taken >= rows:
                break
    finally:
        reader.close()
    return sample


def read_documents(
    path: Path, kind: FileKind, text_field: str, batch: int, delimiter: str | None = None
) -> Iterator[tuple[list[str | None], int]]:
    """Batches of documents (``None``: no text) and the bytes read so far."""
    if kind == "txt":
        for lines, done in read_lines(path, batch):
            yield [line.body for line in lines], done
        return
    if kind == "jsonl":
        require(path, jsonl_keys(path), [text_field], "text field")
        for lines, done in read_lines(path, batch):
            docs: list[str | None] = []
            for line in lines:
                record = parse_record(path, line)
                value = None if record is None else record.get(text_field)
                if value is not None and not isinstance(value, str):
                    raise InputError(f"{path}: line {line.number}: field {text_field!r} is not a string")
                docs.append(value)
            yield docs, done
        return
    reader = open_table(path, batch_rows=batch, delimiter=delimiter)
    try:
        require(path, reader.names, [text_field], "column")
        for b in reader:
            yield [v if isinstance(v, str) else None for v in b.columns[text_field]], reader.bytes_read
    finally:
        reader.close()


class TableWriter:
    """CSV/TSV or Parquet out; changed Parquet columns become strings."""

    def __init__(
        self,
        tmp: Path,
        out: Path,
        source: Path,
        names: list[str],
        changed: set[str],
        delimiter: str | None = None,
    ) -> None:
        self.names = names
        self._csv: Any = None
        self._fh: IO[str] | None = None
        self._parquet: pq.ParquetWriter | None = None
        if file_kind(out) == "csv":
            self._fh = tmp.open("w", encoding="utf-8", newline="")
            # .tsv: tabs; .csv: the input's delimiter (a ';' file stays ';'), else ','
            tsv = out.suffix.lower() == ".tsv"
            sep = "\t" if tsv else (delimiter if delimiter not in (None, "\t") else ",")
            self._csv = csv.writer(self._fh, delimiter=sep)
            self._csv.writerow(names)
        else:
            schema = pq.read_schema(source).remove_metadata()
            for name in changed:
                i = schema.get_field_index(name)
                schema = schema.set(i, pa.field(name, pa.string()))
            self.schema = schema
            self._parquet = pq.ParquetWriter(str(tmp), schema)

    def write(self, cols: dict[str, list[Any]], size: int) -> None:
        if self._csv is not None:
            self._csv.writerows(
                ["" if cols[n][i] is None else cols[n][i] for n in self.names] for i in range(size)
            )
        elif self._parquet is not None:
            self._parquet.write_table(pa.Table.from_pydict(cols, schema=self.schema))

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._parquet is not None:
            self._parquet.close()
