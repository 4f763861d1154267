"""SUDA: special uniques found through minimal sample uniques (Elliot et al. 2002; sdcMicro's
``suda2``, ``sdcTools/sdcMicro:R/suda2.R``).

A *minimal sample unique* (MSU) of a record is a set of its quasi-identifier values that no
other record shares, while every proper subset of it is shared. Records with small MSUs are
the ones an attacker singles out with little knowledge. MSUs are searched up to
``max_size`` attributes (the search is exponential in it), one group-by of integer codes per
attribute combination: a combination is unique for a record when its class has size 1, and
minimal when none of its one-smaller subsets is (uniqueness is monotone, so checking those
suffices).

Scores follow sdcMicro's documentation: an MSU of size k in a record adds
∏_{i=k}^{M} (m − i), m the number of quasi-identifiers and M = ``max_size``; the DIS-style
"special unique" flag marks records unique on all quasi-identifiers that hold an MSU of at
most ``max_size`` attributes. sdcMicro is R and not a dependency here, so the search is
written out; tests check it against brute force on small tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from veil.anonymity.classes import factorize_columns, validate_quasi
from veil.errors import InputError

__all__ = ["MAX_COMBINATIONS", "SudaResult", "suda"]

#: The most attribute combinations one search visits (each is one group-by over the table).
MAX_COMBINATIONS = 2_000


@dataclass(frozen=True, slots=True)
class SudaResult:
    """Per-record MSU counts and scores, and the table's summary."""

    quasi: tuple[str, ...]
    max_size: int
    #: per row: number of MSUs found (of at most ``max_size`` attributes)
    msu_count: np.ndarray
    #: per row: the smallest MSU's size (0: none found)
    smallest_msu: np.ndarray
    #: per row: SUDA score (sdcMicro's formula, see the module docstring)
    score: np.ndarray
    #: per row: unique on all quasi-identifiers with an MSU of at most ``max_size`` attributes
    special_unique: np.ndarray
    #: per attribute: the share of MSUs it takes part in
    contributions: dict[str, float]

    @property
    def special_uniques(self) -> int:
        return int(self.special_unique.sum())

    @property
    def records_with_msu(self) -> int:
        return int(np.count_nonzero(self.msu_count))


def _unique_rows(df: pd.DataFrame, combo: Sequence[str]) -> np.ndarray:
    codes = factorize_columns(df, list(combo))
    unique: np.ndarray = np.bincount(codes)[codes] == 1
    return unique


def suda(df: pd.DataFrame, quasi: Sequence[str], *, max_size: int = 3) -> SudaResult:
    """Search the minimal sample uniques of every record up to ``max_size`` attributes."""
    names = validate_quasi(df, quasi)
    m = len(names)
    if max_size < 1:
        raise InputError("the largest MSU size must be at least 1")
    max_size = min(max_size, m)
    visits = sum(len(list(itertools.combinations(range(m), s))) for s in range(1, max_size + 1))
    if visits > MAX_COMBINATIONS:
        raise InputError(
            f"SUDA over {m} quasi-identifiers up to size {max_size} visits {visits} combinations "
            f"(at most {MAX_COMBINATIONS}): lower the largest MSU size"
        )
    n = len(df)
    msu_count = np.zeros(n, dtype=np.int64)
    smallest = np.zeros(n, dtype=np.int64)
    score = np.zeros(n, dtype=np.float64)
    per_attr = dict.fromkeys(names, 0)
    total_msus = 0
    previous: dict[tuple[int, ...], np.ndarray] = {}
    for size in range(1, max_size + 1):
        weight = float(np.prod([m - i for i in range(size, max_size + 1)]))
        current: dict[tuple[int, ...], np.ndarray] = {}
        for combo in itertools.combinations(range(m), size):
            unique = _unique_rows(df, [names[i] for i in combo])
            current[combo] = unique
            minimal = unique.copy()
            if size > 1:
                for sub in itertools.combinations(combo, size - 1):
                    minimal &= ~previous[sub]
            found = int(minimal.sum())
            if not found:
                continue
            msu_count[minimal] += 1
            score[minimal] += weight
            smallest[minimal & (smallest == 0)] = size
            total_msus += found
            for i in combo:
                per_attr[names[i]] += found
        previous = current
    full_unique = _unique_rows(df, list(names)) if n else np.zeros(0, dtype=bool)
    return SudaResult(
        quasi=names,
        max_size=max_size,
        msu_count=msu_count,
        smallest_msu=smallest,
        score=score,
        special_unique=full_unique & (msu_count > 0),
        contributions={k: (v / total_msus if total_msus else 0.0) for k, v in per_attr.items()},
    )
