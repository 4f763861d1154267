"""MDAV microaggregation (Maximum Distance to Average Vector; Domingo-Ferrer & Mateo-Sanz 2002,
as sdcMicro's ``microaggregation(method = "mdav")`` and ARX's microaggregation functions).

The numeric quasi-identifiers are standardised; while at least ``3k`` records remain, the
record ``r`` farthest from the centroid and the record ``s`` farthest from ``r`` each take their
``k - 1`` nearest remaining records into a group; with ``2k .. 3k - 1`` left, one more group
forms around the record farthest from the centroid and the rest is the last group; fewer than
``2k`` form one group. Each value is replaced by its group's mean, so every group is an
equivalence class of at least ``k`` records. Written here because no maintained Python
library implements MDAV (sdcMicro is R); each step is a vectorised distance computation, so
the cost is O(n²/k) — meant for tables up to some hundred thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from veil.anonymity.classes import validate_quasi
from veil.errors import AnonymityInfeasibleError, InputError

__all__ = ["MdavResult", "mdav"]


@dataclass(frozen=True, slots=True)
class MdavResult:
    """The aggregated table (rows in input order), each row's group and the groups' sizes."""

    table: pd.DataFrame
    groups: np.ndarray
    sizes: np.ndarray
    quasi: tuple[str, ...]
    k: int


def _groups(x: np.ndarray, k: int) -> np.ndarray:
    n = len(x)
    group = np.full(n, -1, dtype=np.int64)
    alive = np.arange(n)
    g = 0

    def take_nearest(center: np.ndarray) -> None:
        nonlocal alive, g
        d = ((x[alive] - center) ** 2).sum(axis=1)
        near = np.argpartition(d, k - 1)[:k] if len(alive) > k else np.arange(len(alive))
        group[alive[near]] = g
        g += 1
        alive = np.delete(alive, near)

    while len(alive) >= 3 * k:
        centroid = x[alive].mean(axis=0)
        r = x[alive[np.argmax(((x[alive] - centroid) ** 2).sum(axis=1))]]
        take_nearest(r)
        s = x[alive[np.argmax(((x[alive] - r) ** 2).sum(axis=1))]]
        take_nearest(s)
    if len(alive) >= 2 * k:
        centroid = x[alive].mean(axis=0)
        take_nearest(x[alive[np.argmax(((x[alive] - centroid) ** 2).sum(axis=1))]])
    if len(alive):
        group[alive] = g
    return group


def mdav(df: pd.DataFrame, quasi: Sequence[str], k: int) -> MdavResult:
    """Microaggregate the numeric ``quasi`` columns of ``df`` into groups of at least ``k`` (their means)."""
    names = validate_quasi(df, quasi)
    if k < 1:
        raise InputError(f"k must be 1 or more, not {k}")
    n = len(df)
    if n == 0:
        raise AnonymityInfeasibleError("the table is empty: there is nothing to anonymise")
    if k > n:
        raise AnonymityInfeasibleError(f"k = {k} is larger than the table's {n} rows")
    cols = []
    for q in names:
        v = df[q]
        if not pd.api.types.is_numeric_dtype(v.dtype) or pd.api.types.is_bool_dtype(v.dtype):
            raise InputError(
                f"MDAV aggregates numbers: column {q!r} is not numeric (use Mondrian or the lattice)"
            )
        if v.isna().any():
            raise InputError(f"MDAV needs every value: column {q!r} has {int(v.isna().sum())} missing")
        cols.append(v.to_numpy(dtype=float))
    raw = np.stack(cols, axis=1)
    std = raw.std(axis=0)
    x = (raw - raw.mean(axis=0)) / np.where(std > 0, std, 1.0)
    group = _groups(x, k)
    sizes = np.bincount(group)
    out = df.copy()
    for j, q in enumerate(names):
        means = np.bincount(group, weights=raw[:, j]) / sizes
        out[q] = means[group]
    return MdavResult(out, group, sizes.astype(np.int64), names, k)
