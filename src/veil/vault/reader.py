"""Streaming readers for CSV, JSONL and Parquet: fixed-size batches, constant memory.

Every reader yields :class:`Batch` objects (column name -> list of values) and
reports how far it got, for progress bars. Errors name the file and the row or
line, never the content of the row (which may be personal data).

A ``.csv`` file's delimiter is detected from its first 64 KiB (``,``, ``;``, tab or
``|``: the one that splits the header into the most columns and every sampled row
into as many), unless one is given; ``.tsv`` files are tab-separated.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from veil.errors import InputError

__all__ = [
    "DELIMITERS",
    "FORMATS",
    "SNIFF_BYTES",
    "Batch",
    "TableReader",
    "open_table",
    "parse_delimiter",
    "sniff_delimiter",
]

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: Delimiters ``sniff_delimiter`` considers, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")
#: Bytes of a CSV file read to detect its delimiter.
SNIFF_BYTES = 64 * 1024
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def parse_delimiter(text: str) -> str:
    """A ``--delimiter`` value: one character, or ``tab``/``\\t``, ``comma``, ``semicolon``, ``pipe``."""
    value = _DELIMITER_NAMES.get(text.lower(), text)
    if len(value) != 1 or value in {'"', "\n", "\r"} or (value.isalnum() and value.isascii()):
        raise InputError(
            f"delimiter {text!r} is not usable: give one character such as ',' ';' '|' or 'tab' "
            "(not a letter, a digit, a quote or a line break)"
        )
    return value


def sniff_delimiter(sample: str, *, complete: bool = True) -> str:
    """The delimiter of a CSV text sample (its first bytes); ``,`` when nothing fits better.

    A candidate must split the header into two or more columns; among those, the one whose
    sampled rows most often have exactly the header's number of fields wins, then the one
    with more columns, then the earlier in :data:`DELIMITERS`. ``complete`` says whether the
    sample is the whole file (else its last, possibly cut, record is ignored). Quoted values
    (with delimiters or line breaks inside) are parsed as CSV, as the reader will.
    """
    best: tuple[float, int] | None = None
    chosen = ","
    for candidate in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate) if r]
        except csv.Error:  # e.g. a field longer than csv.field_size_limit(): not this delimiter
            continue
        if not complete and len(records) > 1:
            records = records[:-1]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        body = records[1:]
        fit = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (fit, width)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


@dataclass(slots=True)
class Batch:
    columns: dict[str, list[Any]]
    size: int
    first_row: int  # 1-based number of the batch's first data row (JSONL: its line)
    unit: str  # "row" or "line"

    def where(self, i: int) -> str:
        return f"{self.unit} {self.first_row + i}"


class TableReader:
    """Iterate a file as batches. ``names`` is known once the reader is opened."""

    def __init__(self, path: Path, batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        self.names: list[str] = []
        self.delimiter: str | None = None  # a CSV file's delimiter (given or detected); None otherwise
        self.total_bytes = path.stat().st_size
        self._fh: Any = None  # a Python or Arrow file; both have tell() and close()

    @property
    def bytes_read(self) -> int:
        try:
            return self._fh.tell() if self._fh is not None else 0
        except (ValueError, OSError):
            return self.total_bytes

    def __iter__(self) -> Iterator[Batch]:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    def _check_names(self) -> None:
        seen: set[str] = set()
        for name in self.names:
            if not name.strip():
                raise InputError(f"{self.path}: a column has an empty name")
            if name in seen:
                raise InputError(f"{self.path}: column {name!r} appears twice")
            seen.add(name)


class _CsvReader(TableReader):
    def __init__(self, path: Path, batch_rows: int, delimiter: str | None = None) -> None:
        super().__init__(path, batch_rows)
        if delimiter is not None:
            self.delimiter = parse_delimiter(delimiter)
        elif path.suffix.lower() == ".tsv":
            self.delimiter = "\t"
        else:
            self.delimiter = self._sniff()
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                header = next(csv.reader(fh, delimiter=self.delimiter), None)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text; convert it to UTF-8 first") from None
        if not header:
            raise InputError(f"{path}: empty file (no header row)")
        self.names = [h.strip() for h in header]
        self._check_names()
        self._bad_row: int | None = None
        self._bad_fields = 0

    def _sniff(self) -> str:
        with self.path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            complete = not fh.read(1)
        try:
            # incremental: a multi-byte character cut at the end of the sample is not an error
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
        except UnicodeDecodeError:
            raise InputError(f"{self.path}: not UTF-8 text; convert it to UTF-8 first") from None
        return sniff_delimiter(text, complete=complete)

    def _on_invalid(self, row: Any) -> str:
        # pyarrow numbers physical rows including the header; keep only numbers, never row.text.
        self._bad_row = row.number
        self._bad_fields = row.actual_columns
        return "error"

    def __iter__(self) -> Iterator[Batch]:
        try:
            yield from self._batches()
        except pa.ArrowInvalid as exc:
            raise self._error(exc) from None

    def _batches(self) -> Iterator[Batch]:
        # A native Arrow stream with 1 MiB blocks: Arrow reads a bounded number of blocks
        # ahead (~32 MiB), where a Python file object or 4 MiB blocks let it buffer far more.
        self._fh = pa.input_stream(str(self.path))
        reader = pacsv.open_csv(
            self._fh,
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=1 << 20, column_names=self.names, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=self.delimiter, invalid_row_handler=self._on_invalid, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in self.names},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        row = 1
        pending: dict[str, list[Any]] = {n: [] for n in self.names}
        count = 0
        for record_batch in reader:
            cols = record_batch.to_pydict()
            for n in self.names:
                pending[n].extend(cols[n])
            count += record_batch.num_rows
            while count >= self.batch_rows:
                out = {n: v[: self.batch_rows] for n, v in pending.items()}
                pending = {n: v[self.batch_rows :] for n, v in pending.items()}
                yield Batch(out, self.batch_rows, row, "row")
                row += self.batch_rows
                count -= self.batch_rows
        if count:
            yield Batch(pending, count, row, "row")

    def _error(self, exc: Exception) -> InputError:
        if self._bad_row is not None:
            return InputError(
                f"{self.path}: malformed row {self._bad_row - 1} (data rows counted from 1): "
                f"{self._bad_fields} fields, expected {len(self.names)}"
            )
        text = str(exc)
        if "UTF8" in text or "UTF-8" in text:
            return InputError(f"{self.path}: not valid UTF-8 text")
        return InputError(f"{self.path}: cannot parse CSV ({text.split(':', 1)[0]})")


class _JsonlReader(TableReader):
    def __init__(self, path: Path, batch_rows: int) -> None:
        super().__init__(path, batch_rows)
        first = self._first_record()
        self.names = list(first)
        self._check_names()

    def _first_record(self) -> dict[str, Any]:
        with self.path.open("rb") as fh:
            for line_no, raw in enumerate(fh, start=1):
                if raw.strip():
                    return self._parse(raw, line_no)
        raise InputError(f"{self.path}: no records")

    def _parse(self, raw: bytes, line_no: int) -> dict[str, Any]:
        try:
            record = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise InputError(f"{self.path}: line {line_no} is not valid JSON") from None
        if not isinstance(record, dict):
            raise InputError(f"{self.path}: line {line_no} is not a JSON object")
        return record

    def __iter__(self) -> Iterator[Batch]:
        self._fh = self.path.open("rb")
        known = set(self.names)
        cols: dict[str, list[Any]] = {n: [] for n in self.names}
        count, start = 0, 0
        for line_no, raw in enumerate(self._fh, start=1):
            if not raw.strip():
                continue
            record = self._parse(raw, line_no)
            extra = record.keys() - known
            if extra:
                raise InputError(
                    f"{self.path}: line {line_no} has key(s) {', '.join(sorted(extra))} not in "
                    "the first record; put every key in the first record"
                )
            if not count:
                start = line_no
            for n in self.names:
                v = record.get(n)
                cols[n].append(json.dumps(v) if isinstance(v, dict | list) else v)
            count += 1
            if count == self.batch_rows:
                yield Batch(cols, count, start, "line")
                cols, count = {n: [] for n in self.names}, 0
        if count:
            yield Batch(cols, count, start, "line")


class _ParquetReader(TableReader):
    def __init__(self, path: Path, batch_rows: int) -> None:
        super().__init__(path, batch_rows)
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
        self.names = list(self._file.schema_arrow.names)
        self._check_names()
        self._done = 0

    @property
    def bytes_read(self) -> int:
        total = self._file.metadata.num_rows or 1
        return int(self.total_bytes * self._done / total)

    def __iter__(self) -> Iterator[Batch]:
        row = 1
        for record_batch in self._file.iter_batches(batch_size=self.batch_rows):
            cols = record_batch.to_pydict()
            yield Batch(cols, record_batch.num_rows, row, "row")
            row += record_batch.num_rows
            self._done += record_batch.num_rows


def open_table(path: Path, *, batch_rows: int = 10_000, delimiter: str | None = None) -> TableReader:
    """Open ``path`` by its extension (.csv/.tsv, .jsonl/.ndjson, .parquet).

    ``delimiter`` (CSV only; see :func:`parse_delimiter`) overrides the detected one.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    fmt = FORMATS.get(path.suffix.lower())
    if delimiter is not None and fmt != "csv":
        raise InputError(f"{path}: --delimiter applies to .csv and .tsv files only")
    if fmt == "csv":
        return _CsvReader(path, batch_rows, delimiter)
    if fmt == "jsonl":
        return _JsonlReader(path, batch_rows)
    if fmt == "parquet":
        return _ParquetReader(path, batch_rows)
    raise InputError(f"{path}: unsupported file type {path.suffix!r}; use .csv, .tsv, .jsonl or .parquet")
