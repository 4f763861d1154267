"""Ingest: put a file of personal data under Veil's control.

The file is streamed in batches (constant memory). For each batch, subject ids
become pseudonyms, each new subject gets a data key, direct identifiers and free
text are sealed under the subject's key, and everything else is typed and
stored in the dataset table keyed by pseudonym. The raw subject id is stored
only sealed, in the subject's vault row.

Classification sees the whole file: a column's first category comes from its name and
the first non-empty values of the first batch, and then every batch, before it is
written, goes through the column's :class:`~veil.vault.column_watch.ColumnWatch`. A batch
that shows an identifier anywhere in a clear column (or that the column's flags or
codes stopped being that, or that it reads as prose) makes the column sealed there and
then, in the same transaction: the catalog records the new category with its evidence
and every value already stored is sealed under its subject's key
(:meth:`~veil.vault.dataset.DatasetCatalog.seal_column`). A value a detector recognises
is therefore never written in clear. Only a schema file's category is left as declared
(the findings are recorded next to it).

Re-ingesting upserts by subject: a subject present in the file gets exactly the
file's rows (their old rows are replaced); subjects absent from the file keep
theirs. The whole ingest is one transaction: any error leaves the data store
as it was. Erased subjects are skipped, never resurrected.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from operator import is_not
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Connection

from veil.crypto.envelope import field_aad_prefix, field_aad_suffixes, seal_many
from veil.database import blob_params, checkpoint
from veil.errors import ConflictError, InputError
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.classify import classify_column
from veil.vault.column_watch import ColumnWatch, Finding
from veil.vault.dataset import (
    INGEST,
    PSEUDONYM,
    ROW,
    Column,
    Dataset,
    DatasetCatalog,
    DType,
    converter,
    infer_dtype,
    sql_name_for,
)
from veil.vault.evidence import Evidence
from veil.vault.reader import Batch, open_table
from veil.vault.schema_file import SchemaFile
from veil.vault.subject import SubjectVault, release_run

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ColumnClassifier", "IngestResult", "Ingestor", "ProgressFn"]

#: Called with (bytes done, bytes total) after each batch.
ProgressFn = Callable[[int, int], None]
#: Classifies new columns from their sampled values (e.g. ``veil.pii.tables.scan.PiiColumnClassifier``);
#: without one, ingest uses the name-and-pattern rules of ``veil.vault.classify``.
ColumnClassifier = Callable[[Mapping[str, Sequence[Any]]], Mapping[str, ColumnCategory]]
#: Non-empty values of the first batch that each column's first category is decided on.
SAMPLE_ROWS = 1000
#: Most distinct text values whose conversion one column remembers during an ingest.
MEMO_SIZE = 1 << 15


@dataclass(frozen=True, slots=True)
class IngestResult:
    dataset: str
    rows: int
    subjects: int
    new_subjects: int
    replaced_rows: int
    skipped_erased_rows: int
    seconds: float
    columns: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class Ingestor:
    def __init__(
        self,
        ws: Workspace,
        *,
        progress: ProgressFn | None = None,
        batch_rows: int = 10_000,
        classifier: ColumnClassifier | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.classifier = classifier
        self.delimiter = delimiter  # a CSV file's delimiter; None: detected (veil.vault.reader)
        self.ws = ws
        self.progress = progress
        self.batch_rows = batch_rows
        self.catalog = DatasetCatalog(ws)
        self.vault = SubjectVault(ws)

    def run(
        self,
        path: Path,
        dataset: str,
        subject_column: str | None = None,
        *,
        schema: SchemaFile | None = None,
    ) -> IngestResult:
        started = time.perf_counter()
        subject_column = subject_column or (schema.subject_column if schema else None)
        if not subject_column:
            raise InputError("name the subject column with --subject-column (or in the schema file)")
        reader = open_table(path, batch_rows=self.batch_rows, delimiter=self.delimiter)
        if subject_column not in reader.names:
            raise InputError(
                f"{path}: no subject column {subject_column!r}; columns are: " + ", ".join(reader.names)
            )
        if schema:
            unknown = (set(schema.columns) | set(schema.types)) - set(reader.names)
            if unknown:
                raise InputError(f"schema names column(s) not in {path.name}: {', '.join(sorted(unknown))}")
        ingest_id = secrets.token_hex(6)
        erased = set(self.ws.keystore.tombstones())
        # Registered before any key is made, so a kill -9 leaves a record the next open uses
        # to take this run's keys back (veil.vault.subject.collect_orphan_keys).
        self.ws.keystore.journal.start_run(ingest_id)
        rows = skipped = new_subjects = 0
        ds: Dataset | None = None
        fresh = False
        try:
            with self.ws.transaction() as conn:
                for batch in reader:
                    if ds is None:
                        fresh = self.catalog.find(dataset, conn) is None
                        ds, watch = self._prepare(
                            conn, dataset, subject_column, reader.names, batch, schema, ingest_id
                        )
                        layout = _Layout(
                            ds, reader.names, conn.dialect.paramstyle, conn.dialect.identifier_preparer
                        )
                    # Before the batch is written: a column it shows must be sealed is sealed now.
                    layout = watch.check(conn, layout, batch)
                    ds = layout.ds
                    done, skip, new = self._load_batch(conn, layout, batch, path, ingest_id, erased)
                    rows, skipped, new_subjects = rows + done, skipped + skip, new_subjects + new
                    if self.progress:
                        self.progress(reader.bytes_read, reader.total_bytes)
                if ds is None:
                    raise InputError(f"{path}: no data rows")
                ds.create_indexes(conn)
                # A dataset created by this ingest has no older rows to replace.
                replaced = 0 if fresh else self._replace_old_rows(conn, ds, ingest_id)
                # Subjects whose erasure began while this ran leave here, inside this transaction:
                # an ingest never commits a row of a subject being erased (veil.vault.subject).
                late = self.vault.drop_erased(conn, ds.table, ingest_id)
                rows -= late["ingest_rows"]
                skipped += late["ingest_rows"]
                subjects = int(
                    conn.execute(
                        sa.select(sa.func.count(sa.distinct(ds.table.c[PSEUDONYM]))).where(
                            ds.table.c[INGEST] == ingest_id
                        )
                    ).scalar_one()
                )
                self.catalog.touch(conn, dataset)
                self.ws.audit.append(
                    conn,
                    "dataset.ingest",
                    dataset=dataset,
                    subject_count=subjects,
                    details={
                        "file": path.name,
                        "rows": rows,
                        "new_subjects": new_subjects,
                        "replaced_rows": replaced,
                        "skipped_erased_rows": skipped,
                        "sealed_columns": [c.name for c in ds.columns if c.sealed],
                        "sealed_by_scan": watch.upgraded,
                    },
                )
        except BaseException:
            # The data never committed, so the keys this run made protect nothing: take back
            # those that no other run has committed data under (or leave that to the next open).
            release_run(self.ws, ingest_id, wait_s=2.0)
            raise
        finally:
            reader.close()
        self.ws.keystore.journal.end_run(ingest_id, committed=True)
        checkpoint(self.ws.engine)  # fold the bulk load's WAL into the database file now
        if self.progress:
            self.progress(reader.total_bytes, reader.total_bytes)
        return IngestResult(
            dataset=dataset,
            rows=rows,
            subjects=subjects,
            new_subjects=new_subjects,
            replaced_rows=replaced,
            skipped_erased_rows=skipped,
            seconds=round(time.perf_counter() - started, 3),
            columns=[c.to_dict() for c in ds.columns],
        )

    # -- schema ----------------------------------------------------------------------------
    def _prepare(
        self,
        conn: Connection,
        name: str,
        subject_column: str,
        names: Sequence[str],
        batch: Batch,
        schema: SchemaFile | None,
        ingest_id: str,
    ) -> tuple[Dataset, _Watch]:
        existing = self.catalog.find(name, conn)
        if existing is not None and existing.subject_column != subject_column:
            raise ConflictError(
                f"dataset {name!r} is keyed by column {existing.subject_column!r}, not {subject_column!r}"
            )
        known = {c.name: c for c in existing.columns} if existing else {}
        taken = {c.sql_name for c in known.values()}
        position = max((c.position for c in known.values()), default=-1) + 1
        new: list[Column] = []
        overrides = schema.columns if schema else {}
        watch = _Watch(self, ingest_id, pinned=set(overrides))
        # The first non-empty values, wherever they are in the batch (a column empty for its
        # first rows is classified on the values it has, not on nothing).
        samples = {
            c: list(islice(filter(partial(is_not, None), batch.columns[c]), SAMPLE_ROWS))
            for c in names
            if c != subject_column and c not in known
        }
        unclassified = [c for c in samples if c not in overrides]
        detected: Mapping[str, ColumnCategory] = {}
        if self.classifier is not None and unclassified:
            detected = self.classifier({c: samples[c] for c in unclassified})
        for col in names:
            if col == subject_column:
                continue
            if col in known:
                if col in overrides and overrides[col] is not known[col].category:
                    raise ConflictError(
                        f"column {col!r} of dataset {name!r} is already {known[col].category.value}; "
                        "a schema file cannot reclassify it on re-ingest"
                    )
                watch.add(known[col])
                continue
            sample = samples[col]
            category, evidence = self._first_category(col, sample, overrides, detected)
            if category is ColumnCategory.SUBJECT_ID:
                raise InputError(f"column {col!r}: only the subject column can be subject_id")
            declared = schema.types.get(col) if schema else None
            if category in ENCRYPTED_CATEGORIES:
                dtype = DType.SEALED
            else:
                dtype = DType(declared) if declared else infer_dtype(sample)
            sql = sql_name_for(col, taken | {ROW, PSEUDONYM, INGEST})
            taken.add(sql)
            column = watch.first_batch(Column(col, sql, category, dtype, position, evidence), batch)
            new.append(column)
            position += 1
        if existing is None:
            return self.catalog.create(conn, name, subject_column, new), watch
        return (self.catalog.add_columns(conn, existing, new) if new else existing), watch

    @staticmethod
    def _first_category(
        col: str,
        sample: Sequence[Any],
        overrides: Mapping[str, ColumnCategory],
        detected: Mapping[str, ColumnCategory],
    ) -> tuple[ColumnCategory, Evidence]:
        """A new column's category from the schema file, the classifier or the rules, and why."""
        if col in overrides:
            category = overrides[col]
            return category, Evidence("schema", f"declared {category.value} in the schema file")
        rules = classify_column(col, sample)
        found = detected.get(col)
        if found is not None and found is not rules.category:
            return found, Evidence("pii", f"PII detection on sampled values (rules: {rules.reason})")
        return rules.category, Evidence(
            "pii" if found is not None else "rules",
            rules.reason,
            holds_while=rules.holds_while,
            otherwise=rules.otherwise,
        )

    # -- rows ------------------------------------------------------------------------------
    def _load_batch(
        self, conn: Connection, layout: _Layout, batch: Batch, path: Path, ingest_id: str, erased: set[str]
    ) -> tuple[int, int, int]:
        """Seal, type and insert one batch; returns (rows written, rows skipped, new subjects).

        This is the hot path of ingest, so it works column by column with local
        names and one ``executemany`` per batch (no per-row SQLAlchemy work).
        """
        ids = batch.columns[layout.ds.subject_column]
        subject_ids: list[str] = []
        for i, raw in enumerate(ids):
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                raise InputError(
                    f"{path}: {batch.where(i)}: empty subject id in column {layout.ds.subject_column!r}"
                )
            subject_ids.append(raw.strip() if isinstance(raw, str) else str(raw))
        pseudonyms = self.ws.pseudonymize.many(subject_ids)
        keys, _gone, created = self.vault.ensure(
            conn, dict(zip(pseudonyms, subject_ids, strict=True)), erased=erased, origin=ingest_id
        )
        keep = [i for i, p in enumerate(pseudonyms) if p in keys]
        skipped = batch.size - len(keep)
        if not keep:
            return 0, skipped, created
        first = batch.first_row
        row_ids = [f"{ingest_id}:{first + i}" for i in keep]
        kept_pseudonyms = [pseudonyms[i] for i in keep] if skipped else pseudonyms
        out_columns: list[list[Any]] = [row_ids, kept_pseudonyms, [ingest_id] * len(keep)]
        # Per-row halves of the associated data and the AES-GCM objects, shared by all sealed columns.
        row_keys = [keys[p] for p in kept_pseudonyms]
        suffixes = field_aad_suffixes(kept_pseudonyms, row_ids, [k.version for k in row_keys])
        aeads = [k.aead for k in row_keys]
        for col in layout.file_columns:
            values = batch.columns[col.name]
            if skipped:
                values = [values[i] for i in keep]
            conv = layout.conv[col.name]
            try:
                if col.sealed:
                    out_columns.append(_seal_column(values, layout.prefix[col.name], suffixes, aeads, conv))
                elif conv is _identity_text:
                    out_columns.append([v if v is None or type(v) is str else conv(v) for v in values])
                else:
                    done = layout.pre.pop(col.name, None)  # converted by the watch already
                    if done is None:
                        out_columns.append(layout.convert(col.name, values))
                    else:
                        out_columns.append([done[i] for i in keep] if skipped else done)
            except (ValueError, TypeError, OverflowError) as exc:
                bad = _first_bad(values, conv)
                where = (
                    batch.where(keep[bad]) if bad is not None else f"rows {first}-{first + batch.size - 1}"
                )
                raise InputError(
                    f"{path}: {where}: column {col.name!r} expects {col.dtype.value} values "
                    f"({str(exc).split(':')[0]}); fix the value or declare the column in a schema file"
                ) from None
        conn.exec_driver_sql(layout.insert_sql, list(zip(*out_columns, strict=True)))
        return len(keep), skipped, created

    def _replace_old_rows(self, conn: Connection, ds: Dataset, ingest_id: str) -> int:
        t = ds.table
        touched = sa.select(t.c[PSEUDONYM]).where(t.c[INGEST] == ingest_id).scalar_subquery()
        result = conn.execute(t.delete().where(t.c[INGEST] != ingest_id).where(t.c[PSEUDONYM].in_(touched)))
        return int(result.rowcount or 0)


def _identity_text(v: Any) -> Any:
    return converter(DType.TEXT)(v)


def _seal_column(
    values: Sequence[Any],
    prefix: bytes,
    suffixes: Sequence[bytes],
    aeads: Sequence[AESGCM],
    conv: Callable[[Any], Any],
) -> list[bytearray | None]:
    """AES-256-GCM seal each value under its row's subject key (see veil.crypto.envelope)."""
    if None in values:
        present = [i for i, v in enumerate(values) if v is not None]
        out: list[bytearray | None] = [None] * len(values)
        sealed = _seal_column(
            [values[i] for i in present],
            prefix,
            [suffixes[i] for i in present],
            [aeads[i] for i in present],
            conv,
        )
        for i, blob in zip(present, sealed, strict=True):
            out[i] = blob
        return out
    if not (values and len(set(map(type, values))) == 1 and type(values[0]) is str):
        values = [v if type(v) is str else conv(v) for v in values]
    return blob_params(seal_many(aeads, list(map(str.encode, values)), list(map(prefix.__add__, suffixes))))


def _first_bad(values: Sequence[Any], conv: Callable[[Any], Any]) -> int | None:
    for i, v in enumerate(values):
        if v is None:
            continue
        try:
            conv(v)
        except (ValueError, TypeError, OverflowError):
            return i
    return None


class _Layout:
    """Per-ingest constants: column order, converters and the INSERT statement."""

    def __init__(self, ds: Dataset, names: Sequence[str], paramstyle: str, prep: Any) -> None:
        self.ds = ds
        self._args = (names, paramstyle, prep)
        #: This batch's converted values of clear columns, when the watch converted them first.
        self.pre: dict[str, list[Any]] = {}
        in_file = set(names)
        self.file_columns = [c for c in ds.columns if c.name in in_file]
        self.conv = {
            c.name: _identity_text if c.dtype in (DType.TEXT, DType.SEALED) else converter(c.dtype)
            for c in self.file_columns
        }
        # Converted values of clear columns, by text value: dates, numbers and codes repeat a lot.
        self._memo: dict[str, dict[str, Any] | None] = {c.name: {} for c in self.file_columns}
        # The SQL name ([a-z0-9_]) keeps the "|"-joined associated data unambiguous.
        self.prefix = {c.name: field_aad_prefix(ds.name, c.sql_name) for c in self.file_columns}
        mark = "?" if paramstyle == "qmark" else "%s"
        cols = [ROW, PSEUDONYM, INGEST] + [c.sql_name for c in self.file_columns]
        # Identifiers are quoted by the dialect and come from the catalog; values are bound.
        table = prep.quote(ds.table_name)
        names = ", ".join(prep.quote(c) for c in cols)
        marks = ", ".join([mark] * len(cols))
        self.insert_sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    def rebuilt(self, ds: Dataset) -> _Layout:
        """The layout for ``ds`` (a column was sealed); remembered conversions of the others stay."""
        layout = _Layout(ds, *self._args)
        for c in layout.file_columns:
            if layout.conv[c.name] is self.conv.get(c.name):
                layout._memo[c.name] = self._memo[c.name]
        layout.pre = {k: v for k, v in self.pre.items() if not ds.column(k).sealed}
        return layout

    def convert(self, column: str, values: Sequence[Any]) -> list[Any]:
        """``converter(dtype)`` of each value (None stays None), remembering text values.

        Only ``str`` values are remembered (``1``, ``True`` and ``"1"`` convert differently but
        compare or hash alike), at most :data:`MEMO_SIZE` per column; a column whose values
        hardly repeat stops being remembered after a full memo misses most of a batch.
        """
        conv = self.conv[column]
        memo = self._memo[column]
        if memo is None:
            return [None if v is None else conv(v) for v in values]
        try:
            out = list(map(memo.get, values))
        except TypeError:  # unhashable values (lists or dicts from Parquet)
            return [None if v is None else conv(v) for v in values]
        misses = 0
        for i, r in enumerate(out):
            if r is None:
                v = values[i]
                if v is None:
                    continue
                out[i] = r = conv(v)
                misses += 1
                if type(v) is str and len(memo) < MEMO_SIZE:
                    memo[v] = r
        if len(memo) >= MEMO_SIZE and misses * 2 > len(values):
            self._memo[column] = None
        return out


class _Watch:
    """The whole-column check of one ingest: every clear column, every batch, before it is written."""

    def __init__(self, ingestor: Ingestor, ingest_id: str, *, pinned: set[str]) -> None:
        self.catalog = ingestor.catalog
        self.keys = ingestor.ws.keystore.load
        self.ingest_id = ingest_id
        self.pinned = pinned  # columns a schema file declares: findings are noted, never acted on
        self.columns: dict[str, ColumnWatch] = {}
        self.upgraded: dict[str, dict[str, Any]] = {}
        self.batch = 0
        self._scanned: set[str] = set()  # new columns whose first batch was scanned by first_batch

    def add(self, col: Column) -> None:
        if col.sealed:
            return
        why = col.evidence
        self.columns[col.name] = ColumnWatch(
            col.name,
            text=col.dtype is DType.TEXT,
            holds_while=why.holds_while if why else None,
            otherwise=why.otherwise if why else None,
        )

    def first_batch(self, col: Column, batch: Batch) -> Column:
        """A new column, sealed already if the first batch shows it must be (no DDL needed)."""
        self.add(col)
        watch = self.columns.get(col.name)
        if watch is None or col.name in self.pinned:
            return col
        self._scanned.add(col.name)
        finding = watch.scan(batch.columns[col.name])
        if finding is None:
            return col
        del self.columns[col.name]
        evidence = self._evidence(finding, batch, 1)
        self.upgraded[col.name] = evidence.to_dict()
        return Column(col.name, col.sql_name, finding.category, DType.SEALED, col.position, evidence)

    def check(self, conn: Connection, layout: _Layout, batch: Batch) -> _Layout:
        self.batch += 1
        layout.pre.clear()  # an earlier batch's conversions (one whose rows were all skipped)
        skip, self._scanned = self._scanned, set()
        ds = layout.ds
        for col in layout.file_columns:
            watch = self.columns.get(col.name)
            if watch is None or col.name in skip:
                continue
            values = batch.columns[col.name]
            if watch.holds_while is None and col.name not in self.pinned and self._typed(layout, col, values):
                continue
            finding = watch.scan(values)
            if finding is None:
                continue
            del self.columns[col.name]
            evidence = self._evidence(finding, batch, self.batch)
            if col.name in self.pinned:
                kept = ds.column(col.name).evidence or Evidence("schema", "declared in the schema file")
                note = f"kept {col.category.value} as the schema file says, although it {evidence.explain()}"
                ds = self.catalog.set_evidence(conn, ds, col.name, kept.noted(note))
                continue
            ds = self.catalog.seal_column(conn, ds, col.name, finding.category, evidence, self.keys)
            self.upgraded[col.name] = evidence.to_dict()
        return layout if ds is layout.ds else layout.rebuilt(ds)

    @staticmethod
    def _typed(layout: _Layout, col: Column, values: Sequence[Any]) -> bool:
        """Whether a typed column's values all convert to its type and so cannot hold an identifier.

        Dates, timestamps, booleans and numbers hold none, except numbers of 13+ digits (a
        card or a French NIR written as a number): those columns are scanned. A value that
        does not convert is scanned too (an identifier may be why); if none is found, the
        batch's load reports the row as before. The conversions are kept for the load.
        """
        if col.dtype is DType.TEXT:
            return False
        try:
            converted = layout.convert(col.name, values)
        except (ValueError, TypeError, OverflowError):
            return False
        if col.dtype in (DType.INT, DType.FLOAT):
            largest = max(map(abs, filter(partial(is_not, None), converted)), default=0)
            if largest >= 1e12:
                return False
        layout.pre[col.name] = converted
        return True

    def _evidence(self, finding: Finding, batch: Batch, number: int) -> Evidence:
        return Evidence(
            "scan",
            finding.reason,
            self.ingest_id,
            batch=number,
            row=batch.where(finding.first),
            counts=finding.counts,
        )
