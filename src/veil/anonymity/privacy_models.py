"""Privacy models as measured figures: the strongest parameter a table satisfies.

Each function returns the value a table achieves (its k, its ℓ, the smallest α, β, δ it meets),
so a check is a comparison and a report shows how far a table is from a target. Definitions are
ARX's (``arx-deidentifier/arx``, ``src/main/org/deidentifier/arx/criteria/``), each named at its
function; pyCANON's checks are the cross-check in ``tests/anonymity``.

t-closeness is in :mod:`veil.anonymity.closeness`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from veil.anonymity.classes import EquivalenceClasses, factorize_columns, population_sizes, validate_quasi
from veil.anonymity.distribution import SensitiveDistribution
from veil.errors import InputError

__all__ = [
    "AlphaK",
    "DeltaPresence",
    "KMap",
    "alpha_k",
    "basic_beta",
    "delta_disclosure",
    "delta_presence",
    "distinct_l",
    "enhanced_beta",
    "entropy_l",
    "k_anonymity",
    "k_map",
    "k_map_estimated",
    "recursive_c",
    "recursive_cl_holds",
]


def k_anonymity(classes: EquivalenceClasses) -> int:
    """The table's k: its smallest class (ARX ``KAnonymity``: every class has ≥ k rows)."""
    return classes.k


@dataclass(frozen=True, slots=True)
class AlphaK:
    """(α,k)-anonymity: every class has ≥ ``k`` rows and no sensitive value above ``alpha`` of one."""

    alpha: float
    k: int


def alpha_k(dist: SensitiveDistribution) -> AlphaK:
    """The smallest α and the largest k the table meets (Wong et al. 2006; as pyCANON's
    ``alpha_k_anonymity``: α = the highest frequency of one sensitive value in one class)."""
    return AlphaK(alpha=float(dist.pair_frequency().max()), k=dist.classes.k)


def distinct_l(dist: SensitiveDistribution) -> int:
    """Distinct ℓ-diversity: the fewest distinct sensitive values in a class (ARX ``DistinctLDiversity``)."""
    return int(dist.distinct().min())


def entropy_l(dist: SensitiveDistribution) -> float:
    """Entropy ℓ-diversity: exp of the lowest class entropy (natural log), so a class meets
    entropy-ℓ exactly when its Shannon entropy is ≥ log ℓ (ARX ``EntropyLDiversity`` with the
    Shannon estimator compares log₂ entropy with log₂ ℓ: the same ℓ)."""
    p = dist.pair_frequency()
    h = -dist.per_class_sum(p * np.log(p))
    # rounded to 12 digits: exp(ln 3) is 2.9999999999999996 in floating point, and 3 values
    # equally often are entropy-3-diverse
    return round(math.exp(max(float(h.min()), 0.0)), 12)


def _ranked_counts(dist: SensitiveDistribution) -> tuple[np.ndarray, np.ndarray]:
    """Each triple's count and its rank within its class, counts in descending order."""
    order = np.lexsort((-dist.pair_count, dist.pair_class))
    counts = dist.pair_count[order]
    rank = np.arange(len(order)) - np.repeat(dist.starts, dist.distinct())
    return counts, rank


def recursive_c(dist: SensitiveDistribution, l: int) -> float:  # noqa: E741 - the model's ℓ
    """The bound c for recursive (c,ℓ)-diversity at ``l``: the table is (c,ℓ)-diverse for every
    c greater than it (ARX ``RecursiveCLDiversity``: r₁ < c·(r_ℓ + … + r_m) in every class,
    r₁ ≥ r₂ ≥ … the class's value counts). ``inf`` when a class has fewer than ``l`` values."""
    if l < 2:
        raise InputError("recursive (c,ℓ)-diversity needs ℓ ≥ 2")
    counts, rank = _ranked_counts(dist)
    r1 = counts[rank == 0]
    tail = dist.per_class_sum(np.where(rank >= l - 1, counts, 0))
    with np.errstate(divide="ignore"):
        ratio = np.where(tail > 0, r1 / np.maximum(tail, 1), np.inf)
    return float(ratio.max())


def recursive_cl_holds(dist: SensitiveDistribution, c: float, l: int) -> bool:  # noqa: E741
    """Whether the table is recursive (c,ℓ)-diverse."""
    return recursive_c(dist, l) < c


def _relative_gain(dist: SensitiveDistribution) -> tuple[np.ndarray, np.ndarray]:
    q = dist.table_frequency[dist.pair_value]
    return (dist.pair_frequency() - q) / q, q


def basic_beta(dist: SensitiveDistribution) -> float:
    """Basic β-likeness: the highest relative gain (p − q)/q of a sensitive value in a class over
    its table frequency (ARX ``BasicBLikeness``: the table meets every β at or above it)."""
    gain, _ = _relative_gain(dist)
    return float(max(gain.max(), 0.0))


def enhanced_beta(dist: SensitiveDistribution) -> float:
    """Enhanced β-likeness: ARX ``EnhancedBLikeness`` holds for β when every gain is
    ≤ min(β, −ln q); so the smallest such β is the highest gain, and no β is enough (``inf``)
    when some gain exceeds −ln q of its value."""
    gain, q = _relative_gain(dist)
    if np.any(gain > -np.log(q)):
        return math.inf
    return float(max(gain.max(), 0.0))


def delta_disclosure(dist: SensitiveDistribution) -> float:
    """δ-disclosure privacy: the highest |log₂(p/q)| over the values present in a class
    (ARX ``DDisclosurePrivacy``, which holds for δ when every such figure is < δ; pyCANON's
    ``delta_disclosure`` uses the natural log: its figure is this one times ln 2)."""
    p = dist.pair_frequency()
    q = dist.table_frequency[dist.pair_value]
    return float(np.abs(np.log2(p / q)).max())


@dataclass(frozen=True, slots=True)
class DeltaPresence:
    """δ-presence: for every class of the population, the share of its rows that are in the
    dataset lies in ``[delta_min, delta_max]`` (Nergiz et al. 2007; ARX ``DPresence``)."""

    delta_min: float
    delta_max: float
    population_classes: int


def delta_presence(
    df: pd.DataFrame, quasi: tuple[str, ...] | list[str], population: pd.DataFrame
) -> DeltaPresence:
    """δ-presence of ``df`` (the research subset) within ``population`` over ``quasi``.

    Refused when the dataset is not a subset of the population: a class with more dataset
    rows than population rows.
    """
    names = list(validate_quasi(df, quasi))
    validate_quasi(population, names, what="population quasi-identifier")
    if len(population) == 0:
        raise InputError("the population table is empty")
    joint = pd.concat([df[names], population[names]], ignore_index=True)
    key = factorize_columns(joint, names)
    size = int(key.max()) + 1
    sample = np.bincount(key[: len(df)], minlength=size)
    pop = np.bincount(key[len(df) :], minlength=size)
    if np.any(sample > pop):
        over = int(np.count_nonzero(sample > pop))
        raise InputError(
            f"the dataset is not a subset of the population table: {over} quasi-identifier "
            "combination(s) have more rows in the dataset than in the population"
        )
    in_pop = pop > 0
    share = sample[in_pop] / pop[in_pop]
    return DeltaPresence(
        delta_min=float(share.min()), delta_max=float(share.max()), population_classes=int(in_pop.sum())
    )


@dataclass(frozen=True, slots=True)
class KMap:
    """k-map: every record of the dataset matches ≥ ``k`` people of the population.

    ``exact``: from an identification table (population class sizes counted); otherwise
    estimated from the population size with ARX's Poisson test (``estimator``, ``significance``).
    ``unmatched``: records whose combination the identification table does not hold (they
    cannot be linked through it and do not bound k).
    """

    k: int
    exact: bool
    estimator: str | None = None
    significance: float | None = None
    unmatched: int = 0


def k_map(df: pd.DataFrame, classes: EquivalenceClasses, identification: pd.DataFrame) -> KMap:
    """Exact k-map against an identification table: the smallest population class size of a
    dataset record that the table holds (ARX ``KMap`` with a subset: ``pcount ≥ k``)."""
    pop = population_sizes(df, classes, identification)
    matched = pop > 0
    unmatched = int(classes.sizes[~matched].sum())
    k = int(pop[matched].min()) if matched.any() else 0
    return KMap(k=k, exact=True, unmatched=unmatched)


def _derived_k(k: int, fraction: float, significance: float, estimator: str) -> int:
    """The sample class size ARX requires for k-map at ``k`` (``KMap.calculateKPoisson`` /
    ``calculateKZeroPoisson``). ARX sums the Poisson(π·k) probabilities one count at a time
    until they reach 1 − significance, stopping at k; the loop's result is closed-form in the
    distribution's quantile (scipy's ``ppf``): ``min(ppf + 2, k)`` for the Poisson estimator,
    ``min(c + 1, k)`` for the zero-truncated one, c the truncated quantile (≥ 1)."""
    lam = fraction * k
    threshold = 1.0 - significance
    dist = stats.poisson(lam)
    if estimator == "poisson":
        return int(min(float(dist.ppf(threshold)) + 2, k))
    p0 = float(dist.pmf(0))
    if p0 >= 1.0:
        return 1
    c = max(1.0, float(dist.ppf(min(threshold * (1.0 - p0) + p0, 1.0))))
    return int(min(c + 1, k))


def k_map_estimated(
    classes: EquivalenceClasses,
    population: int,
    *,
    significance: float = 0.01,
    estimator: str = "zero_truncated_poisson",
) -> KMap:
    """k-map estimated from the population size alone: the largest k for which ARX's Poisson
    test (sampling fraction n/N, ``significance``) accepts the dataset's smallest class."""
    if estimator not in ("poisson", "zero_truncated_poisson"):
        raise InputError(f"unknown k-map estimator {estimator!r}: poisson or zero_truncated_poisson")
    if not 0 < significance < 1:
        raise InputError("the k-map significance must lie strictly between 0 and 1")
    n = classes.n
    if population < n:
        raise InputError(f"the population ({population}) is smaller than the dataset ({n} rows)")
    smallest = classes.k
    if smallest == 0:
        return KMap(k=0, exact=False, estimator=estimator, significance=significance)
    fraction = n / population
    lo, hi = 1, population  # the derived threshold grows with k: bisect the largest accepted k
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _derived_k(mid, fraction, significance, estimator) <= smallest:
            lo = mid
        else:
            hi = mid - 1
    return KMap(k=lo, exact=False, estimator=estimator, significance=significance)
