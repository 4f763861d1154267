"""A sensitive attribute's distribution in every equivalence class, held sparsely.

ℓ-diversity, t-closeness, β-likeness, δ-disclosure and (α,k)-anonymity all compare, class by
class, the frequencies of a sensitive attribute's values with their frequencies in the whole
table. :class:`SensitiveDistribution` holds the (class, value, count) triples that occur —
one ``numpy.unique`` over ``class × values + value`` — sorted by class then value, so each
measure is a few vectorised reductions (``numpy.add.reduceat`` over the classes' runs) instead
of a loop over classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from veil.anonymity.classes import EquivalenceClasses
from veil.errors import InputError

__all__ = ["SensitiveDistribution", "sensitive_distribution"]


@dataclass(frozen=True, slots=True)
class SensitiveDistribution:
    """The (class, value, count) triples of one sensitive attribute over kept rows.

    ``values[v]`` is the value of code ``v``; ``totals[v]`` its count in the table (suppressed
    rows left out, as ARX's ``DataManager.getDistribution`` counts the rows it keeps);
    ``starts[c]`` the index of class ``c``'s first triple.
    """

    classes: EquivalenceClasses
    attribute: str
    values: np.ndarray
    totals: np.ndarray
    pair_class: np.ndarray
    pair_value: np.ndarray
    pair_count: np.ndarray
    starts: np.ndarray

    @property
    def m(self) -> int:
        """The number of distinct sensitive values."""
        return len(self.values)

    @property
    def table_frequency(self) -> np.ndarray:
        """Each value's frequency in the table (q in ARX's criteria)."""
        out: np.ndarray = self.totals / self.totals.sum()
        return out

    def pair_frequency(self) -> np.ndarray:
        """Each triple's frequency within its class (p)."""
        out: np.ndarray = self.pair_count / self.classes.sizes[self.pair_class]
        return out

    def distinct(self) -> np.ndarray:
        """Distinct sensitive values per class."""
        return np.diff(np.append(self.starts, len(self.pair_class)))

    def per_class_sum(self, x: np.ndarray) -> np.ndarray:
        """Σ of a per-triple quantity over each class's triples."""
        return np.add.reduceat(x, self.starts) if len(x) else np.zeros(0)

    def per_class_max(self, x: np.ndarray) -> np.ndarray:
        """max of a per-triple quantity over each class's triples."""
        return np.maximum.reduceat(x, self.starts) if len(x) else np.zeros(0)

    def dense(self, first: int, stop: int, order: np.ndarray | None = None) -> np.ndarray:
        """Class-by-value frequency matrix of classes ``first..stop-1`` (columns in ``order``)."""
        lo, hi = self.starts[first], (self.starts[stop] if stop < len(self.starts) else len(self.pair_class))
        out = np.zeros((stop - first, self.m))
        cls = self.pair_class[lo:hi] - first
        col = self.pair_value[lo:hi] if order is None else np.argsort(order)[self.pair_value[lo:hi]]
        out[cls, col] = self.pair_count[lo:hi] / self.classes.sizes[self.pair_class[lo:hi]]
        return out


def sensitive_distribution(
    df: pd.DataFrame, classes: EquivalenceClasses, attribute: str
) -> SensitiveDistribution:
    """The distribution of ``attribute`` in each of ``classes`` (computed from ``df``)."""
    if attribute not in df.columns:
        raise InputError(f"unknown sensitive attribute column: {attribute}")
    if attribute in classes.quasi:
        raise InputError(f"column {attribute} cannot be both a quasi-identifier and the sensitive attribute")
    if classes.count == 0:
        raise InputError("no rows to measure (the table is empty or every row is suppressed)")
    kept = classes.kept
    codes, uniques = pd.factorize(df[attribute].to_numpy()[kept], use_na_sentinel=False)
    m = max(len(uniques), 1)
    cls = classes.codes[kept]
    key = cls * m + codes.astype(np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    pair_class, pair_value = np.divmod(uniq, m)
    starts = np.flatnonzero(np.r_[True, pair_class[1:] != pair_class[:-1]])
    totals = np.bincount(codes, minlength=m).astype(np.int64)
    return SensitiveDistribution(
        classes=classes,
        attribute=attribute,
        values=np.asarray(uniques, dtype=object),
        totals=totals,
        pair_class=pair_class,
        pair_value=pair_value,
        pair_count=counts.astype(np.int64),
        starts=starts,
    )
