"""The PII scan of a stored dataset's free-text columns: which entity types its values hold,
and how many sampled values hold each — never a value.

A free-text column is sealed in the vault (each value under its subject's data key), so the
scan opens a sample of values in memory (the first ``sample_rows`` rows in row order; erased
subjects' rows have no key and are skipped), runs the PII engine over them
(:func:`~veil.pii.tables.scan.scan_sample`, as ``veil pii scan`` does on a file), keeps only
types and counts, and records the scan in the audit log (``dataset.pii_scan``: the dataset,
the columns, how many values were read and the counts by type).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil.errors import ConfigError
from veil.pii.tables.scan import scan_sample
from veil.vault.category import ColumnCategory
from veil.vault.dataset import PSEUDONYM, ROW, DatasetCatalog

if TYPE_CHECKING:
    from veil.pii.anonymizer import Detector
    from veil.workspace import Workspace

__all__ = ["TextColumnScan", "scan_free_text"]


@dataclass(frozen=True, slots=True)
class TextColumnScan:
    """What the scan found in one free-text column: entity types and counts, no value."""

    column: str
    sampled: int  # values read (rows of subjects still held)
    non_empty: int  # of which held text
    counts: dict[str, int]  # entity type -> values holding it

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "sampled": self.sampled,
            "non_empty": self.non_empty,
            "counts": dict(self.counts),
        }


def scan_free_text(
    ws: Workspace, dataset: str, engine: Detector, *, sample_rows: int = 200
) -> list[TextColumnScan]:
    """Scan a sample of each free-text column of ``dataset`` (see the module docstring)."""
    if not 1 <= sample_rows <= 10_000:
        raise ConfigError("sample_rows must be between 1 and 10000")
    ds = DatasetCatalog(ws).get(dataset)
    columns = [c for c in ds.columns if c.category is ColumnCategory.FREE_TEXT]
    if not columns:
        return []
    t = ds.table
    query = (
        sa.select(t.c[ROW], t.c[PSEUDONYM], *[t.c[c.sql_name] for c in columns])
        .order_by(t.c[ROW])
        .limit(sample_rows)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    keys = ws.keystore.load({r._mapping[PSEUDONYM] for r in rows})
    sample: dict[str, list[Any]] = {c.name: [] for c in columns}
    for row in rows:
        key = keys.get(row._mapping[PSEUDONYM])
        if key is None:  # erased: nothing to read
            continue
        for c in columns:
            value = row._mapping[c.sql_name]
            if value is not None and c.sealed:
                value = key.open_field(
                    bytes(value), dataset=ds.name, row_id=row._mapping[ROW], column=c.sql_name
                )
            sample[c.name].append(value)
    scans = [
        TextColumnScan(
            s.name,
            s.sampled,
            s.non_empty,
            {kind: round(share * s.non_empty) for kind, share in sorted(s.entities.items())},
        )
        for s in scan_sample(sample, engine)
    ]
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "dataset.pii_scan",
            dataset=ds.name,
            details={"columns": [s.to_dict() for s in scans], "sample_rows": sample_rows},
        )
    return scans
