"""Utility of a recoded table against the original, with ARX's definitions so figures compare:

* **discernibility** — Σ |class|² over the classes plus n · |suppressed| for the suppressed rows
  (``arx: metric/v2/MetricSDDiscernability.java``; ANCHORS.md §2.3);
* **AECS** — average equivalence class size over k: n / (classes · k), suppressed rows left out
  (``metric/v2/MetricSDAECS.java``);
* **normalised certainty penalty** — per cell, for a number the span of the original values
  that share its output value over the column's span, for anything else (originals sharing it
  − 1) / (distinct values − 1); a suppressed cell (``*``) is 1; averaged over the cells (Xu et
  al. 2006; ``qiyuangong/Mondrian:mondrian.py`` ``get_normalized_width``; ARX ``Loss``);
* **non-uniform entropy** — Σ over cells of −log₂ P(original value | output value), in bits
  (Gionis & Tassa 2009; ARX ``metric/v2/MetricMDNUEntropyPrecomputed.java``, which sums
  a · log₂(a / b) over values for global recoding — the same figure);
* **KL divergence** — Σ over distinct original rows t of P(t) · log₂(P(t) / Q(t)), Q spreading
  each class's share uniformly over the original combinations its output values cover
  (``metric/v2/MetricSDNMKLDivergence.java``: output frequency / area; suppressed rows one
  class over the whole domain).

Everything is computed from the two tables (same rows, same order), so it applies to any
recoding — lattice, Mondrian, MDAV, suppression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from veil.anonymity.classes import SUPPRESSED, equivalence_classes, factorize_columns, validate_quasi
from veil.errors import InputError

__all__ = ["Utility", "measure_utility"]


@dataclass(frozen=True, slots=True)
class Utility:
    rows: int
    suppressed: int
    classes: int
    discernibility: int
    aecs: float
    ncp: float
    non_uniform_entropy: float
    kl_divergence: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pair_codes(orig: pd.Series, out: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    a, _ = pd.factorize(orig, use_na_sentinel=False)
    b, _ = pd.factorize(out.astype(object), use_na_sentinel=False)
    return a.astype(np.int64), b.astype(np.int64)


def _ncp_column(orig: pd.Series, out: pd.Series) -> np.ndarray:
    star = (out.astype(object) == SUPPRESSED).to_numpy()
    a, b = _pair_codes(orig, out)
    numeric = pd.api.types.is_numeric_dtype(orig.dtype) and not pd.api.types.is_bool_dtype(orig.dtype)
    if numeric:
        v = orig.to_numpy(dtype=float)
        span = np.nanmax(v) - np.nanmin(v) if len(v) else 0.0
        if span <= 0:
            cell = np.zeros(len(v))
        else:
            s = pd.Series(v)
            lo, hi = s.groupby(b).transform("min"), s.groupby(b).transform("max")
            cell = np.nan_to_num(((hi - lo) / span).to_numpy(), nan=0.0)
    else:
        d = int(a.max()) + 1 if len(a) else 1
        members = pd.Series(a).groupby(b).transform("nunique").to_numpy()
        cell = (members - 1) / (d - 1) if d > 1 else np.zeros(len(a))
    cell = np.where(star, 1.0, cell)
    return np.asarray(cell, dtype=float)


def _entropy_column(orig: pd.Series, out: pd.Series) -> float:
    a, b = _pair_codes(orig, out)
    pair = a * (int(b.max()) + 1 if len(b) else 1) + b
    count_pair = np.bincount(pd.factorize(pair)[0])[pd.factorize(pair)[0]]
    count_out = np.bincount(b)[b]
    return float(-np.log2(count_pair / count_out).sum())


def measure_utility(
    original: pd.DataFrame, released: pd.DataFrame, quasi: Sequence[str], *, k: int = 1
) -> Utility:
    """The utility figures of ``released`` (a recoding of ``original``, rows in the same order)."""
    names = validate_quasi(original, quasi)
    validate_quasi(released, names)
    if len(original) != len(released):
        raise InputError("utility compares a table with its recoding: they need the same rows")
    n = len(original)
    classes = equivalence_classes(released, names)
    s = classes.suppressed
    disc = int((classes.sizes.astype(np.int64) ** 2).sum()) + n * s
    aecs = classes.n / (classes.count * k) if classes.count else 0.0
    ncp = float(np.mean([_ncp_column(original[q], released[q]).mean() for q in names])) if n else 0.0
    entropy = sum(_entropy_column(original[q], released[q]) for q in names) if n else 0.0
    return Utility(
        rows=n,
        suppressed=s,
        classes=classes.count,
        discernibility=disc,
        aecs=float(aecs),
        ncp=ncp,
        non_uniform_entropy=float(entropy),
        kl_divergence=_kl(original, released, names, classes.codes) if n else 0.0,
    )


def _kl(original: pd.DataFrame, released: pd.DataFrame, names: Sequence[str], cls: np.ndarray) -> float:
    n = len(original)
    t = factorize_columns(original, list(names))
    p_t = np.bincount(t) / n
    # area of each row's output: Π over columns of the original values sharing its output value
    area = np.ones(n)
    full = 1.0
    for q in names:
        a, b = _pair_codes(original[q], released[q])
        d = int(a.max()) + 1
        full *= d
        members = pd.Series(a).groupby(b).transform("nunique").to_numpy()
        area *= np.where((released[q].astype(object) == SUPPRESSED).to_numpy(), d, members)
    kept = cls >= 0
    size = np.where(
        kept,
        np.bincount(np.where(kept, cls, 0), weights=kept.astype(float))[np.maximum(cls, 0)],
        (~kept).sum(),
    )
    area = np.where(kept, area, full)
    q_row = size / n / area
    # one term per distinct original row (its first occurrence; all its copies share class and area)
    _, first = np.unique(t, return_index=True)
    p = p_t[t[first]]
    return float(np.sum(p * np.log2(p / q_row[first])))
