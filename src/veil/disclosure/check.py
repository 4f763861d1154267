"""``veil anonymity check``: measure a dataset's disclosure risk over its quasi-identifiers.

A workspace dataset is read through the vault (:func:`veil.vault.release.scan_clear`: clear
columns only, subjects whose erasure has begun left out); its quasi-identifiers default to the
columns its schema classifies as ``quasi_identifier`` and its sensitive attributes to those
classified ``sensitive``. A sealed column (direct identifiers, free text) is never read: naming
one is refused (``column_not_allowed``), as is a column the dataset lacks (``input_error``).
A file (CSV, TSV, JSON lines, Parquet: e.g. an anonymised output) is measured as it is, with
the quasi-identifiers named.

The check of a workspace dataset is audit-logged (``anonymity.check``: the column names and
the figures, never a value).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from veil.anonymity.measures import TableMeasures, measure_table
from veil.errors import ColumnNotAllowedError, InputError, did_you_mean
from veil.vault.category import ColumnCategory
from veil.vault.dataset import Dataset, DatasetCatalog
from veil.vault.reader import open_table

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "CheckReport",
    "check_dataset",
    "check_file",
    "read_file_frame",
    "read_hierarchy",
    "resolve_columns",
]

#: the most pending erasures excluded by name (as ``veil.vault.release.MAX_PENDING_EXCLUDED``)
_MAX_ERASING = 10_000


@dataclass(frozen=True, slots=True)
class CheckReport:
    """One check: what was measured, where from, and the figures."""

    source: str  # "dataset" | "file"
    name: str
    quasi: tuple[str, ...]
    quasi_from: str  # "given" | "schema categories"
    sensitive: tuple[str, ...]
    measures: TableMeasures

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "name": self.name,
            "quasi": list(self.quasi),
            "quasi_from": self.quasi_from,
            "sensitive_attributes": list(self.sensitive),
            **self.measures.to_dict(),  # its "sensitive": each attribute's measures
        }


def resolve_columns(
    ds: Dataset, quasi: Sequence[str] | None, sensitive: Sequence[str] | None
) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """The quasi-identifiers and sensitive attributes to measure, checked against the schema."""
    names = [c.name for c in ds.columns]
    by_name = {c.name: c for c in ds.columns}

    def check(column: str, role: str) -> None:
        col = by_name.get(column)
        if col is None:
            if column == ds.subject_column:
                raise ColumnNotAllowedError(
                    f"column {column!r} is the subject id of dataset {ds.name!r}: it identifies people "
                    f"directly and cannot be a {role}"
                )
            raise InputError(f"dataset {ds.name!r} has no column {column!r}.{did_you_mean(column, names)}")
        if col.sealed:
            raise ColumnNotAllowedError(
                f"column {column!r} of dataset {ds.name!r} is sealed ({col.category.value}): it is never "
                f"read in clear, so it cannot be a {role}; drop or generalise it before release"
            )

    if quasi is None:
        chosen = tuple(c.name for c in ds.columns if c.category is ColumnCategory.QUASI_IDENTIFIER)
        if not chosen:
            raise InputError(
                f"dataset {ds.name!r} has no column classified as a quasi-identifier: name them with --quasi "
                "(or classify them with `veil dataset classify`)"
            )
        source = "schema categories"
    else:
        chosen = tuple(quasi)
        source = "given"
    for q in chosen:
        check(q, "quasi-identifier")
    if sensitive is None:
        sens = tuple(
            c.name for c in ds.columns if c.category is ColumnCategory.SENSITIVE and c.name not in chosen
        )
    else:
        sens = tuple(sensitive)
        for s in sens:
            check(s, "sensitive attribute")
    return chosen, source, sens


def _dataset_frame(ws: Workspace, ds: Dataset, columns: Sequence[str]) -> pd.DataFrame:
    from veil.vault.release import scan_clear

    cols = [ds.column(c) for c in columns]
    gone = ws.keystore.journal.erasing(limit=_MAX_ERASING)
    parts = [t.to_pandas() for t in scan_clear(ws, ds, cols, gone)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.concat(parts, ignore_index=True)
    return frame.rename(columns={c.sql_name: c.name for c in cols})[list(columns)]


def read_file_frame(path: Path, *, delimiter: str | None = None) -> pd.DataFrame:
    """A whole CSV/TSV/JSON lines/Parquet file as a DataFrame (Veil's readers: same detection
    of delimiters and the same errors as ``veil ingest``)."""
    reader = open_table(path, batch_rows=100_000, delimiter=delimiter)
    try:
        parts = [pd.DataFrame(batch.columns) for batch in reader]
        names = list(reader.names)
    finally:
        reader.close()
    if not parts:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    return pd.concat(parts, ignore_index=True)


def read_hierarchy(path: Path) -> dict[str, list[str]]:
    """A generalisation hierarchy in ARX's CSV layout: one row per value, the value then its
    generalisations up to the root (``;``, ``,`` or tab separated, no header), as a mapping
    value → path (what :func:`veil.anonymity.closeness.hierarchical_t` takes)."""
    import csv

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError(f"{path}: the hierarchy is empty")
    delimiter = max(";,\t", key=lines[0].count)
    out: dict[str, list[str]] = {}
    for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if len(cells) < 2:
            raise InputError(f"{path}: row {number} has no generalisation (value;level 1;...;root)")
        if cells[0] in out:
            raise InputError(f"{path}: row {number} repeats a value of an earlier row")
        out[cells[0]] = cells[1:]
    return out


def _identification(path: Path | None, quasi: Sequence[str]) -> pd.DataFrame | None:
    if path is None:
        return None
    table = read_file_frame(path)
    missing = [q for q in quasi if q not in table.columns]
    if missing:
        raise InputError(
            f"{path}: the identification table lacks the quasi-identifier(s) {', '.join(missing)}"
        )
    return table


def check_dataset(
    ws: Workspace,
    dataset: str,
    *,
    quasi: Sequence[str] | None = None,
    sensitive: Sequence[str] | None = None,
    population: int | None = None,
    identification: Path | None = None,
    threshold: float = 0.2,
    suda_max_size: int | None = 3,
    hierarchies: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Measure a workspace dataset (see the module docstring)."""
    catalog = DatasetCatalog(ws)
    ds = catalog.find(dataset)
    if ds is None:
        raise InputError(f"no dataset named {dataset!r}.{did_you_mean(dataset, catalog.names())}")
    q, source, sens = resolve_columns(ds, quasi, sensitive)
    ident = _identification(identification, q)
    if progress:
        progress("reading the dataset")
    frame = _dataset_frame(ws, ds, list(dict.fromkeys([*q, *sens])))
    if progress:
        progress("measuring")
    measures = measure_table(
        frame,
        q,
        sensitive=sens,
        population=population,
        identification=ident,
        threshold=threshold,
        suda_max_size=suda_max_size,
        hierarchies=hierarchies,
    )
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "anonymity.check",
            dataset=ds.name,
            details={
                "quasi": list(q),
                "sensitive": list(sens),
                "records": measures.rows,
                "k": measures.k,
                "prosecutor_highest": measures.risk.prosecutor.highest,
                "sample_uniques": measures.risk.sample_uniques,
            },
        )
    return CheckReport("dataset", ds.name, q, source, sens, measures)


def check_file(
    path: Path,
    *,
    quasi: Sequence[str],
    sensitive: Sequence[str] = (),
    population: int | None = None,
    identification: Path | None = None,
    threshold: float = 0.2,
    suda_max_size: int | None = 3,
    delimiter: str | None = None,
    hierarchies: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> CheckReport:
    """Measure a file's rows as they are (the quasi-identifiers named)."""
    if not quasi:
        raise InputError("name the quasi-identifiers of a file with --quasi")
    frame = read_file_frame(path, delimiter=delimiter)
    unknown = [c for c in [*quasi, *sensitive] if c not in frame.columns]
    if unknown:
        hint = did_you_mean(unknown[0], list(frame.columns))
        raise InputError(f"{path}: no column(s) {', '.join(map(repr, unknown))}.{hint}")
    measures = measure_table(
        frame,
        quasi,
        sensitive=sensitive,
        population=population,
        identification=_identification(identification, quasi),
        threshold=threshold,
        suda_max_size=suda_max_size,
        hierarchies=hierarchies,
    )
    return CheckReport("file", str(path), tuple(quasi), "given", tuple(sensitive), measures)
