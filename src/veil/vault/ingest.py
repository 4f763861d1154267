"""Ingest: put a file of personal data under Veil's control.

The file is streamed in batches (constant memory). For each batch, subject ids
become pseudonyms, each new subject gets a data key, direct identifiers and free
text are sealed under the subject's key, and everything else is typed and
stored in the dataset table keyed by pseudonym. The raw subject id is stored
only sealed, in the subject's vault row.

Re-ingesting upserts by subject: a subject present in the file gets exactly the
file's rows (their old rows are replaced); subjects absent from the file keep
theirs. The whole ingest is one transaction: any error leaves the data store
as it was. Erased subjects are skipped, never resurrected.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil.crypto.envelope import BLOB_VERSION, NONCE_BYTES
from veil.errors import ConflictError, InputError
from veil.vault.classify import ColumnCategory, SchemaFile, classify_column
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
from veil.vault.reader import Batch, open_table
from veil.vault.subject import SubjectVault

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["IngestResult", "Ingestor", "ProgressFn"]

#: Called with (bytes done, bytes total) after each batch.
ProgressFn = Callable[[int, int], None]
SAMPLE_ROWS = 1000


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
        self, ws: Workspace, *, progress: ProgressFn | None = None, batch_rows: int = 10_000
    ) -> None:
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
        reader = open_table(path, batch_rows=self.batch_rows)
        if subject_column not in reader.names:
            raise InputError(
                f"{path}: no subject column {subject_column!r}; columns are: " + ", ".join(reader.names)
            )
        if schema:
            unknown = set(schema.columns) - set(reader.names)
            if unknown:
                raise InputError(f"schema names column(s) not in {path.name}: {', '.join(sorted(unknown))}")
        ingest_id = secrets.token_hex(6)
        erased = set(self.ws.keystore.tombstones())
        rows = skipped = new_subjects = 0
        seen_subjects = 0
        ds: Dataset | None = None
        try:
            with self.ws.transaction() as conn:
                for batch in reader:
                    if ds is None:
                        ds = self._prepare(conn, dataset, subject_column, reader.names, batch, schema)
                        plan = _Plan(
                            ds, reader.names, conn.dialect.paramstyle, conn.dialect.identifier_preparer
                        )
                    done, skip, new, distinct = self._load_batch(conn, plan, batch, path, ingest_id, erased)
                    rows, skipped, new_subjects = rows + done, skipped + skip, new_subjects + new
                    seen_subjects += distinct
                    if self.progress:
                        self.progress(reader.bytes_read, reader.total_bytes)
                if ds is None:
                    raise InputError(f"{path}: no data rows")
                replaced = self._replace_old_rows(conn, ds, ingest_id)
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
                    },
                )
        finally:
            reader.close()
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
    ) -> Dataset:
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
        for col in names:
            if col == subject_column:
                continue
            sample = [v for v in batch.columns[col][:SAMPLE_ROWS] if v is not None]
            if col in known:
                if col in overrides and overrides[col] is not known[col].category:
                    raise ConflictError(
                        f"column {col!r} of dataset {name!r} is already {known[col].category.value}; "
                        "a schema file cannot reclassify it on re-ingest"
                    )
                continue
            category = overrides.get(col) or classify_column(col, sample).category
            if category is ColumnCategory.SUBJECT_ID:
                raise InputError(f"column {col!r}: only the subject column can be subject_id")
            dtype = (
                DType.SEALED
                if category in {ColumnCategory.DIRECT_IDENTIFIER, ColumnCategory.FREE_TEXT}
                else infer_dtype(sample)
            )
            sql = sql_name_for(col, taken | {ROW, PSEUDONYM, INGEST})
            taken.add(sql)
            new.append(Column(col, sql, category, dtype, position))
            position += 1
        if existing is None:
            return self.catalog.create(conn, name, subject_column, new)
        return self.catalog.add_columns(conn, existing, new) if new else existing

    # -- rows ------------------------------------------------------------------------------
    def _load_batch(
        self, conn: Connection, plan: _Plan, batch: Batch, path: Path, ingest_id: str, erased: set[str]
    ) -> tuple[int, int, int, int]:
        ids = batch.columns[plan.ds.subject_column]
        pseudonymize = self.ws.pseudonymize
        pseudonyms: list[str] = []
        by_pseudonym: dict[str, str] = {}
        for i, raw in enumerate(ids):
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                raise InputError(
                    f"{path}: {batch.where(i)}: empty subject id in column {plan.ds.subject_column!r}"
                )
            sid = raw.strip() if isinstance(raw, str) else str(raw)
            p = pseudonymize(sid)
            pseudonyms.append(p)
            by_pseudonym[p] = sid
        known_before = _count_existing(conn, list(by_pseudonym))
        keys, _gone = self.vault.ensure(conn, by_pseudonym, erased=erased)
        ds_name = plan.ds.name
        cols = [(batch.columns[c.name], plan.conv[c.name], c.sealed, c.name) for c in plan.file_columns]
        out: list[tuple[Any, ...]] = []
        skipped = 0
        first = batch.first_row
        urandom = os.urandom
        row_i, col_name = 0, ""
        try:
            for i in range(batch.size):
                p = pseudonyms[i]
                key = keys.get(p)
                if key is None:
                    skipped += 1
                    continue
                row_i = i
                rid = f"{ingest_id}:{first + i}"
                rec: list[Any] = [rid, p, ingest_id]
                encrypt = key.aead.encrypt
                for values, conv, sealed, col_name in cols:
                    v = values[i]
                    if v is None:
                        rec.append(None)
                    elif sealed:
                        nonce = urandom(NONCE_BYTES)
                        aad = f"veil:f1|{p}|{ds_name}|{rid}|{col_name}|{key.version}".encode()
                        rec.append(BLOB_VERSION + nonce + encrypt(nonce, conv(v).encode(), aad))
                    else:
                        rec.append(conv(v))
                out.append(tuple(rec))
        except (ValueError, TypeError, OverflowError) as exc:
            col = plan.ds.column(col_name)
            raise InputError(
                f"{path}: {batch.where(row_i)}: column {col_name!r} expects {col.dtype.value} "
                f"values ({str(exc).split(':')[0]}); fix the value or declare the column in a schema file"
            ) from None
        if out:
            conn.exec_driver_sql(plan.insert_sql, out)
        live = len(by_pseudonym) - len(_gone)
        return len(out), skipped, live - known_before, live

    def _replace_old_rows(self, conn: Connection, ds: Dataset, ingest_id: str) -> int:
        t = ds.table
        touched = sa.select(t.c[PSEUDONYM]).where(t.c[INGEST] == ingest_id).scalar_subquery()
        result = conn.execute(t.delete().where(t.c[INGEST] != ingest_id).where(t.c[PSEUDONYM].in_(touched)))
        return int(result.rowcount or 0)


def _count_existing(conn: Connection, pseudonyms: list[str]) -> int:
    from veil.schema import subjects

    total = 0
    for i in range(0, len(pseudonyms), 500):
        chunk = pseudonyms[i : i + 500]
        total += int(
            conn.execute(
                sa.select(sa.func.count()).select_from(subjects).where(subjects.c.pseudonym.in_(chunk))
            ).scalar_one()
        )
    return total


class _Plan:
    """Per-ingest constants: column order, converters and the INSERT statement."""

    def __init__(self, ds: Dataset, names: Sequence[str], paramstyle: str, prep: Any) -> None:
        self.ds = ds
        in_file = set(names)
        self.file_columns = [c for c in ds.columns if c.name in in_file]
        self.conv = {c.name: converter(c.dtype) for c in self.file_columns}
        mark = "?" if paramstyle == "qmark" else "%s"
        cols = [ROW, PSEUDONYM, INGEST] + [c.sql_name for c in self.file_columns]
        # Identifiers are quoted by the dialect and come from the catalog; values are bound.
        table = prep.quote(ds.table_name)
        names = ", ".join(prep.quote(c) for c in cols)
        marks = ", ".join([mark] * len(cols))
        self.insert_sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
