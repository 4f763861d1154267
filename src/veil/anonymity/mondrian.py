"""Mondrian multidimensional local recoding (LeFevre, DeWitt & Ramakrishnan, ICDE 2006), strict
and relaxed, for k-anonymity with optional distinct ℓ-diversity and t-closeness.

The table is cut recursively: a partition is split on the quasi-identifier with the widest
normalised range (numbers by value over the column's range, other columns by rank over their
distinct values) at its median; *strict* Mondrian keeps equal values on one side (``≤ median``
then ``< median``), *relaxed* Mondrian splits the rows at the median position so equal values may
fall on both sides. A cut is allowed when both halves meet :class:`~veil.anonymity.suppression.Criteria`;
a partition no cut splits is an equivalence class. (``qiyuangong/Mondrian:mondrian.py`` is
the reference implementation this follows; written here because no maintained Python
library does Mondrian at this scale: anonypy's is a per-row pandas loop.)

Partitions are contiguous slices of one permutation of the rows, cut in place with NumPy, so
1,000,000 rows × 8 quasi-identifiers for k = 10 take seconds and a few hundred MB
(``benchmarks/anonymity_recoding.py``). Each quasi-identifier is coded once as the rank of its
value among the column's sorted distinct values (categories in their hierarchy's order, so
that a run of ranks is a run of the hierarchy).

Output values: a number or a date becomes its class's range ``[lo, hi]`` (the value itself when
the class has one); any other column becomes the lowest level of its hierarchy that names the
whole class (``123**`` for ZIP codes, ``A..D`` for a run of categories), so a category or code
is never outside its hierarchy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from veil.anonymity.classes import validate_quasi
from veil.anonymity.hierarchy import (
    DateHierarchy,
    Hierarchy,
    IntervalHierarchy,
    MapHierarchy,
    OrderHierarchy,
    auto_hierarchy,
)
from veil.anonymity.suppression import Criteria, SensitiveCodes, violating
from veil.errors import AnonymityInfeasibleError, InputError

__all__ = ["MondrianResult", "mondrian"]


@dataclass(frozen=True, slots=True)
class MondrianResult:
    """The recoded table (rows in input order), each row's class and the classes' sizes."""

    table: pd.DataFrame
    classes: np.ndarray
    sizes: np.ndarray
    quasi: tuple[str, ...]
    criteria: Criteria
    relaxed: bool

    @property
    def k(self) -> int:
        return int(self.sizes.min()) if len(self.sizes) else 0


@dataclass(frozen=True, slots=True)
class _Coded:
    """One quasi-identifier: each row's rank, the sorted distinct values, normalised positions."""

    ranks: np.ndarray  # int32 per row
    domain: pd.Series  # distinct values in rank order
    position: np.ndarray  # float per distinct value in [0, 1]
    numeric: bool
    #: output as ranges ``[lo, hi]`` (numbers and dates) rather than a hierarchy's label
    ranged: bool


def _sort_key(h: Hierarchy, domain: pd.Series) -> np.ndarray:
    """Rank order of the distinct values: a hierarchy's own order where it has one."""
    if isinstance(h, OrderHierarchy):
        rank = {v: i for i, v in enumerate(h.order)}
        return np.array([rank.get(str(v), len(rank)) for v in domain], dtype=np.int64)
    if isinstance(h, MapHierarchy):
        levels = [h.generalise(domain, lv).astype(str).to_numpy() for lv in range(h.height - 2, -1, -1)]
        return np.asarray(np.lexsort(levels[::-1]).argsort())
    return np.asarray(domain.astype(str).to_numpy().argsort(kind="stable").argsort())


def _code(values: pd.Series, h: Hierarchy) -> _Coded:
    numeric = isinstance(h, IntervalHierarchy) or (
        pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    )
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    domain = pd.Series(uniques)
    if numeric:
        num = pd.to_numeric(domain, errors="coerce").to_numpy(dtype=float)
        order = np.argsort(np.where(np.isnan(num), np.inf, num), kind="stable")
    else:
        order = np.argsort(_sort_key(h, domain), kind="stable")
    rank_of = np.empty(len(order), dtype=np.int32)
    rank_of[order] = np.arange(len(order), dtype=np.int32)
    sorted_domain = domain.iloc[order].reset_index(drop=True)
    if numeric:
        num = pd.to_numeric(sorted_domain, errors="coerce").to_numpy(dtype=float)
        lo, hi = np.nanmin(num) if len(num) else 0.0, np.nanmax(num) if len(num) else 0.0
        pos = (np.nan_to_num(num, nan=hi) - lo) / (hi - lo) if hi > lo else np.zeros(len(num))
    else:
        pos = np.arange(len(order)) / max(len(order) - 1, 1)
    ranged = numeric or isinstance(h, DateHierarchy)
    return _Coded(rank_of[codes], sorted_domain, pos.astype(np.float64), numeric, ranged)


def _fmt(v: object) -> str:
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _labels(c: _Coded, h: Hierarchy, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The output value of each class from its lowest and highest rank."""
    if c.ranged:
        text = np.array([_fmt(v) for v in c.domain], dtype=object)
        same = lo == hi
        out = np.empty(len(lo), dtype=object)
        out[same] = text[lo[same]]
        ranges = ~same
        out[ranges] = [f"[{a}, {b}]" for a, b in zip(text[lo[ranges]], text[hi[ranges]], strict=True)]
        return out
    # lowest level whose labels of the first and last rank agree (runs of ranks are runs of the hierarchy)
    per_level = [h.generalise(c.domain, lv).to_numpy(dtype=object) for lv in range(h.height)]
    out = np.empty(len(lo), dtype=object)
    todo = np.ones(len(lo), dtype=bool)
    for labels in per_level:
        agree = todo & (labels[lo] == labels[hi])
        out[agree] = labels[lo[agree]]
        todo &= ~agree
    return out


def mondrian(
    df: pd.DataFrame,
    quasi: Sequence[str],
    criteria: Criteria,
    *,
    variant: Literal["strict", "relaxed"] = "strict",
    hierarchies: Mapping[str, Hierarchy] | None = None,
    progress: Callable[[int], None] | None = None,
) -> MondrianResult:
    """Recode ``df`` over ``quasi`` with Mondrian so every class meets ``criteria``.

    ``hierarchies``: per column (built from the values when not given; each is checked to cover
    its column). ``progress``: called with the number of rows placed in final classes so far.
    """
    names = validate_quasi(df, quasi)
    if variant not in ("strict", "relaxed"):
        raise InputError(f"unknown Mondrian variant {variant!r} (strict or relaxed)")
    n = len(df)
    if n == 0:
        raise AnonymityInfeasibleError("the table is empty: there is nothing to anonymise")
    if criteria.k > n:
        raise AnonymityInfeasibleError(f"k = {criteria.k} is larger than the table's {n} rows")
    hs = dict(hierarchies or {})
    for q in names:
        if q not in hs:
            hs[q] = auto_hierarchy(q, df[q])
        hs[q].check(df[q])
    sens = SensitiveCodes.of(df[criteria.sensitive]) if criteria.sensitive is not None else None
    if sens is not None and violating(criteria, np.zeros(n, dtype=np.int64), 1, sens)[0]:
        raise AnonymityInfeasibleError(
            f"the whole table does not meet {criteria.describe()} (too few distinct sensitive values)"
        )
    coded = [_code(df[q], hs[q]) for q in names]
    ranks = np.stack([c.ranks for c in coded], axis=1)  # n × d int32
    pos = np.stack([c.position[c.ranks] for c in coded], axis=1).astype(np.float32)  # n × d
    leaves = _split(ranks, pos, criteria, sens, variant == "relaxed", progress)

    perm, bounds = leaves
    sizes = np.diff(bounds)
    cls_sorted = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    classes = np.empty(n, dtype=np.int64)
    classes[perm] = cls_sorted
    out = df.copy()
    starts = bounds[:-1]
    for j, (q, c) in enumerate(zip(names, coded, strict=True)):
        col = ranks[perm, j]
        lo = np.minimum.reduceat(col, starts)
        hi = np.maximum.reduceat(col, starts)
        labels = _labels(c, hs[q], lo, hi)
        codes, cats = pd.factorize(labels)
        out[q] = pd.Categorical.from_codes(codes[classes], categories=pd.Index(cats, dtype=object))
    return MondrianResult(out, classes, sizes.astype(np.int64), names, criteria, variant == "relaxed")


def _split(
    ranks: np.ndarray,
    pos: np.ndarray,
    criteria: Criteria,
    sens: SensitiveCodes | None,
    relaxed: bool,
    progress: Callable[[int], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut the rows into classes: the permutation of the rows and the classes' slice bounds."""
    n, _ = ranks.shape
    k = criteria.k
    perm = np.arange(n, dtype=np.int64)
    stack = [(0, n)]
    done: list[int] = []
    placed = 0
    check_sensitive = sens is not None and (criteria.l is not None or criteria.t is not None)

    def allowed(left: np.ndarray, right: np.ndarray) -> bool:
        if len(left) < k or len(right) < k:
            return False
        if not check_sensitive:
            return True
        assert sens is not None
        both = np.concatenate([left, right])
        cls = np.r_[np.zeros(len(left), dtype=np.int64), np.ones(len(right), dtype=np.int64)]
        part = SensitiveCodes(sens.codes[both], sens.m, sens.q, sens.rank)
        return not violating(criteria, cls, 2, part).any()

    while stack:
        lo, hi = stack.pop()
        m = hi - lo
        cut = None
        if m >= 2 * k:
            idx = perm[lo:hi]
            sub = pos[idx]
            widths = sub.max(axis=0) - sub.min(axis=0)
            for dim in np.argsort(-widths, kind="stable"):
                if widths[dim] <= 0:
                    break
                x = ranks[idx, dim]
                if relaxed:
                    order = np.argpartition(x, m // 2)
                    left_rows, right_rows = idx[order[: m // 2]], idx[order[m // 2 :]]
                    if allowed(left_rows, right_rows):
                        cut = (left_rows, right_rows)
                        break
                    continue
                median = np.partition(x, m // 2)[m // 2]
                for mask in (x <= median, x < median):
                    left_rows, right_rows = idx[mask], idx[~mask]
                    if allowed(left_rows, right_rows):
                        cut = (left_rows, right_rows)
                        break
                if cut is not None:
                    break
        if cut is None:
            done.append(lo)
            placed += m
            if progress is not None and len(done) % 4096 == 0:
                progress(placed)
            continue
        left_rows, right_rows = cut
        perm[lo : lo + len(left_rows)] = left_rows
        perm[lo + len(left_rows) : hi] = right_rows
        stack.append((lo + len(left_rows), hi))
        stack.append((lo, lo + len(left_rows)))
    if progress is not None:
        progress(placed)
    starts = np.sort(np.asarray(done, dtype=np.int64))
    return perm, np.append(starts, n)
