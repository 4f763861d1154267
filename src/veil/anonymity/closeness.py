"""t-closeness: the largest Earth Mover's Distance between a class's sensitive distribution (p)
and the table's (q), under ARX's three ground distances.

* equal distance (ARX ``EqualDistanceTCloseness``): ½ Σ |pᵢ − qᵢ|, computed on the triples a
  class holds: ½ (Σ_present (|pᵢ − qᵢ| − qᵢ) + 1), since absent values contribute qᵢ;
* ordered (ARX ``OrderedDistanceTCloseness``, numeric or ordinal values):
  1/(m − 1) Σᵢ |Σ_{j ≤ i} (pⱼ − qⱼ)| over the m values in order;
* hierarchical (ARX ``HierarchicalDistanceTCloseness``): Σ over the hierarchy's inner nodes N of
  level(N)/H · min(pos_extra(N), neg_extra(N)), where a node's extras are the positive and
  negative net surpluses of its children (Li et al. 2007).

The ordered and hierarchical distances need each class's full distribution: they are computed
on dense blocks of classes (at most :data:`BLOCK_CELLS` cells at a time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from veil.anonymity.distribution import SensitiveDistribution
from veil.errors import InputError

__all__ = ["BLOCK_CELLS", "equal_distance_t", "hierarchical_t", "ordered_t", "value_order"]

#: The most class × value cells one dense block holds (8 bytes each).
BLOCK_CELLS = 4_000_000


def equal_distance_t(dist: SensitiveDistribution) -> float:
    """t for t-closeness with the equal ground distance (the table meets every t ≥ it)."""
    p = dist.pair_frequency()
    q = dist.table_frequency[dist.pair_value]
    emd = 0.5 * (dist.per_class_sum(np.abs(p - q) - q) + 1.0)
    return float(max(emd.max(), 0.0))


def value_order(dist: SensitiveDistribution, order: Sequence[Any] | None = None) -> np.ndarray:
    """The rank of each value code: numeric values by value, others by ``order`` (ordinal
    categories, all values named) or, without one, by their sorted text."""
    values = dist.values
    if order is not None:
        rank_of = {v: i for i, v in enumerate(order)}
        missing = [v for v in values if v not in rank_of]
        if missing:
            raise InputError(f"the order of {dist.attribute} does not name {len(missing)} of its value(s)")
        ranks = np.array([rank_of[v] for v in values], dtype=np.int64)
    else:
        series = pd.Series(values)
        numeric = pd.to_numeric(series, errors="coerce")
        if numeric.notna().all():
            ranks = numeric.to_numpy().argsort(kind="stable").argsort()
        else:
            ranks = series.astype(str).to_numpy().argsort(kind="stable").argsort()
    # dense 0..m-1 ranks in the given order
    return np.asarray(pd.Series(ranks).rank(method="first").to_numpy() - 1, dtype=np.int64)


def _blocks(dist: SensitiveDistribution, width: int) -> list[tuple[int, int]]:
    step = max(1, BLOCK_CELLS // max(width, 1))
    n = dist.classes.count
    return [(i, min(i + step, n)) for i in range(0, n, step)]


def ordered_t(dist: SensitiveDistribution, order: Sequence[Any] | None = None) -> float:
    """t for t-closeness with the ordered ground distance (EMD over the values in order).

    Computed on the triples a class holds, not a dense class × value matrix: between two of a
    class's values its cumulative distribution P is constant while the table's Q rises, so
    Σᵢ |P − Qᵢ| over that run is split where Q crosses P (a binary search) and read off the
    prefix sums of Q. The result equals the dense sum (tested against it)."""
    m = dist.m
    if m < 2:
        return 0.0
    ranks = value_order(dist, order)
    q = np.empty(m)
    q[ranks] = dist.table_frequency
    big_q = np.cumsum(q)  # Qᵢ, the table's cumulative distribution
    prefix = np.concatenate([[0.0], np.cumsum(big_q)])  # prefix[i] = Σ_{t<i} Q_t
    rank = ranks[dist.pair_value]
    order_ = np.lexsort((rank, dist.pair_class))
    cls, rank = dist.pair_class[order_], rank[order_]
    p = dist.pair_frequency()[order_]
    # each class's cumulative P after each of its values
    cum = np.cumsum(p)
    starts = np.flatnonzero(np.r_[True, cls[1:] != cls[:-1]])
    offsets = np.repeat(np.r_[0.0, cum[starts[1:] - 1]], np.diff(np.r_[starts, len(cls)]))
    level = cum - offsets
    nxt = np.r_[rank[1:], m]
    last = np.r_[cls[1:] != cls[:-1], True]
    end = np.where(last, m, nxt)
    split = np.clip(np.searchsorted(big_q, level, side="left"), rank, end)
    runs = (
        level * (split - rank)
        - (prefix[split] - prefix[rank])
        + (prefix[end] - prefix[split])
        - level * (end - split)
    )
    # before a class's first value P = 0: Σ Qᵢ over [0, first rank)
    lead = prefix[rank[starts]]
    emd = (np.add.reduceat(runs, starts) + lead) / (m - 1)
    return float(max(emd.max(), 0.0))


def _ordered_t_dense(dist: SensitiveDistribution, order: Sequence[Any] | None = None) -> float:
    """The same figure from the dense class × value matrix (the tests' reference)."""
    m = dist.m
    if m < 2:
        return 0.0
    ranks = value_order(dist, order)
    q = np.empty(m)
    q[ranks] = dist.table_frequency
    worst = 0.0
    for first, stop in _blocks(dist, m):
        p = dist.dense(first, stop, order=_order_codes(ranks))
        emd = np.abs(np.cumsum(p - q, axis=1)).sum(axis=1) / (m - 1)
        worst = max(worst, float(emd.max()))
    return worst


def _order_codes(ranks: np.ndarray) -> np.ndarray:
    """The value codes in rank order (what :meth:`SensitiveDistribution.dense` takes)."""
    return np.argsort(ranks)


def _hierarchy_levels(
    dist: SensitiveDistribution, hierarchy: Mapping[Any, Sequence[Any]]
) -> list[np.ndarray]:
    """For each level 1..H, every value's node id at that level (a node is its path to the root)."""
    paths: list[tuple[Any, ...]] = []
    for v in dist.values:
        key = v
        if key not in hierarchy and not (isinstance(v, float) and np.isnan(v)):
            key = str(v)
        if key not in hierarchy:
            raise InputError(f"the hierarchy of {dist.attribute} does not cover one of its values")
        paths.append(tuple(hierarchy[key]))
    heights = {len(p) for p in paths}
    if len(heights) != 1 or 0 in heights:
        raise InputError(
            f"the hierarchy of {dist.attribute} must give every value a path of the same length "
            "(level 1 up to the root)"
        )
    height = heights.pop()
    levels = []
    for level in range(1, height + 1):
        # a node is identified by its labels from this level up (equal labels under different parents differ)
        ids, _ = pd.factorize(pd.Series(["\x1f".join(map(str, p[level - 1 :])) for p in paths]))
        levels.append(ids.astype(np.int64))
    return levels


def hierarchical_t(dist: SensitiveDistribution, hierarchy: Mapping[Any, Sequence[Any]]) -> float:
    """t for t-closeness with the hierarchical ground distance.

    ``hierarchy`` maps each sensitive value (or its text) to its generalisations from level 1 up
    to the root, as the rows of an ARX hierarchy without the first column; every path has the
    same length H (the root's level, which normalises the cost to [0, 1]).
    """
    levels = _hierarchy_levels(dist, hierarchy)
    height = len(levels)
    m = dist.m
    q = dist.table_frequency
    # membership matrices: child (value or level-L node) -> parent (level L+1 node)
    members = []
    child_ids = np.arange(m)
    for ids in levels:
        n_child = int(child_ids.max()) + 1
        n_parent = int(ids.max()) + 1
        mat = np.zeros((n_child, n_parent))
        mat[child_ids, ids] = 1.0
        members.append(mat)
        child_ids = ids
    worst = 0.0
    for first, stop in _blocks(dist, m):
        net = q[None, :] - dist.dense(first, stop)  # a leaf's surplus (ARX: p_i·Q − q_i·P, normalised)
        cost = np.zeros(stop - first)
        for level, mat in enumerate(members, start=1):
            pos = np.clip(net, 0, None) @ mat
            neg = np.clip(-net, 0, None) @ mat
            cost += level / height * np.minimum(pos, neg).sum(axis=1)
            net = net @ mat
        worst = max(worst, float(cost.max()))
    return worst
