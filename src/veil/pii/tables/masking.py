"""Masking and unmasking whole files.

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

import json
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from veil.errors import ConfigError
from veil.fileio import atomic_path
from veil.pii.anonymizer import Anonymizer, Detector, MaskResult, Unmasker
from veil.pii.entity import Entity, EntityType
from veil.pii.tables.detection_memo import DetectionMemo
from veil.pii.tables.files import (
    TEXT_COLUMN,
    FileKind,
    ProgressFn,
    TableWriter,
    check_input,
    check_output,
    columns_of,
    parse_record,
    read_lines,
    require,
)
from veil.pii.tables.scan import ColumnScan, scan_table
from veil.vault.category import ColumnCategory
from veil.vault.phrases import tokens_of
from veil.vault.reader import open_table

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "FALLBACK_TYPE",
    "NAME_TYPES",
    "ColumnMasking",
    "MaskRun",
    "UnmaskRun",
    "column_maskings",
    "mask_table",
    "unmask_table",
]

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


@dataclass(frozen=True, slots=True)
class ColumnMasking:
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
    columns: list[ColumnMasking]
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


def column_maskings(
    path: Path,
    engine: Detector | None,
    *,
    columns: Sequence[str] | None = None,
    text_field: str | None = None,
    per_column: Mapping[str, str] | None = None,
    sample_rows: int = 500,
    delimiter: str | None = None,
) -> list[ColumnMasking]:
    """Which columns :func:`mask_table` masks, and how (see the module docstring)."""
    kind = check_input(path)
    per_column = dict(per_column or {})
    if kind == "txt":
        if columns or (per_column.keys() - {TEXT_COLUMN}):
            raise ConfigError(f"{path}: a text file has no columns; each line is masked as one document")
        return [ColumnMasking(TEXT_COLUMN, "text", None, per_column.get(TEXT_COLUMN))]
    names = columns_of(path, kind, delimiter)
    wanted = list(dict.fromkeys([*(columns or []), *([text_field] if text_field else [])]))
    require(path, names, [*wanted, *per_column], "column")
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
    maskings = []
    for name in wanted:
        scan = scans.get(name)
        if name == text_field or (scan is not None and scan.category is ColumnCategory.FREE_TEXT):
            maskings.append(ColumnMasking(name, "text", None, per_column.get(name)))
        else:
            maskings.append(ColumnMasking(name, "cell", _cell_type(name, scan), per_column.get(name)))
    return maskings


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
    anon: Anonymizer,
    maskings: Sequence[ColumnMasking],
    cols: Mapping[str, list[Any]],
    counts: _Counts,
    memo: DetectionMemo | None = None,
) -> dict[str, list[Any]]:
    """Mask the chosen columns of one batch (column -> values); other columns are copied.

    Each distinct input is masked once and mapped back to every row holding it (tables repeat
    values): a cell by its text, a free-text cell by its text and the identifier values of its
    row that it is searched for. Distinct inputs keep the order of their first row, so the
    operators meet values in the same order as row by row (pseudonyms are numbered alike);
    counts are per row. With ``memo``, free text seen in an earlier batch is not detected again.
    """
    out = dict(cols)
    cells = [p for p in maskings if p.mode == "cell"]
    for masking in maskings:
        values = cols[masking.name]
        where: list[int] = []
        slot: list[int] = []  # for each row in ``where``, its distinct input
        keys: dict[Any, int] = {}
        texts: list[str] = []
        entities: list[list[Entity]] = []
        if masking.mode == "cell":
            assert masking.entity_type is not None
            for i, v in enumerate(values):
                if v is None:
                    continue
                text = v if isinstance(v, str) else _cell_text(v)
                k = keys.get(text)
                if k is None:
                    if not text.strip():
                        continue
                    k = keys[text] = len(texts)
                    texts.append(text)
                    entities.append([_whole(text, masking.entity_type)])
                where.append(i)
                slot.append(k)
        else:
            rows: list[tuple[str, list[tuple[str, str]]]] = []
            for i, v in enumerate(values):
                if not isinstance(v, str) or not v.strip():
                    continue
                needles = _needles([(cols[c.name][i], c.entity_type or FALLBACK_TYPE) for c in cells])
                key = (v, tuple(needles))
                k = keys.get(key)
                if k is None:
                    k = keys[key] = len(texts)
                    texts.append(v)
                    rows.append((v, needles))
                where.append(i)
                slot.append(k)
            entities = [
                [*found, *_row_values(text, needles)]
                for (text, needles), found in zip(
                    rows, anon.detect(texts) if memo is None else memo.detect(anon, texts), strict=True
                )
            ]
        results = anon.mask_batch(texts, entities, operator=masking.operator)
        new = list(values)
        per_row = [results[k] for k in slot]
        for i, r in zip(where, per_row, strict=True):
            new[i] = r.text
        out[masking.name] = new
        counts.add(per_row)
    return out


def _needles(cells: Sequence[tuple[Any, str]]) -> list[tuple[str, str]]:
    """The row's identifier values (stripped, long enough) to look for in its free text."""
    found = []
    for value, entity_type in cells:
        needle = "" if value is None else _cell_text(value).strip()
        if len(needle) >= ROW_VALUE_MIN_CHARS:
            found.append((needle, entity_type))
    return found


def _row_values(text: str, needles: Sequence[tuple[str, str]]) -> list[Entity]:
    """Where the row's masked identifier values (:func:`_needles`) occur in ``text`` (as whole words)."""
    found = []
    for needle, entity_type in needles:
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
    kind = check_input(path)
    check_output(path, out, kind)
    for op in (per_column or {}).values():
        anonymizer.registry.check(op)
    maskings = column_maskings(
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
            rows = _mask_lines(path, tmp, kind, maskings, anonymizer, counts, batch_rows, progress, total)
        else:
            rows = _mask_rows(
                path, tmp, out, kind, maskings, anonymizer, counts, batch_rows, progress, delimiter
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
                    "columns": [p.to_dict() for p in maskings],
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
        columns=maskings,
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
    maskings: Sequence[ColumnMasking],
    anon: Anonymizer,
    counts: _Counts,
    batch_rows: int,
    progress: ProgressFn | None,
    total: int,
) -> int:
    rows = 0
    memo = DetectionMemo()
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        for lines, done in read_lines(path, batch_rows):
            if kind == "txt":
                bodies = {TEXT_COLUMN: [line.body for line in lines]}
                masked = _mask_columns(anon, maskings, bodies, counts, memo)[TEXT_COLUMN]
                fh.writelines(m + line.ending for m, line in zip(masked, lines, strict=True))
                rows += len(lines)
            else:
                records = [parse_record(path, line) for line in lines]
                present = [r for r in records if r is not None]
                cols = _mask_columns(
                    anon, maskings, {p.name: [r.get(p.name) for r in present] for p in maskings}, counts, memo
                )
                for masking in maskings:
                    for r, m in zip(present, cols[masking.name], strict=True):
                        if masking.name in r:
                            r[masking.name] = m
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
    maskings: Sequence[ColumnMasking],
    anon: Anonymizer,
    counts: _Counts,
    batch_rows: int,
    progress: ProgressFn | None,
    delimiter: str | None = None,
) -> int:
    reader = open_table(path, batch_rows=batch_rows, delimiter=delimiter)
    rows = 0
    memo = DetectionMemo()
    try:
        with TableWriter(
            tmp, out, path, reader.names, {p.name for p in maskings}, reader.delimiter
        ) as writer:
            for batch in reader:
                writer.write(_mask_columns(anon, maskings, batch.columns, counts, memo), batch.size)
                rows += batch.size
                if progress:
                    progress(reader.bytes_read, reader.total_bytes)
    finally:
        reader.close()
    return rows


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
    kind = check_input(path)
    check_output(path, out, kind)
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
                for lines, done in read_lines(path, batch_rows):
                    if kind == "txt":
                        texts = unmask([line.body for line in lines])
                        fh.writelines(t + line.ending for t, line in zip(texts, lines, strict=True))
                        rows += len(lines)
                    else:
                        records = [parse_record(path, line) for line in lines]
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
                with TableWriter(tmp, out, path, reader.names, set(), reader.delimiter) as writer:
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
