"""Releases: a purpose-bound, minimised, pseudonymised extract of a dataset.

Only subjects for whom the purpose's lawful basis holds are included (basis
``consent``: a grant not later withdrawn; other bases: every subject), only the
requested columns that the purpose allows, with pseudonyms instead of ids and
never a direct identifier or free text. The audit entry commits to exactly which
subjects were released, which is what their usage receipts show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from veil.consent.ledger import lawful_subjects
from veil.consent.purpose import Purpose, PurposeRegistry
from veil.errors import ConsentError, ErasurePendingError, InputError
from veil.fileio import atomic_path
from veil.vault.classify import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.dataset import PSEUDONYM, Column, Dataset, DatasetCatalog, DType

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ReleaseResult", "Releaser", "allowed_columns"]

#: Most pending-erasure subjects a release leaves out by name (more: it waits for them).
MAX_PENDING_EXCLUDED = 10_000

_ARROW = {
    DType.INT: pa.int64(),
    DType.FLOAT: pa.float64(),
    DType.BOOL: pa.bool_(),
    DType.DATE: pa.string(),
    DType.TIMESTAMP: pa.string(),
    DType.TEXT: pa.string(),
}


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    dataset: str
    purpose: str
    out: str
    rows: int
    subjects: int
    columns: list[str] = field(default_factory=list)
    excluded_columns: dict[str, str] = field(default_factory=dict)
    audit_seq: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def allowed_columns(
    ds: Dataset, purpose: Purpose, requested: list[str] | None
) -> tuple[list[Column], dict[str, str]]:
    """Columns a release may carry, and why each other column was left out."""
    excluded: dict[str, str] = {}
    chosen: list[Column] = []
    if requested is not None:
        for name in requested:
            ds.column(name)  # raises NotFoundError naming the columns there are
            if name == ds.subject_column:
                raise InputError(f"{name!r} is the subject column; releases carry pseudonyms instead")
    for col in ds.columns:
        if requested is not None and col.name not in requested:
            excluded[col.name] = "not requested"
        elif col.category in ENCRYPTED_CATEGORIES:
            reason = (
                "direct identifier"
                if col.category is ColumnCategory.DIRECT_IDENTIFIER
                else "free text (may hold identifiers; mask it first)"
            )
            if requested is not None:
                raise ConsentError(f"column {col.name!r} is a {reason}: it is never released")
            excluded[col.name] = reason
        elif purpose.categories is not None and col.category.value not in purpose.categories:
            if requested is not None:
                raise ConsentError(
                    f"purpose {purpose.name!r} does not allow {col.category.value} columns "
                    f"such as {col.name!r}"
                )
            excluded[col.name] = f"{col.category.value} not allowed for purpose {purpose.name!r}"
        else:
            chosen.append(col)
    return chosen, excluded


class Releaser:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def release(
        self, dataset: str, purpose: str, out: Path, columns: list[str] | None = None
    ) -> ReleaseResult:
        started = time.perf_counter()
        if out.suffix.lower() not in {".parquet", ".pq"}:
            raise InputError(f"{out}: releases are written as Parquet; name the file *.parquet")
        ds = DatasetCatalog(self.ws).get(dataset)
        p = PurposeRegistry(self.ws).get(purpose)
        chosen, excluded = allowed_columns(ds, p, columns)
        t = ds.table
        query = sa.select(t.c[PSEUDONYM], *[t.c[c.sql_name] for c in chosen])
        lawful = lawful_subjects(p)
        if lawful is not None:
            members = lawful.subquery()
            query = query.where(t.c[PSEUDONYM].in_(sa.select(members.c.pseudonym)))
        schema = pa.schema(
            [pa.field("pseudonym", pa.string())] + [pa.field(c.name, _ARROW[c.dtype]) for c in chosen]
        )
        rows = 0
        with self.ws.transaction() as conn, atomic_path(out, mode=0o600) as tmp:
            # Subjects whose erasure has begun (keys gone; a busy store still to purge) are left
            # out. Read under the write lock: an erasure's purge cannot commit until this ends.
            erasing = self.ws.keystore.journal.erasing(limit=MAX_PENDING_EXCLUDED)
            if len(erasing) > MAX_PENDING_EXCLUDED:
                raise ErasurePendingError(
                    f"more than {MAX_PENDING_EXCLUDED} erasures are pending; releases wait until they "
                    "complete (any Veil command completes them once the data store is free)"
                )
            if erasing:
                query = query.where(t.c[PSEUDONYM].not_in(erasing))
            query = query.order_by(t.c[PSEUDONYM], t.c["_row"])
            subject_query = sa.select(query.subquery().c[PSEUDONYM]).distinct()
            with pq.ParquetWriter(tmp, schema) as writer:
                # Per-statement: the audit append below reuses conn (PostgreSQL cannot INSERT
                # through the server-side cursor a connection-wide yield_per would leave on).
                result = conn.execute(query, execution_options={"yield_per": 20_000})
                for part in result.partitions():
                    by_column = list(zip(*part, strict=True))
                    arrays = [
                        pa.array(list(values), type=f.type)
                        for values, f in zip(by_column, schema, strict=True)
                    ]
                    writer.write_table(pa.table(arrays, schema=schema))
                    rows += len(part)
            entry = self.ws.audit.append(
                conn,
                "dataset.release",
                purpose=p.name,
                dataset=ds.name,
                subjects=subject_query,
                details={
                    "file": out.name,
                    "rows": rows,
                    "columns": [c.name for c in chosen],
                    "basis": p.basis.value,
                },
            )
        return ReleaseResult(
            dataset=ds.name,
            purpose=p.name,
            out=str(out),
            rows=rows,
            subjects=entry.subject_count,
            columns=[c.name for c in chosen],
            excluded_columns=excluded,
            audit_seq=entry.seq,
            seconds=round(time.perf_counter() - started, 3),
        )
