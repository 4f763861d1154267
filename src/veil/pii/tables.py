"""PII in files: scan columns, detect per document, mask and unmask whole files.

Four file kinds, all streamed in batches (memory stays flat in the file size):

* ``.txt`` / ``.log``: **one document per line** (log lines, one message each). Line
  endings and blank lines are kept; entity offsets are into the line without its ending.
* ``.jsonl`` / ``.ndjson``: one JSON object per line; a text field holds the document.
* ``.csv`` / ``.tsv`` and ``.parquet``: tables; a column holds the documents.

:func:`scan_table` reports, for each column, which entity types the engine finds in a
sample of rows (share of non-empty values) and the column's category, combining the
name rules of :func:`veil.vault.classify.classify_column` with what was detected:

1. a column the name or value rules call a direct identifier stays one;
2. long text (on average >= 40 characters and 6 words) with entities, or that the
   rules call free text, is free text;
3. a column where >= 50% of values hold a PERSON, EMAIL_ADDRESS, PHONE_NUMBER or an id
   type is a direct identifier;
4. a column the rules call "other" where >= 50% of values are dates or locations is a
   quasi-identifier;
5. otherwise the rules' category stands.

:func:`mask_table` masks the chosen columns (by default the direct identifiers and the
free text the scan finds): a free-text column entity by entity (detected), any other
column **whole cell** as one entity, so that a value the engine would miss (an unusual
name) is masked all the same. A cell's type comes from the column name (``email`` ->
EMAIL_ADDRESS), else from the scan, else ``IDENTIFIER``. The values of those identifier
columns are also looked for, as whole words, in the free text of the same row (a note
that names its patient) and masked there as that column's type, whatever the engine
finds or misses. Output goes to a temporary file that replaces the target only once the
run is done and audit-logged.

:func:`unmask_table` restores every ``[ENC:...]`` token and pseudonym in every text
value. Both record an audit entry with counts by type, never values.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from veil.errors import ConfigError, InputError
from veil.fileio import atomic_path
from veil.pii.anonymizer import Anonymizer, Detector, MaskResult, Unmasker
from veil.pii.entity import Entity, EntityType
from veil.vault.category import ColumnCategory
from veil.vault.classify import classify_column, is_free_text
from veil.vault.phrases import tokens_of
from veil.vault.reader import FORMATS, open_table

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "DIRECT_TYPES",
    "TEXT_COLUMN",
    "ColumnPlan",
    "ColumnScan",
    "FileKind",
    "MaskRun",
    "PiiColumnClassifier",
    "UnmaskRun",
    "detect_file",
    "file_kind",
    "mask_table",
    "plan_columns",
    "scan_sample",
    "scan_table",
    "unmask_table",
]

FileKind = Literal["txt", "jsonl", "csv", "parquet"]
ProgressFn = Callable[[int, int], None]

#: The one column of a ``.txt`` file.
TEXT_COLUMN = "text"
DIRECT_TYPES = frozenset(
    {
        EntityType.PERSON,
        EntityType.EMAIL_ADDRESS,
        EntityType.PHONE_NUMBER,
        EntityType.CREDIT_CARD,
        EntityType.IBAN_CODE,
        EntityType.US_SSN,
        EntityType.IP_ADDRESS,
        EntityType.MAC_ADDRESS,
        EntityType.UK_NINO,
        EntityType.UK_NHS,
        EntityType.DE_ID,
        EntityType.FR_NIR,
        EntityType.ES_NIF,
        EntityType.IT_FISCAL_CODE,
    }
)
QUASI_TYPES = frozenset({EntityType.DATE_TIME, EntityType.LOCATION})
SHARE = 0.5
#: Entity type of a whole-cell value, from a token of the column name.
NAME_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ["name", "names", "firstname", "lastname", "fullname", "surname", "forename", "givenname"],
        EntityType.PERSON.value,
    ),
    **dict.fromkeys(["email", "mail", "emailaddress"], EntityType.EMAIL_ADDRESS.value),
    **dict.fromkeys(
        ["phone", "phonenumber", "telephone", "tel", "mobile", "cell", "fax"], EntityType.PHONE_NUMBER.value
    ),
    "ssn": EntityType.US_SSN.value,
    "iban": EntityType.IBAN_CODE.value,
    **dict.fromkeys(["ip", "ipaddress", "ipv4", "ipv6"], EntityType.IP_ADDRESS.value),
    "mac": EntityType.MAC_ADDRESS.value,
    **dict.fromkeys(["card", "cardnumber", "creditcard", "pan"], EntityType.CREDIT_CARD.value),
    **dict.fromkeys(["url", "website"], EntityType.URL.value),
    **dict.fromkeys(["address", "street", "city", "town"], EntityType.LOCATION.value),
    **dict.fromkeys(["dob", "birth", "birthdate", "birthday", "date"], EntityType.DATE_TIME.value),
    "nino": EntityType.UK_NINO.value,
    "nhs": EntityType.UK_NHS.value,
}
FALLBACK_TYPE = "IDENTIFIER"
#: Shortest identifier value that is also looked for in the same row's free text.
ROW_VALUE_MIN_CHARS = 3
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


def _check_input(path: Path) -> FileKind:
    kind = file_kind(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    return kind


# -- reading lines -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Line:
    number: int
    body: str
    ending: str


def _lines(path: Path, batch: int) -> Iterator[tuple[list[_Line], int]]:
    """Batches of lines with their endings, and the bytes read so far."""
    done = 0
    out: list[_Line] = []
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            done += len(raw)
            body = raw.rstrip(b"\r\n")
            try:
                text = body.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{path}: line {number} is not valid UTF-8 text") from None
            out.append(_Line(number, text, raw[len(body) :].decode()))
            if len(out) == batch:
                yield out, done
                out = []
    if out:
        yield out, done


def _record(path: Path, line: _Line) -> dict[str, Any] | None:
    if not line.body.strip():
        return None
    try:
        record = json.loads(line.body)
    except json.JSONDecodeError:
        raise InputError(f"{path}: line {line.number} is not valid JSON") from None
    if not isinstance(record, dict):
        raise InputError(f"{path}: line {line.number} is not a JSON object")
    return record


def _jsonl_keys(path: Path) -> list[str]:
    for batch, _ in _lines(path, 100):
        for line in batch:
            record = _record(path, line)
            if record is not None:
                return list(record)
    raise InputError(f"{path}: no records")


def _columns_of(path: Path, kind: FileKind, delimiter: str | None = None) -> list[str]:
    if kind == "txt":
        return [TEXT_COLUMN]
    if kind == "jsonl":
        return _jsonl_keys(path)
    reader = open_table(path, batch_rows=1, delimiter=delimiter)
    reader.close()
    return list(reader.names)


def _require(path: Path, names: Sequence[str], wanted: Sequence[str], what: str) -> None:
    missing = [w for w in wanted if w not in names]
    if missing:
        raise InputError(
            f"{path}: no {what} {', '.join(repr(m) for m in missing)}; it has {', '.join(names) or 'none'}"
        )


# -- scanning ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ColumnScan:
    """What a sample of one column holds. No value is kept, only shares and types."""

    name: str
    category: ColumnCategory
    reason: str
    sampled: int  # rows in the sample
    non_empty: int  # of which had a value
    entities: dict[str, float] = field(default_factory=dict)  # type -> share of non-empty values

    @property
    def dominant_type(self) -> str | None:
        if not self.entities:
            return None
        return min(self.entities, key=lambda t: (-self.entities[t], t))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = self.category.value
        data["dominant_type"] = self.dominant_type
        return data


def _sample(path: Path, kind: FileKind, rows: int, delimiter: str | None = None) -> dict[str, list[Any]]:
    if kind == "txt":
        lines: list[Any] = []
        for first, _ in _lines(path, rows):
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


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int):
        text = str(value).strip()
        return text or None
    return None


def scan_table(
    path: Path,
    engine: Detector,
    *,
    sample_rows: int = 500,
    columns: Sequence[str] | None = None,
    delimiter: str | None = None,
) -> list[ColumnScan]:
    """Detected entity types and the category of each column (or of ``columns``), from a sample.

    ``delimiter``: a CSV file's delimiter (default: detected; see ``veil.vault.reader``).
    """
    if sample_rows < 1:
        raise ConfigError("sample_rows must be at least 1")
    kind = _check_input(path)
    sample = _sample(path, kind, sample_rows, delimiter)
    if columns is not None:
        _require(path, list(sample), columns, "column")
        sample = {c: sample[c] for c in columns}
    return scan_sample(sample, engine)


def scan_sample(sample: Mapping[str, Sequence[Any]], engine: Detector) -> list[ColumnScan]:
    """Classify columns from their names and sampled values (used by ``scan_table`` and ingest)."""
    texts = {name: [t for t in map(_as_text, values) if t is not None] for name, values in sample.items()}
    unique = list(dict.fromkeys(t for ts in texts.values() for t in ts))
    found = dict(zip(unique, engine.detect_batch(unique), strict=True)) if unique else {}
    scans = []
    for name, values in sample.items():
        column_texts = texts[name]
        hits: Counter[str] = Counter()
        for t in column_texts:
            hits.update({e.type for e in found[t]})
        n = len(column_texts)
        shares = {t: round(c / n, 4) for t, c in sorted(hits.items())} if n else {}
        category, reason = _categorise(name, values, column_texts, shares)
        scans.append(ColumnScan(name, category, reason, len(values), n, shares))
    return scans


def _categorise(
    name: str, values: Sequence[Any], texts: Sequence[str], shares: Mapping[str, float]
) -> tuple[ColumnCategory, str]:
    rules = classify_column(name, values)
    if rules.category is ColumnCategory.DIRECT_IDENTIFIER:
        return rules.category, rules.reason
    if is_free_text(texts) and (shares or rules.category is ColumnCategory.FREE_TEXT):
        found = ", ".join(f"{t} {s:.0%}" for t, s in sorted(shares.items(), key=lambda kv: -kv[1]))
        return ColumnCategory.FREE_TEXT, f"long text with entities ({found})" if found else rules.reason
    direct = {t: s for t, s in shares.items() if t in DIRECT_TYPES and s >= SHARE}
    if direct:
        top = min(direct, key=lambda t: (-direct[t], t))
        return ColumnCategory.DIRECT_IDENTIFIER, f"{direct[top]:.0%} of values hold a {top}"
    quasi = {t: s for t, s in shares.items() if t in QUASI_TYPES and s >= SHARE}
    if quasi and rules.category is ColumnCategory.OTHER:
        top = min(quasi, key=lambda t: (-quasi[t], t))
        return ColumnCategory.QUASI_IDENTIFIER, f"{quasi[top]:.0%} of values hold a {top}"
    return rules.category, rules.reason


# -- detecting ---------------------------------------------------------------------------------
def _documents(
    path: Path, kind: FileKind, text_field: str, batch: int, delimiter: str | None = None
) -> Iterator[tuple[list[str | None], int]]:
    """Batches of documents (``None``: no text) and the bytes read so far."""
    if kind == "txt":
        for lines, done in _lines(path, batch):
            yield [line.body for line in lines], done
        return
    if kind == "jsonl":
        _require(path, _jsonl_keys(path), [text_field], "text field")
        for lines, done in _lines(path, batch):
            docs: list[str | None] = []
            for line in lines:
                record = _record(path, line)
                value = None if record is None else record.get(text_field)
                if value is not None and not isinstance(value, str):
                    raise InputError(f"{path}: line {line.number}: field {text_field!r} is not a string")
                docs.append(value)
            yield docs, done
        return
    reader = open_table(path, batch_rows=batch, delimiter=delimiter)
    try:
        _require(path, reader.names, [text_field], "column")
        for b in reader:
            yield [v if isinstance(v, str) else None for v in b.columns[text_field]], reader.bytes_read
    finally:
        reader.close()


def detect_file(
    path: Path,
    engine: Detector,
    *,
    text_field: str = TEXT_COLUMN,
    batch_rows: int = 500,
    progress: ProgressFn | None = None,
    delimiter: str | None = None,
) -> Iterator[list[Entity]]:
    """The entities of each document of ``path``, in order (one list per line or row).

    Offsets are into the document: the line without its ending, or the text field.
    JSONL lines that are blank or lack the field give an empty list, so output lines
    match input lines one to one.
    """
    kind = _check_input(path)
    total = path.stat().st_size
    for docs, done in _documents(path, kind, text_field, batch_rows, delimiter):
        texts = list(dict.fromkeys(d for d in docs if d))
        found = dict(zip(texts, engine.detect_batch(texts), strict=True)) if texts else {}
        for d in docs:
            yield list(found[d]) if d else []
        if progress:
            progress(min(done, total), total)


# -- masking -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one column is masked: ``text`` (entities detected in it) or ``cell`` (the whole value)."""

    name: str
    mode: Literal["text", "cell"]
    entity_type: str | None = None  # of the whole cell, in cell mode
    operator: str | None = None  # for every entity of the column, instead of the per-type choice

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MaskRun:
    input: str
    output: str
    kind: FileKind
    rows: int
    columns: list[ColumnPlan]
    entities: int
    by_type: dict[str, int]
    by_operator: dict[str, int]
    seconds: float
    audit_seq: int | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["columns"] = [c.to_dict() for c in self.columns]
        return data


def _cell_type(name: str, scan: ColumnScan | None) -> str:
    for token in tokens_of(name):
        if token in NAME_TYPES:
            return NAME_TYPES[token]
    if scan is not None and scan.dominant_type:
        return scan.dominant_type
    return FALLBACK_TYPE


def plan_columns(
    path: Path,
    engine: Detector | None,
    *,
    columns: Sequence[str] | None = None,
    text_field: str | None = None,
    per_column: Mapping[str, str] | None = None,
    sample_rows: int = 500,
    delimiter: str | None = None,
) -> list[ColumnPlan]:
    """Which columns :func:`mask_table` masks, and how (see the module docstring)."""
    kind = _check_input(path)
    per_column = dict(per_column or {})
    if kind == "txt":
        if columns or (per_column.keys() - {TEXT_COLUMN}):
            raise ConfigError(f"{path}: a text file has no columns; each line is masked as one document")
        return [ColumnPlan(TEXT_COLUMN, "text", None, per_column.get(TEXT_COLUMN))]
    names = _columns_of(path, kind, delimiter)
    wanted = list(dict.fromkeys([*(columns or []), *([text_field] if text_field else [])]))
    _require(path, names, [*wanted, *per_column], "column")
    if engine is None:
        raise ConfigError("masking needs a PII engine to scan the columns")
    to_scan = [c for c in wanted if c != text_field] if wanted else names
    scans = (
        {
            s.name: s
            for s in scan_table(path, engine, sample_rows=sample_rows, columns=to_scan, delimiter=delimiter)
        }
        if to_scan
        else {}
    )
    if not wanted:
        wanted = [
            s.name
            for s in scans.values()
            if s.category in (ColumnCategory.DIRECT_IDENTIFIER, ColumnCategory.FREE_TEXT)
        ]
        wanted += [c for c in per_column if c not in wanted]
    plans = []
    for name in wanted:
        scan = scans.get(name)
        if name == text_field or (scan is not None and scan.category is ColumnCategory.FREE_TEXT):
            plans.append(ColumnPlan(name, "text", None, per_column.get(name)))
        else:
            plans.append(ColumnPlan(name, "cell", _cell_type(name, scan), per_column.get(name)))
    return plans


class _Counts:
    def __init__(self) -> None:
        self.by_type: Counter[str] = Counter()
        self.by_operator: Counter[str] = Counter()

    def add(self, results: Sequence[MaskResult]) -> None:
        for r in results:
            for item in r.items:
                self.by_type[item.type] += 1
                self.by_operator[item.operator] += 1


def _mask_columns(
    anon: Anonymizer, plans: Sequence[ColumnPlan], cols: Mapping[str, list[Any]], counts: _Counts
) -> dict[str, list[Any]]:
    """Mask the planned columns of one batch (column -> values); other columns are copied."""
    out = dict(cols)
    cells = [p for p in plans if p.mode == "cell"]
    for plan in plans:
        values = cols[plan.name]
        if plan.mode == "cell":
            where = [i for i, v in enumerate(values) if v is not None and _cell_text(v).strip()]
            texts = [_cell_text(values[i]) for i in where]
            assert plan.entity_type is not None
            entities = [[_whole(t, plan.entity_type)] for t in texts]
        else:
            where = [i for i, v in enumerate(values) if isinstance(v, str) and v.strip()]
            texts = [values[i] for i in where]
            entities = [
                [
                    *found,
                    *_row_values(text, [(cols[c.name][i], c.entity_type or FALLBACK_TYPE) for c in cells]),
                ]
                for i, text, found in zip(where, texts, anon.detect(texts), strict=True)
            ]
        results = anon.mask_batch(texts, entities, operator=plan.operator)
        new = list(values)
        for i, r in zip(where, results, strict=True):
            new[i] = r.text
        out[plan.name] = new
        counts.add(results)
    return out


def _row_values(text: str, cells: Sequence[tuple[Any, str]]) -> list[Entity]:
    """Where the row's masked identifier values occur in ``text`` (as whole words)."""
    found = []
    for value, entity_type in cells:
        needle = "" if value is None else _cell_text(value).strip()
        if len(needle) < ROW_VALUE_MIN_CHARS:
            continue
        start = text.find(needle)
        while start >= 0:
            end = start + len(needle)
            if (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            ):
                found.append(Entity(start, end, entity_type, 1.0, "row_value"))
            start = text.find(needle, start + 1)
    return found


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _whole(text: str, entity_type: str) -> Entity:
    start = len(text) - len(text.lstrip())
    return Entity(start, len(text.rstrip()), entity_type, 1.0, "column")


def _check_output(path: Path, out: Path, kind: FileKind) -> None:
    if file_kind(out) != kind:
        raise InputError(f"{out}: write the output in the input's format ({kind}, like {path.name})")
    if out.resolve() == path.resolve():
        raise InputError(f"{out}: the output must not overwrite the input")


def mask_table(
    path: Path,
    out: Path,
    anonymizer: Anonymizer,
    *,
    columns: Sequence[str] | None = None,
    text_field: str | None = None,
    per_column: Mapping[str, str] | None = None,
    sample_rows: int = 500,
    batch_rows: int = 1000,
    progress: ProgressFn | None = None,
    delimiter: str | None = None,
) -> MaskRun:
    """Mask ``path`` into ``out`` (same format); operators per type from ``anonymizer``,
    per column from ``per_column``. Audit-logged when the anonymizer has a workspace.
    A CSV file's delimiter is detected unless given; a ``.csv`` output keeps the input's."""
    started = time.perf_counter()
    kind = _check_input(path)
    _check_output(path, out, kind)
    for op in (per_column or {}).values():
        anonymizer.registry.check(op)
    plans = plan_columns(
        path,
        anonymizer.engine,
        columns=columns,
        text_field=text_field,
        per_column=per_column,
        sample_rows=sample_rows,
        delimiter=delimiter,
    )
    counts = _Counts()
    total = path.stat().st_size
    audit_seq: int | None = None
    with atomic_path(out, mode=0o600) as tmp:
        if kind in ("txt", "jsonl"):
            rows = _mask_lines(path, tmp, kind, plans, anonymizer, counts, batch_rows, progress, total)
        else:
            rows = _mask_rows(
                path, tmp, out, kind, plans, anonymizer, counts, batch_rows, progress, delimiter
            )
        by_type = dict(sorted(counts.by_type.items()))
        by_operator = dict(sorted(counts.by_operator.items()))
        if anonymizer.ws is not None:
            audit_seq = _audit(
                anonymizer.ws,
                "pii.mask",
                {
                    "input": path.name,
                    "output": out.name,
                    "kind": kind,
                    "rows": rows,
                    "columns": [p.to_dict() for p in plans],
                    "default_operator": anonymizer.default,
                    "per_type": dict(sorted(anonymizer.per_type.items())),
                    "entities": sum(by_type.values()),
                    "by_type": by_type,
                    "by_operator": by_operator,
                },
            )
    return MaskRun(
        input=str(path),
        output=str(out),
        kind=kind,
        rows=rows,
        columns=plans,
        entities=sum(by_type.values()),
        by_type=by_type,
        by_operator=by_operator,
        seconds=round(time.perf_counter() - started, 3),
        audit_seq=audit_seq,
    )


def _audit(ws: Workspace, action: str, details: dict[str, Any]) -> int:
    with ws.transaction() as conn:
        entry = ws.audit.append(conn, action, details=details)
    return entry.seq


def _mask_lines(
    path: Path,
    tmp: Path,
    kind: FileKind,
    plans: Sequence[ColumnPlan],
    anon: Anonymizer,
    counts: _Counts,
    batch_rows: int,
    progress: ProgressFn | None,
    total: int,
) -> int:
    rows = 0
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        for lines, done in _lines(path, batch_rows):
            if kind == "txt":
                masked = _mask_columns(anon, plans, {TEXT_COLUMN: [line.body for line in lines]}, counts)[
                    TEXT_COLUMN
                ]
                fh.writelines(m + line.ending for m, line in zip(masked, lines, strict=True))
                rows += len(lines)
            else:
                records = [_record(path, line) for line in lines]
                present = [r for r in records if r is not None]
                cols = _mask_columns(
                    anon, plans, {p.name: [r.get(p.name) for r in present] for p in plans}, counts
                )
                for plan in plans:
                    for r, m in zip(present, cols[plan.name], strict=True):
                        if plan.name in r:
                            r[plan.name] = m
                for record, line in zip(records, lines, strict=True):
                    body = line.body if record is None else json.dumps(record, ensure_ascii=False)
                    fh.write(body + (line.ending or "\n"))
                rows += len(present)
            if progress:
                progress(done, total)
    return rows


def _mask_rows(
    path: Path,
    tmp: Path,
    out: Path,
    kind: FileKind,
    plans: Sequence[ColumnPlan],
    anon: Anonymizer,
    counts: _Counts,
    batch_rows: int,
    progress: ProgressFn | None,
    delimiter: str | None = None,
) -> int:
    reader = open_table(path, batch_rows=batch_rows, delimiter=delimiter)
    rows = 0
    try:
        with _TableWriter(tmp, out, path, reader.names, {p.name for p in plans}, reader.delimiter) as writer:
            for batch in reader:
                writer.write(_mask_columns(anon, plans, batch.columns, counts), batch.size)
                rows += batch.size
                if progress:
                    progress(reader.bytes_read, reader.total_bytes)
    finally:
        reader.close()
    return rows


class _TableWriter:
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

    def __enter__(self) -> _TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._parquet is not None:
            self._parquet.close()


# -- unmasking ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class UnmaskRun:
    input: str
    output: str
    kind: FileKind
    rows: int
    restored: dict[str, int]
    unresolved: int
    seconds: float
    audit_seq: int
    #: tokens left masked because their value belongs to an erased subject
    refused: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def unmask_table(
    path: Path,
    out: Path,
    ws: Workspace,
    *,
    batch_rows: int = 1000,
    progress: ProgressFn | None = None,
) -> UnmaskRun:
    """Restore encrypted values and pseudonyms in every text value of ``path`` into ``out``.

    The run is audit-logged (``pii.unmask``: who, which file, counts by type) before the
    output file appears. Values of erased subjects are not restored: their tokens stay and
    are counted as ``refused`` (:class:`veil.pii.mapping.ErasedValues`).
    """
    started = time.perf_counter()
    kind = _check_input(path)
    _check_output(path, out, kind)
    unmasker = Unmasker(ws)
    restored: Counter[str] = Counter()
    unresolved = 0
    refused = 0
    rows = 0
    total = path.stat().st_size

    def unmask(texts: list[str]) -> list[str]:
        nonlocal unresolved, refused
        results = unmasker.unmask_batch(texts)
        for r in results:
            restored.update(r.restored)
            unresolved += r.unresolved
            refused += r.refused
        return [r.text for r in results]

    with atomic_path(out, mode=0o600) as tmp:
        if kind in ("txt", "jsonl"):
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                for lines, done in _lines(path, batch_rows):
                    if kind == "txt":
                        texts = unmask([line.body for line in lines])
                        fh.writelines(t + line.ending for t, line in zip(texts, lines, strict=True))
                        rows += len(lines)
                    else:
                        records = [_record(path, line) for line in lines]
                        strings = unmask([s for r in records if r is not None for s in _strings(r)])
                        it = iter(strings)
                        for record, line in zip(records, lines, strict=True):
                            body = (
                                line.body
                                if record is None
                                else json.dumps(_put(record, it), ensure_ascii=False)
                            )
                            fh.write(body + (line.ending or "\n"))
                        rows += sum(r is not None for r in records)
                    if progress:
                        progress(done, total)
        else:
            reader = open_table(path, batch_rows=batch_rows)
            try:
                with _TableWriter(tmp, out, path, reader.names, set(), reader.delimiter) as writer:
                    for batch in reader:
                        cols = dict(batch.columns)
                        for name, values in cols.items():
                            where = [i for i, v in enumerate(values) if isinstance(v, str)]
                            if where:
                                new = list(values)
                                for i, t in zip(where, unmask([values[i] for i in where]), strict=True):
                                    new[i] = t
                                cols[name] = new
                        writer.write(cols, batch.size)
                        rows += batch.size
                        if progress:
                            progress(reader.bytes_read, reader.total_bytes)
            finally:
                reader.close()
        seq = _audit(
            ws,
            "pii.unmask",
            {
                "input": path.name,
                "output": out.name,
                "kind": kind,
                "rows": rows,
                "restored": dict(sorted(restored.items())),
                "unresolved": unresolved,
                "refused_erased": refused,
            },
        )
    return UnmaskRun(
        input=str(path),
        output=str(out),
        kind=kind,
        rows=rows,
        restored=dict(sorted(restored.items())),
        unresolved=unresolved,
        seconds=round(time.perf_counter() - started, 3),
        audit_seq=seq,
        refused=refused,
    )


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _put(obj: Any, it: Iterator[str]) -> Any:
    if isinstance(obj, str):
        return next(it)
    if isinstance(obj, dict):
        return {k: _put(v, it) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_put(v, it) for v in obj]
    return obj


class PiiColumnClassifier:
    """The vault's column classifier backed by PII detection on sampled values.

    Ingest calls it with each new column's sampled values; it returns the categories
    ``scan_sample`` settles on (names and detected entity types together).
    """

    def __init__(self, engine: Detector, sample_rows: int = 200) -> None:
        self.engine = engine
        self.sample_rows = sample_rows

    def __call__(self, sample: Mapping[str, Sequence[Any]]) -> dict[str, ColumnCategory]:
        trimmed = {name: list(values[: self.sample_rows]) for name, values in sample.items()}
        return {scan.name: scan.category for scan in scan_sample(trimmed, self.engine)}
