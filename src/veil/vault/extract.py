"""Parquet extracts (``veil release``): a purpose-bound, minimised, pseudonymised file.

What goes in is decided by the :class:`~veil.vault.release.Release` gate: only subjects
lawful for the purpose now, only the requested columns the purpose allows, pseudonyms
instead of ids, never a direct identifier or free text. The audit entry commits to
exactly which subjects were released, which is what their usage receipts show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from veil.errors import InputError
from veil.fileio import atomic_path
from veil.vault.release import Release

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ReleaseResult", "Releaser"]

#: Rows per Parquet row group written (and per fetch from the data store).
BATCH_ROWS = 20_000


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


class Releaser:
    """Writes a :class:`Release` as a Parquet file (``veil release``)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def release(
        self, dataset: str, purpose: str, out: Path, columns: list[str] | None = None
    ) -> ReleaseResult:
        started = time.perf_counter()
        if out.suffix.lower() not in {".parquet", ".pq"}:
            raise InputError(f"{out}: releases are written as Parquet; name the file *.parquet")
        gate = Release.open(self.ws, dataset, purpose, actor="veil release")
        chosen, excluded = gate.columns(columns)
        schema = gate.schema(chosen)
        rows = 0
        with self.ws.transaction() as conn, atomic_path(out, mode=0o600) as tmp:
            # Subjects whose erasure has begun are left out. Read under the write lock: an
            # erasure's purge cannot commit until this ends.
            erasing = gate.erasing()
            with pq.ParquetWriter(tmp, schema) as writer:
                buffer: list[tuple[Any, ...]] = []
                for row in gate.read(chosen, conn=conn, erasing=erasing, batch=BATCH_ROWS):
                    buffer.append(row)
                    if len(buffer) >= BATCH_ROWS:
                        writer.write_table(_table(buffer, schema))
                        rows += len(buffer)
                        buffer = []
                if buffer:
                    writer.write_table(_table(buffer, schema))
                    rows += len(buffer)
            entry = self.ws.audit.append(
                conn,
                "dataset.release",
                purpose=gate.purpose.name,
                dataset=gate.dataset.name,
                subjects=gate.subjects_of(chosen, erasing=erasing),
                details={
                    "file": out.name,
                    "rows": rows,
                    "columns": [c.name for c in chosen],
                    "basis": gate.purpose.basis.value,
                },
            )
        return ReleaseResult(
            dataset=gate.dataset.name,
            purpose=gate.purpose.name,
            out=str(out),
            rows=rows,
            subjects=entry.subject_count,
            columns=[c.name for c in chosen],
            excluded_columns=excluded,
            audit_seq=entry.seq,
            seconds=round(time.perf_counter() - started, 3),
        )


def _table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    by_column = list(zip(*rows, strict=True))
    return pa.table(
        [pa.array(list(v), type=f.type) for v, f in zip(by_column, schema, strict=True)], schema=schema
    )
