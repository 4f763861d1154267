"""Population uniqueness: how many people are unique in the *population* on the
quasi-identifiers, estimated from the sample's class-size histogram and the population size.

The estimators and the decision rule are ARX's (``arx-deidentifier/arx``,
``src/main/org/deidentifier/arx/risk/``), transcribed formula by formula:

* **Zayatz** (``ModelZayatz.java``): the share of sample uniques that are population uniques
  from hypergeometric probabilities over the histogram; uniques = c₁ · that / sampling fraction;
* **Pitman** (``ModelPitman.java``): fit Pitman's sampling formula's (θ, α) by maximum likelihood
  from ARX's starting point (its closed-form digamma likelihood equations), then
  uniques = Γ(θ+1)/Γ(θ+α) · N^α;
* **SNB** (``ModelSNB.java``, Chen & McNulty's slide negative binomial): estimate the number of
  non-empty population classes K, solve for (α, β) from c₁ and c₂, uniques = K · β^α;
* **Dankar** (``RiskModelPopulationUniqueness.getNumUniqueTuplesDankar``, Dankar et al. 2012):
  Pitman when the sampling fraction is ≤ 0.1 (Zayatz if Pitman fails); otherwise the smaller of
  Zayatz and SNB (Zayatz if SNB fails).

ARX solves the two-equation systems with its own Newton–Raphson (``de.linearbits.newtonraphson``);
here scipy's ``optimize.root`` (hybrid Powell) solves the same equations. An estimate that fails
(no solution, or outside [0, N]) is ``None``, as ARX reports 0 for "not available".

``tests/anonymity/test_arx_reference.py`` checks the figures against the ones ARX's own
``TestRiskMetrics`` asserts on its ``data/adult.csv`` (equal to 1e-10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from veil.anonymity.classes import EquivalenceClasses
from veil.errors import InputError

__all__ = ["PopulationUniqueness", "dankar", "pitman", "population_uniqueness", "snb", "zayatz"]


@dataclass(frozen=True, slots=True)
class PopulationUniqueness:
    """Estimated number of population uniques by each model (``None``: the model has no estimate)."""

    population: int
    sample: int
    sample_uniques: int
    pitman: float | None
    zayatz: float | None
    snb: float | None
    dankar: float | None
    #: which model Dankar's rule chose
    dankar_model: str

    @property
    def fraction(self) -> float | None:
        """Dankar's estimate as a share of the population."""
        return None if self.dankar is None else self.dankar / self.population


def _histogram(classes: EquivalenceClasses) -> tuple[np.ndarray, np.ndarray]:
    sizes, counts = np.unique(classes.sizes, return_counts=True)
    return sizes.astype(np.float64), counts.astype(np.float64)


def _valid(x: float | None, population: float) -> float | None:
    if x is None or not math.isfinite(x) or x <= 0 or x > population:
        return None
    return float(x)


def zayatz(classes: EquivalenceClasses, population: int) -> float | None:
    """Zayatz's estimate of the number of population uniques (ARX ``ModelZayatz``)."""
    sizes, counts = _histogram(classes)
    n, u = classes.n, classes.count
    c1 = float(counts[sizes == 1].sum())
    if c1 == 0:
        return 0.0
    # ARX: HypergeometricDistribution(populationSize, successes = class size, sampleSize).probability(1)
    prob = stats.hypergeom(population, sizes.astype(np.int64), n).pmf(1)
    temp = float((counts / u * prob).sum())
    p1 = float(stats.hypergeom(population, 1, n).pmf(1))
    if temp == 0:
        return None
    uniqueness = (c1 / u) * p1 / temp
    return _valid(c1 * uniqueness / (n / population), population)


def _pitman_equations(sizes: np.ndarray, counts: np.ndarray, u: float, n: float):  # type: ignore[no-untyped-def]
    big = sizes != 1

    def equations(x: np.ndarray) -> list[float]:
        t, a = float(x[0]), float(x[1])
        val0 = u - 1.0
        val1 = special.digamma(val0 + t / a + 1.0)
        val4 = special.digamma(t / a + 1.0)
        o1 = (val1 - val4) / a
        o3 = (-t * val1 + a * val0 + t * val4) / (a * a)
        o2 = special.digamma(n + t) - special.digamma(t + 1.0)
        o4 = float((counts[big] * (special.digamma(sizes[big] - a) - special.digamma(1.0 - a))).sum())
        return [o1 - o2, o3 - o4]

    return equations


def pitman(classes: EquivalenceClasses, population: int) -> float | None:
    """Pitman's estimate of the number of population uniques (ARX ``ModelPitman``)."""
    sizes, counts = _histogram(classes)
    n, u = float(classes.n), float(classes.count)
    c1 = float(counts[sizes == 1].sum())
    if c1 == 0:
        return 0.0
    c2 = float(counts[sizes == 2].sum()) or 1.0  # ARX: "overestimate"
    c = c1 * (c1 - 1) / c2
    denom = (2 * c1 * u + c1 * c) - n * c
    if denom == 0:
        return None
    t0 = (n * u * c - c1 * (n - 1) * (2 * u + c)) / denom
    a0 = (t0 * (c1 - n) + (n - 1) * c1) / (n * u)
    with np.errstate(all="ignore"):
        sol = optimize.root(_pitman_equations(sizes, counts, u, n), [t0, a0], method="hybr")
    t, a = (float(v) for v in sol.x)
    if not sol.success or t < 0 or a == 0 or not math.isfinite(t + a):
        return None
    try:
        val = math.exp(special.gammaln(t + 1.0) - special.gammaln(t + a) + a * math.log(population))
    except (OverflowError, ValueError):
        return None
    return _valid(val, population)


def _snb_classes(sizes: np.ndarray, counts: np.ndarray, u: float, c1: float, f: float) -> float:
    """ARX ``ModelSNB.estimateNonEmptyEquivalenceClasses`` (transcribed as written there,
    including its ``- 1`` inside the sum)."""
    f2 = f * f
    val2 = (1 - f) ** sizes * counts
    var1 = float((sizes * f2 * (1 - f2) ** (sizes - 1) * counts).sum())
    var2 = float((val2 * (1 + f) ** sizes - 1).sum())
    var3 = float(val2.sum())
    var4 = float((sizes * f * (1 - f) ** (sizes - 1) * counts).sum())
    return u + c1 * (var1 / var2) * (var3 / var4) * (var3 / var4)


def snb(classes: EquivalenceClasses, population: int) -> float | None:
    """The slide negative binomial estimate of the number of population uniques (ARX ``ModelSNB``)."""
    sizes, counts = _histogram(classes)
    u = float(classes.count)
    c1 = float(counts[sizes == 1].sum())
    c2 = float(counts[sizes == 2].sum())
    if c1 == 0:
        return 0.0
    f = classes.n / population
    if f >= 1:
        return _valid(c1, population)
    with np.errstate(all="ignore"):
        k = _snb_classes(sizes, counts, u, c1, f)
    if not math.isfinite(k) or k <= 0:
        return None

    def equations(x: np.ndarray) -> list[np.float64]:
        a, b = np.float64(x[0]), np.float64(x[1])  # numpy powers: nan, not complex, for b < 0
        d = (1 - f) * (1 - b)
        return [
            k * f * (b / (1 - d)) ** a * ((a * d) / (1 - d) + 1) - c1,
            k * a * b**a * f * f * (1 - b) / 2 * (1 - d) ** (a + 2) * (2 - (1 - a) * d) - c2,
        ]

    # ARX's solver starts from its own defaults; a few starting points stand in for them.
    for start in ((1.0, 0.5), (0.5, 0.1), (2.0, 0.9), (0.1, 0.01), (5.0, 0.99)):
        with np.errstate(all="ignore"):
            sol = optimize.root(equations, start, method="hybr")
        a, b = (float(v) for v in sol.x)
        if sol.success and 0 < b <= 1 and a > 0 and np.allclose(equations(sol.x), 0, atol=1e-6 * max(c1, 1)):
            return _valid(k * b**a, population)
    return None


def dankar(classes: EquivalenceClasses, population: int) -> tuple[float | None, str]:
    """Dankar et al.'s decision rule over the three estimators, and the model it chose."""
    if classes.uniques() == 0:
        return 0.0, "dankar"
    if classes.n / population <= 0.1:
        p = pitman(classes, population)
        if p:
            return p, "pitman"
        return zayatz(classes, population), "zayatz"
    s, z = snb(classes, population), zayatz(classes, population)
    if s:
        if z is not None and z < s:
            return z, "zayatz"
        return s, "snb"
    return z, "zayatz"


def population_uniqueness(classes: EquivalenceClasses, population: int) -> PopulationUniqueness:
    """Every estimator's figure for a sample of ``population`` people."""
    if population < classes.n:
        raise InputError(f"the population ({population}) is smaller than the dataset ({classes.n} rows)")
    if classes.count == 0:
        raise InputError("no rows to measure (the table is empty or every row is suppressed)")
    d, model = dankar(classes, population)
    return PopulationUniqueness(
        population=population,
        sample=classes.n,
        sample_uniques=classes.uniques(),
        pitman=pitman(classes, population),
        zayatz=zayatz(classes, population),
        snb=snb(classes, population),
        dankar=d,
        dankar_model=model,
    )
