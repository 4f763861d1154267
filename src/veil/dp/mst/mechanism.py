"""MST's mechanism: a synthetic copy of a subject-bounded table, and its checks.

See :mod:`veil.dp.mst` for the steps. The privacy unit is the *subject*: the table has a
subject column and a declared bound ``R`` on the rows one subject may contribute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from veil.dp.mst.codec import OTHER_CATEGORY, CategoricalCodec, Codec, NumericCodec, SynthColumn, counts
from veil.dp.mst.measurements import Measurements, mbi_module
from veil.dp.mst.sampling import sample_tree
from veil.errors import InputError

__all__ = ["SynthResult", "bound_contributions", "check_synthesis", "synthesize"]


@dataclass(frozen=True, slots=True)
class SynthResult:
    """Synthetic rows and what producing them cost."""

    table: pa.Table  # synthetic rows, one column per SynthColumn, no subject column
    epsilon: float
    delta: float
    rows: int
    marginals: list[tuple[str, ...]]  # the marginals MST measured

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no data)."""
        return {
            "epsilon": self.epsilon,
            "delta": self.delta,
            "rows": self.rows,
            "columns": list(self.table.column_names),
            "marginals": [list(m) for m in self.marginals],
        }


def synthesize(
    data: pa.Table,
    subject_column: str,
    columns: Sequence[SynthColumn],
    *,
    epsilon: float,
    delta: float,
    max_rows_per_subject: int,
    rows: int | None = None,
    bins: int = 16,
    seed: int | None = None,
    iters: int = 1000,
) -> SynthResult:
    """Release a DP synthetic copy of ``data`` (MST), spending at most ``(epsilon, delta)``.

    ``rows`` defaults to the noisy row count (after bounding). ``seed`` seeds only the
    sampling of records from the fitted model; OpenDP noise and the choice of rows to
    keep per subject are never seeded. ``iters`` is the number of mirror-descent steps.
    """
    _check_request(columns, epsilon, delta, max_rows_per_subject, rows, bins, iters)
    _check_schema(data, subject_column, columns)
    bound = max_rows_per_subject
    undeclared = [c.name for c in columns if c.kind == "categorical" and c.categories is None]
    noise = Measurements.build(epsilon, delta, bound, n_columns=len(columns), n_undeclared=len(undeclared))

    bounded = bound_contributions(data, subject_column, bound)
    codecs: dict[str, Codec] = {}
    measurements: list[Any] = []
    for column in columns:
        values = bounded.column(column.name)
        if column.kind == "numeric":
            codecs[column.name] = NumericCodec.build(column, bins)
        elif column.categories is not None:
            codecs[column.name] = CategoricalCodec(column.name, column.categories)
        else:
            codec, measurement = noise.discover(column.name, values)
            codecs[column.name] = codec
            if measurement is not None:
                measurements.append(measurement)
    codes = {name: codec.encode(bounded.column(name)) for name, codec in codecs.items()}
    sizes = {name: codec.size for name, codec in codecs.items()}
    names = [c.name for c in columns]

    mbi = mbi_module()
    domain = mbi.Domain.fromdict({n: sizes[n] for n in names})
    oneway = [noise.measure_marginal((name,), counts(codes, sizes, (name,))) for name in names]
    edges = noise.select_tree(
        names, codes, sizes, {m.clique[0]: np.asarray(m.noisy_measurement) for m in oneway}
    )
    twoway = [noise.measure_marginal(edge, counts(codes, sizes, edge)) for edge in edges]
    model = mbi.estimation.MirrorDescent().estimate(domain, [*measurements, *oneway, *twoway], iters=iters)

    n_rows = rows if rows is not None else max(1, round(float(model.total)))
    rng = np.random.default_rng(seed)
    sampled = sample_tree(model, names, edges, n_rows, rng)
    table = pa.table({name: codecs[name].decode(sampled[name], rng) for name in names})
    spent_epsilon, spent_delta = noise.spent()
    return SynthResult(
        table=table,
        epsilon=spent_epsilon,
        delta=spent_delta,
        rows=n_rows,
        marginals=[(name,) for name in names] + list(edges),
    )


# -- arguments ----------------------------------------------------------------------------


def check_synthesis(
    columns: Sequence[SynthColumn],
    *,
    epsilon: float,
    delta: float,
    max_rows_per_subject: int,
    rows: int | None = None,
    bins: int = 16,
    iters: int = 1000,
) -> None:
    """Everything :func:`synthesize` checks without the data: arguments, the optional
    dependency (mbi) and that the budget can pay for its measurements.

    Callers that charge a budget run this first, so that nothing that could have been
    known before is found out after the charge.
    """
    _check_request(columns, epsilon, delta, max_rows_per_subject, rows, bins, iters)
    mbi_module()
    undeclared = [c.name for c in columns if c.kind == "categorical" and c.categories is None]
    Measurements.build(
        epsilon, delta, max_rows_per_subject, n_columns=len(columns), n_undeclared=len(undeclared)
    )


def _check_request(
    columns: Sequence[SynthColumn],
    epsilon: float,
    delta: float,
    bound: int,
    rows: int | None,
    bins: int,
    iters: int,
) -> None:
    """Checks that need neither the data nor its schema."""
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise InputError(f"epsilon must be a positive number, got {epsilon}")
    if not (math.isfinite(delta) and 0 <= delta < 1):
        raise InputError(f"delta must be in [0, 1), got {delta}")
    if isinstance(bound, bool) or not isinstance(bound, int) or bound < 1:
        raise InputError(f"max_rows_per_subject must be a positive integer, got {bound}")
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 1):
        raise InputError(f"rows must be a positive integer, got {rows}")
    if bins < 2:
        raise InputError(f"bins must be at least 2, got {bins}")
    if iters < 1:
        raise InputError(f"iters must be positive, got {iters}")
    if not columns:
        raise InputError("choose at least one column to synthesise")
    seen: set[str] = set()
    for column in columns:
        name = column.name
        if name in seen:
            raise InputError(f"column {name!r} is listed twice")
        seen.add(name)
        if column.kind == "numeric":
            if column.bounds is None:
                raise InputError(f"numeric column {name!r} needs bounds (lower, upper)")
            lower, upper = column.bounds
            if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
                raise InputError(f"bounds of column {name!r} must be finite with lower < upper")
            if column.integer and math.ceil(lower) > math.floor(upper):
                raise InputError(f"bounds of integer column {name!r} contain no integer")
        elif column.kind == "categorical":
            if column.categories is not None:
                cats = column.categories
                if not cats:
                    raise InputError(f"declared categories of column {name!r} are empty")
                if len(set(cats)) != len(cats):
                    raise InputError(f"declared categories of column {name!r} repeat a value")
                if OTHER_CATEGORY in cats:
                    raise InputError(f"{OTHER_CATEGORY!r} is reserved and cannot be a category ({name!r})")
            elif delta == 0:
                raise InputError(
                    f"column {name!r} has no declared categories, so they must be discovered privately, "
                    "which needs delta > 0: pass a delta (e.g. 1e-6) or declare the categories"
                )
        else:
            raise InputError(f"column {name!r} has unknown kind {column.kind!r}")


def _check_schema(data: pa.Table, subject_column: str, columns: Sequence[SynthColumn]) -> None:
    """Checks of the table's schema (never of its rows: an empty table is synthesised too,
    since whether the real one is empty must not decide whether the release succeeds)."""
    if subject_column not in data.column_names:
        raise InputError(f"subject column {subject_column!r} is not in the dataset")
    for column in columns:
        name = column.name
        if name == subject_column:
            raise InputError(f"the subject column {name!r} cannot be synthesised")
        if name not in data.column_names:
            raise InputError(f"column {name!r} is not in the dataset")
        if column.kind == "numeric":
            kind = data.schema.field(name).type
            if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind)):
                raise InputError(f"column {name!r} is declared numeric but holds {kind} values")


# -- contribution bounding ----------------------------------------------------------------


def bound_contributions(data: pa.Table, subject_column: str, bound: int) -> pa.Table:
    """Keep at most ``bound`` uniformly chosen rows per subject (null subject: one group).

    The choice is never seeded: each subject's kept rows must not depend on other
    subjects' rows, which fresh random keys guarantee in distribution.
    """
    subjects = data.column(subject_column).combine_chunks().dictionary_encode()
    group = np.asarray(pc.fill_null(subjects.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    n = len(group)
    if n == 0:
        return data
    keys = np.random.default_rng().random(n)
    order = np.lexsort((keys, group))
    sorted_group = group[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_group[1:] != sorted_group[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.arange(n) - first
    if rank.max() < bound:
        return data
    keep = np.sort(order[rank < bound])
    return data.take(pa.array(keep))
