"""Optimal global recoding: the least lossy node of the generalisation lattice that meets the
privacy model with record suppression within a budget.

A *node* gives each quasi-identifier a level of its hierarchy; applying it replaces every value
by its label at that level (full-domain, global recoding). The nodes form a lattice ordered
level-wise. Two monotonicity facts prune it, as in ARX's Flash (Kohlmayer, Prasser, Eckert,
Kemper & Kuhn 2012; ``arx: src/main/org/deidentifier/arx/algorithm/FLASHAlgorithmImpl.java``,
"checks and tags the given transformation", "depth-first search with predictive tagging"):

* if a node meets the model (k, ℓ, t with at most the budget's outliers suppressed), so does
  every generalisation of it (classes only merge; an outlier count never grows) — tagged
  *anonymous* without a check;
* if a node does not, neither does any specialisation of it — tagged *not anonymous*.

The loss minimised is the normalised certainty penalty summed over cells (ARX's ``Loss``
metric, ``metric/v2/MetricMDNMLoss.java``; :mod:`veil.anonymity.utility`), or ARX's
``Precision`` (the level over the hierarchy's height). Both are sums over columns of a per-level
figure when nothing is suppressed, which is ARX's *lower bound* of a node
(``getLowerBoundInternal``): suppressing a row only raises its cells to 1. The search visits the
nodes best-first by that bound, skips the ones tagged not anonymous, checks the others on the
table's distinct rows, and stops when the bound reaches the best loss found: the node it returns
has the least loss of all the nodes that meet the model (a test checks it against a brute-force
search). Ties go to the node with fewer generalisation steps, then the first in lattice order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from veil.anonymity.classes import SUPPRESSED, validate_quasi
from veil.anonymity.hierarchy import Hierarchy, IntervalHierarchy, auto_hierarchy
from veil.anonymity.suppression import Criteria, SensitiveCodes, budget, violating
from veil.errors import AnonymityInfeasibleError, InputError

__all__ = ["MAX_NODES", "LatticeResult", "LatticeSearch", "Metric", "optimal_recoding"]

#: The most lattice nodes a search enumerates (the product of the hierarchies' heights).
MAX_NODES = 5_000_000

Metric = Literal["loss", "precision"]


@dataclass(frozen=True, slots=True)
class LatticeResult:
    """The chosen node, its table and how the search went."""

    node: tuple[int, ...]
    heights: tuple[int, ...]
    quasi: tuple[str, ...]
    table: pd.DataFrame
    suppressed: np.ndarray
    #: the node's loss (Σ over cells of the metric; suppressed cells count 1)
    loss: float
    metric: Metric
    nodes: int
    checked: int
    tagged: int
    hierarchies: dict[str, Hierarchy] = field(default_factory=dict)

    @property
    def levels(self) -> dict[str, int]:
        return dict(zip(self.quasi, self.node, strict=True))


@dataclass
class LatticeSearch:
    """The lattice of one table, ready to evaluate nodes (see :func:`optimal_recoding`)."""

    quasi: tuple[str, ...]
    criteria: Criteria
    heights: tuple[int, ...]
    #: distinct rows: per column the value code, and how many rows each stands for
    tuples: np.ndarray
    weights: np.ndarray
    row_tuple: np.ndarray
    sens: SensitiveCodes | None
    #: per column, per level: the label code of each distinct value, and the count of labels
    level_codes: list[list[np.ndarray]]
    cards: list[list[int]]
    #: per column, per level: the metric's value for each distinct value, and its Σ over rows
    value_loss: list[list[np.ndarray]]
    column_loss: list[np.ndarray]
    labels: list[list[np.ndarray]]
    limit: int
    n: int
    #: per column, per level: the label code and the metric of each distinct row (precomputed)
    mapped: list[list[np.ndarray]] = field(default_factory=list)
    mapped_loss: list[list[np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        cols = [np.ascontiguousarray(self.tuples[:, j]) for j in range(self.tuples.shape[1])]
        self.mapped = [[codes[c] for codes in per] for per, c in zip(self.level_codes, cols, strict=True)]
        self.mapped_loss = [[v[c] for v in per] for per, c in zip(self.value_loss, cols, strict=True)]

    def lower_bound(self, node: Sequence[int]) -> float:
        return float(sum(self.column_loss[j][lv] for j, lv in enumerate(node)))

    def evaluate(self, node: Sequence[int]) -> tuple[bool, float, np.ndarray]:
        """Does ``node`` meet the model within the budget; its loss; which distinct rows are outliers."""
        key = np.zeros(len(self.weights), dtype=np.int64)
        radix = 1
        for j, lv in enumerate(node):
            card = self.cards[j][lv]
            if radix > np.iinfo(np.int64).max // max(card, 1):
                key = pd.factorize(key)[0].astype(np.int64)
                radix = int(key.max()) + 1
            key = key * card + self.mapped[j][lv]
            radix *= card
        cls, uniq = pd.factorize(key)
        sens = None
        if self.sens is not None:
            sens = SensitiveCodes(self.sens.codes, self.sens.m, self.sens.q, self.sens.rank)
        bad = violating(self.criteria, cls.astype(np.int64), len(uniq), sens, self.weights)[cls]
        outliers = int(self.weights[bad].sum())
        ok = outliers <= self.limit and (outliers == 0 or self.n - outliers >= self.criteria.k)
        loss = self.lower_bound(node)
        if outliers:
            # element-wise products, not np.dot: a BLAS call per column spins threads on a busy machine
            idx = np.flatnonzero(bad)
            w = self.weights[idx].astype(np.float64)
            kept = sum(float((w * self.mapped_loss[j][lv][idx]).sum()) for j, lv in enumerate(node))
            loss += float(outliers * len(node) - kept)
        return ok, loss, bad


def _value_loss(
    h: Hierarchy, domain: pd.Series, labels: list[np.ndarray], counts: np.ndarray, metric: Metric
) -> list[np.ndarray]:
    """The metric per distinct value at each level: NCP — for numbers the span of the values
    sharing the label over the column's span, otherwise (values sharing the label − 1) /
    (distinct values − 1) — or precision (level / (height − 1))."""
    height = len(labels)
    d = len(domain)
    if metric == "precision":
        return [np.full(d, lv / (height - 1)) for lv in range(height)]
    numeric = isinstance(h, IntervalHierarchy)
    num = pd.to_numeric(domain, errors="coerce").to_numpy(dtype=float) if numeric else None
    out = []
    for lv, lab in enumerate(labels):
        if lv == 0:
            out.append(np.zeros(d))
            continue
        if lv == height - 1:
            out.append(np.ones(d))
            continue
        codes, _ = pd.factorize(lab)
        if num is not None:
            span = np.nanmax(num) - np.nanmin(num) if d else 0.0
            lo = pd.Series(num).groupby(codes).transform("min").to_numpy()
            hi = pd.Series(num).groupby(codes).transform("max").to_numpy()
            out.append(np.nan_to_num((hi - lo) / span, nan=1.0) if span > 0 else np.zeros(d))
        else:
            members = np.bincount(codes)[codes]
            out.append((members - 1) / (d - 1) if d > 1 else np.zeros(d))
    return out


def prepare(
    df: pd.DataFrame,
    quasi: Sequence[str],
    criteria: Criteria,
    *,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    max_suppression: float = 0.0,
    metric: Metric = "loss",
) -> tuple[LatticeSearch, dict[str, Hierarchy], list[np.ndarray]]:
    """The lattice of ``df`` (checked hierarchies, distinct rows, per-level codes and losses)."""
    names = validate_quasi(df, quasi)
    n = len(df)
    if n == 0:
        raise AnonymityInfeasibleError("the table is empty: there is nothing to anonymise")
    if criteria.k > n:
        raise AnonymityInfeasibleError(f"k = {criteria.k} is larger than the table's {n} rows")
    if metric not in ("loss", "precision"):
        raise InputError(f"unknown loss metric {metric!r} (loss or precision)")
    hs = {q: (hierarchies or {}).get(q) or auto_hierarchy(q, df[q]) for q in names}
    value_codes, domains = [], []
    for q in names:
        hs[q].check(df[q])
        codes, uniques = pd.factorize(df[q], use_na_sentinel=False)
        value_codes.append(codes.astype(np.int64))
        domains.append(pd.Series(uniques))
    sens_full = SensitiveCodes.of(df[criteria.sensitive]) if criteria.sensitive is not None else None
    cols = [*value_codes, *([sens_full.codes] if sens_full is not None else [])]
    key = np.zeros(n, dtype=np.int64)
    for c in cols:
        card = int(c.max()) + 1 if len(c) else 1
        if key.max(initial=0) > np.iinfo(np.int64).max // max(card, 1) - card:
            key = pd.factorize(key)[0].astype(np.int64)
        key = key * card + c
    row_tuple, uniq = pd.factorize(key)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[row_tuple[::-1]] = np.arange(n - 1, -1, -1)
    weights = np.bincount(row_tuple).astype(np.int64)
    tuples = np.stack([c[first] for c in value_codes], axis=1)
    sens = None
    if sens_full is not None:
        sens = SensitiveCodes(sens_full.codes[first], sens_full.m, sens_full.q, sens_full.rank)
    level_codes, cards, value_loss, column_loss, labels = [], [], [], [], []
    for j, q in enumerate(names):
        labs = hs[q].levels(domains[j])
        codes_per_level = [pd.factorize(lab)[0].astype(np.int64) for lab in labs]
        counts = np.bincount(tuples[:, j], weights=weights, minlength=len(domains[j]))
        vl = _value_loss(hs[q], domains[j], labs, counts, metric)
        level_codes.append(codes_per_level)
        cards.append([int(c.max()) + 1 if len(c) else 1 for c in codes_per_level])
        value_loss.append(vl)
        column_loss.append(np.array([float((counts * v).sum()) for v in vl]))
        labels.append(labs)
    search = LatticeSearch(
        quasi=names,
        criteria=criteria,
        heights=tuple(hs[q].height for q in names),
        tuples=tuples,
        weights=weights,
        row_tuple=row_tuple.astype(np.int64),
        sens=sens,
        level_codes=level_codes,
        cards=cards,
        value_loss=value_loss,
        column_loss=column_loss,
        labels=labels,
        limit=budget(n, max_suppression),
        n=n,
    )
    return search, hs, value_codes


def optimal_recoding(
    df: pd.DataFrame,
    quasi: Sequence[str],
    criteria: Criteria,
    *,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    max_suppression: float = 0.0,
    metric: Metric = "loss",
    progress: Callable[[int, int], None] | None = None,
) -> LatticeResult:
    """The node of least loss that meets ``criteria`` with at most ``max_suppression`` of the rows
    suppressed (see the module docstring); its table keeps ``df``'s rows in order."""
    search, hs, _value_codes = prepare(
        df, quasi, criteria, hierarchies=hierarchies, max_suppression=max_suppression, metric=metric
    )
    heights = search.heights
    total = int(np.prod(heights, dtype=np.float64))
    if total > MAX_NODES:
        raise InputError(
            f"the lattice has {total} nodes (more than {MAX_NODES}): use fewer quasi-identifiers, "
            "shorter hierarchies, or Mondrian"
        )
    nodes = np.indices(heights).reshape(len(heights), -1).T.astype(np.int16)
    bounds = np.zeros(len(nodes))
    for j in range(len(heights)):
        bounds += search.column_loss[j][nodes[:, j]]
    bounds = np.round(bounds, 9)
    steps = nodes.sum(axis=1)
    order = np.lexsort((np.arange(len(nodes)), steps, bounds))
    # Predictive tags over the whole lattice (Flash): below a refused node nothing meets the
    # model; above an anonymous one everything does.
    not_anonymous = np.zeros(len(nodes), dtype=bool)
    anonymous = np.zeros(len(nodes), dtype=bool)
    radix = np.cumprod((1, *heights[:0:-1]))[::-1]  # node -> index in ``nodes``
    columns = [np.ascontiguousarray(nodes[:, j]) for j in range(len(heights))]

    def above(i: int) -> np.ndarray:
        mask: np.ndarray = np.asarray(columns[0] >= nodes[i, 0])
        for j in range(1, len(columns)):
            mask &= columns[j] >= nodes[i, j]
        return mask

    def below(i: int) -> np.ndarray:
        mask: np.ndarray = np.asarray(columns[0] <= nodes[i, 0])
        for j in range(1, len(columns)):
            mask &= columns[j] <= nodes[i, j]
        return mask

    results: dict[int, tuple[bool, float, np.ndarray]] = {}
    best: tuple[float, int, int] | None = None  # (loss, steps, index)
    checked = tagged = 0

    def check(i: int) -> bool:
        nonlocal checked, best
        if i not in results:
            checked += 1
            results[i] = search.evaluate(nodes[i])
            ok, loss, _ = results[i]
            if ok:
                anonymous[above(i)] = True
                cand = (round(loss, 9), int(steps[i]), i)
                if best is None or cand < best:
                    best = cand
            else:
                not_anonymous[below(i)] = True
        return results[i][0]

    for visited, start in enumerate(order):
        if best is not None and bounds[start] > best[0] + 1e-9:
            break
        i = int(start)
        if not_anonymous[i]:
            tagged += 1
            continue
        if anonymous[i] and search.limit == 0 and i not in results:
            # no suppression: an anonymous node's loss is its bound
            tagged += 1
            cand = (float(bounds[i]), int(steps[i]), i)
            if best is None or cand < best:
                best = cand
            continue
        # Flash's path: up from the node, each step the cheapest column to generalise, while the
        # bound stays under the best loss; binary search for the lowest anonymous node on it.
        path = [i]
        node = nodes[i].astype(np.int64)
        limit_loss = best[0] if best is not None else np.inf
        while True:
            room = [j for j in range(len(heights)) if node[j] < heights[j] - 1]
            if not room:
                break
            j = min(room, key=lambda c: search.column_loss[c][node[c] + 1] - search.column_loss[c][node[c]])
            node[j] += 1
            nxt = int(np.dot(node, radix))
            if bounds[nxt] > limit_loss or not_anonymous[nxt]:
                break
            path.append(nxt)
        lo, hi = 0, len(path) - 1
        if not check(path[hi]):
            continue  # the whole path (the start included) is tagged not anonymous
        while lo < hi:
            mid = (lo + hi) // 2
            if check(path[mid]):
                hi = mid
            else:
                lo = mid + 1
        if progress is not None and visited % 256 == 0:
            progress(visited, total)
    if best is None:
        raise AnonymityInfeasibleError(
            f"no generalisation meets {criteria.describe()} with at most {search.limit} suppressed rows "
            f"({max_suppression:.2%}): raise --max-suppression or lower k/ℓ"
        )
    best_node = int(best[2])
    best_bad = results[best_node][2] if best_node in results else np.zeros(len(search.weights), dtype=bool)
    node = tuple(int(x) for x in nodes[best_node])
    table, suppressed = _apply(df, search, node, best_bad)
    return LatticeResult(
        node=node,
        heights=heights,
        quasi=search.quasi,
        table=table,
        suppressed=suppressed,
        loss=float(search.evaluate(node)[1]),
        metric=metric,
        nodes=total,
        checked=checked,
        tagged=tagged,
        hierarchies=dict(hs),
    )


def _apply(
    df: pd.DataFrame, search: LatticeSearch, node: Sequence[int], bad: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """``df`` recoded at ``node``, the outliers' quasi-identifiers ``*``."""
    out = df.copy()
    suppressed = bad[search.row_tuple]
    for j, (q, lv) in enumerate(zip(search.quasi, node, strict=True)):
        labels = search.labels[j][lv]
        codes, _ = pd.factorize(df[q], use_na_sentinel=False)
        values = labels[codes].astype(object)
        values[suppressed] = SUPPRESSED
        out[q] = values
    return out, suppressed
