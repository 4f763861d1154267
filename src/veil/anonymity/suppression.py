"""The privacy model a recoding must meet, class by class, and suppression within a budget.

:class:`Criteria` is the per-class test every recoding shares (Mondrian, the lattice search,
suppression): a class is *violating* when it has fewer than ``k`` rows, fewer than ``l``
distinct sensitive values (distinct ℓ-diversity), or a sensitive distribution farther than
``t`` from the table's (t-closeness: equal ground distance for categories, ordered distance —
the EMD over the values in order — for numbers; Li, Li & Venkatasubramanian 2007, as ARX's
``EqualDistanceTCloseness`` / ``OrderedDistanceTCloseness``).

Suppression, as ARX does it, keeps the row and replaces its quasi-identifiers with ``*``:

* :func:`suppress_records` — every row of a violating class is suppressed (all its
  quasi-identifiers ``*``): ARX's record suppression of outliers;
* :func:`suppress_cells` — local suppression: the quasi-identifiers of violating rows are
  replaced one column at a time (the column with the most distinct values first, the greedy
  order of sdcMicro's ``localSuppression``) until no class violates; a row whose every
  quasi-identifier ends up ``*`` is a suppressed record.

A budget is a fraction of the rows (records) or of the quasi-identifier cells; it is never
exceeded: a suppression that would need more raises
:class:`~veil.errors.AnonymityInfeasibleError` and returns nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from veil.anonymity.classes import SUPPRESSED, equivalence_classes, validate_quasi
from veil.errors import AnonymityInfeasibleError, InputError

__all__ = ["Criteria", "SuppressionResult", "budget", "suppress_cells", "suppress_records"]


def budget(n: int, fraction: float) -> int:
    """The most rows (or cells) a ``fraction`` of ``n`` allows: ``floor(fraction · n)``."""
    if not 0.0 <= fraction <= 1.0 or math.isnan(fraction):
        raise InputError(f"a suppression budget is a fraction between 0 and 1, not {fraction}")
    return math.floor(fraction * n + 1e-9)


@dataclass(frozen=True, slots=True)
class Criteria:
    """k-anonymity, optionally distinct ℓ-diversity and t-closeness of one sensitive column."""

    k: int
    l: int | None = None  # noqa: E741 - the model's ℓ
    t: float | None = None
    sensitive: str | None = None

    def __post_init__(self) -> None:
        if self.k < 1:
            raise InputError(f"k must be 1 or more, not {self.k}")
        if (self.l is not None or self.t is not None) and self.sensitive is None:
            raise InputError("ℓ-diversity and t-closeness need a sensitive column (--sensitive)")
        if self.l is not None and self.l < 1:
            raise InputError(f"ℓ must be 1 or more, not {self.l}")
        if self.t is not None and not 0.0 <= self.t <= 1.0:
            raise InputError(f"t must be between 0 and 1, not {self.t}")

    def describe(self) -> str:
        parts = [f"k = {self.k}"]
        if self.l is not None:
            parts.append(f"ℓ = {self.l} (distinct) on {self.sensitive}")
        if self.t is not None:
            parts.append(f"t = {self.t} on {self.sensitive}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class SensitiveCodes:
    """A sensitive column as codes: ``codes`` per row, ``m`` values, the table's frequencies
    ``q`` and, for an ordered (numeric) column, the rank of each code (else None)."""

    codes: np.ndarray
    m: int
    q: np.ndarray
    rank: np.ndarray | None

    @classmethod
    def of(cls, values: pd.Series) -> SensitiveCodes:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        m = max(len(uniques), 1)
        q = np.bincount(codes, minlength=m) / max(len(codes), 1)
        rank = None
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            rank = np.argsort(np.argsort(np.asarray(uniques, dtype=float), kind="stable"), kind="stable")
        return cls(codes.astype(np.int64), m, q, rank)


def violating(
    criteria: Criteria,
    cls: np.ndarray,
    n_classes: int,
    sens: SensitiveCodes | None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean per class: does it break ``criteria``? ``cls`` is each row's class (0..n-1);
    ``weights`` (default 1) how many rows each entry stands for."""
    w = np.ones(len(cls), dtype=np.int64) if weights is None else weights
    sizes = np.bincount(cls, weights=w, minlength=n_classes)
    bad = sizes < criteria.k
    if sens is None or (criteria.l is None and criteria.t is None):
        return bad
    pair = cls * sens.m + sens.codes
    uniq, inv = np.unique(pair, return_inverse=True)
    counts = np.bincount(inv, weights=w)
    pcls, pval = np.divmod(uniq, sens.m)
    if criteria.l is not None:
        bad |= np.bincount(pcls, minlength=n_classes) < criteria.l
    if criteria.t is not None:
        bad |= _emd(pcls, pval, counts / sizes[pcls], sens, n_classes) > criteria.t + 1e-12
    return bad


def _emd(pcls: np.ndarray, pval: np.ndarray, p: np.ndarray, sens: SensitiveCodes, n: int) -> np.ndarray:
    """Earth mover's distance of each class's sensitive distribution from the table's."""
    if sens.rank is None:
        # equal distance: ½ Σ |p − q| = ½ (Σ_{v in class} (|p − q| − q) + 1)
        q = sens.q[pval]
        return 0.5 * (np.bincount(pcls, weights=np.abs(p - q) - q, minlength=n) + 1.0)
    if sens.m < 2:
        return np.zeros(n)
    dense = np.zeros((n, sens.m))
    dense[pcls, sens.rank[pval]] = p
    q = np.empty(sens.m)
    q[sens.rank] = sens.q
    out: np.ndarray = np.abs(np.cumsum(dense - q, axis=1)).sum(axis=1) / (sens.m - 1)
    return out


@dataclass(frozen=True, slots=True)
class SuppressionResult:
    """A table with its violating rows' quasi-identifiers suppressed.

    ``records``: rows whose every quasi-identifier is ``*``; ``cells``: quasi-identifier cells
    replaced by ``*`` (all of them, records' included).
    """

    table: pd.DataFrame
    suppressed: np.ndarray
    records: int
    cells: int


def _classes(df: pd.DataFrame, quasi: Sequence[str]) -> tuple[np.ndarray, int]:
    c = equivalence_classes(df, quasi, suppressed=np.zeros(len(df), dtype=bool))
    return c.codes, c.count


def _sens(df: pd.DataFrame, criteria: Criteria) -> SensitiveCodes | None:
    if criteria.sensitive is None:
        return None
    if criteria.sensitive not in df.columns:
        raise InputError(f"unknown sensitive column: {criteria.sensitive}")
    return SensitiveCodes.of(df[criteria.sensitive])


def _as_text(df: pd.DataFrame, quasi: Sequence[str]) -> pd.DataFrame:
    out = df.copy()
    for q in quasi:
        out[q] = out[q].astype(object)
    return out


def suppress_records(
    df: pd.DataFrame, quasi: Sequence[str], criteria: Criteria, max_fraction: float
) -> SuppressionResult:
    """Suppress every row of a class that breaks ``criteria``; refuse beyond ``max_fraction`` of the rows."""
    names = validate_quasi(df, quasi)
    limit = budget(len(df), max_fraction)
    cls, count = _classes(df, names)
    bad_rows = violating(criteria, cls, count, _sens(df, criteria))[cls] if len(df) else np.zeros(0, bool)
    records = int(bad_rows.sum())
    if records > limit:
        raise AnonymityInfeasibleError(
            f"{criteria.describe()} needs {records} of {len(df)} rows suppressed, more than the budget of "
            f"{limit} ({max_fraction:.2%}): generalise further first or raise --max-suppression"
        )
    if records and len(df) - records and len(df) - records < criteria.k:
        raise AnonymityInfeasibleError(f"fewer than k = {criteria.k} rows would be left unsuppressed")
    out = _as_text(df, names)
    if records:
        out.loc[bad_rows, list(names)] = SUPPRESSED
    return SuppressionResult(out, bad_rows, records, records * len(names))


def suppress_cells(
    df: pd.DataFrame, quasi: Sequence[str], criteria: Criteria, max_fraction: float
) -> SuppressionResult:
    """Local suppression: ``*`` into violating rows' cells, one quasi-identifier at a time (most
    distinct values first), until every class meets ``criteria``; at most ``max_fraction`` of the
    quasi-identifier cells."""
    names = validate_quasi(df, quasi)
    limit = budget(len(df) * len(names), max_fraction)
    order = sorted(names, key=lambda q: (-df[q].nunique(dropna=False), names.index(q)))
    out = _as_text(df, names)
    sens = _sens(df, criteria)
    starred = np.zeros((len(df), len(names)), dtype=bool)
    col_of = {q: i for i, q in enumerate(names)}
    for q in [*order, None]:
        cls, count = _classes(out, names)
        all_star = starred.all(axis=1)
        bad = violating(criteria, cls, count, sens)[cls] & ~all_star if len(df) else np.zeros(0, bool)
        if not bad.any():
            break
        if q is None:  # pragma: no cover - every column starred leaves no violating row
            raise AnonymityInfeasibleError(f"local suppression cannot reach {criteria.describe()}")
        out.loc[bad, q] = SUPPRESSED
        starred[bad, col_of[q]] = True
        if int(starred.sum()) > limit:
            raise AnonymityInfeasibleError(
                f"{criteria.describe()} needs more than {limit} suppressed cells ({max_fraction:.2%} of the "
                "quasi-identifier cells): generalise first or raise --max-suppression"
            )
    records_mask: np.ndarray = np.asarray(starred.all(axis=1))
    kept = len(df) - int(records_mask.sum())
    if kept and kept < criteria.k:
        raise AnonymityInfeasibleError(f"fewer than k = {criteria.k} rows would be left unsuppressed")
    return SuppressionResult(out, records_mask, int(records_mask.sum()), int(starred.sum()))
