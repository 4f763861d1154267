"""Statistical tests: the noise has the scale the mechanism claims, and the 95% intervals cover ~95%."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any, cast

import pytest

from veil.dp.mechanism import laplace, select_partitions
from veil.dp.plan import HIST_BINS
from veil.dp.query import _quantile, _Release

RUNS = 2000


@pytest.mark.parametrize("integer", [True, False])
def test_laplace_error_matches_its_scale_and_intervals_cover(integer: bool) -> None:
    truth = [1000.0] * RUNS
    vec = laplace(truth, sensitivity=3.0, epsilon=0.5, integer=integer)
    assert vec.scale == pytest.approx(6.0, rel=1e-6)
    assert vec.epsilon <= 0.5
    errors = [abs(v - 1000.0) for v in vec.values]
    # E|Laplace(b)| = b; the discrete Laplace's is within a few percent of it at b = 6. The mean of
    # 2,000 |errors| has a standard deviation of b / sqrt(2000) = 0.13: a 12 % band is over 5 of
    # them (8 %, 3.6 of them, failed once in a CI run: 5.495), so the test flakes about never
    assert statistics.fmean(errors) == pytest.approx(6.0, rel=0.12)
    half = vec.half_width(0.05)
    coverage = sum(e <= half for e in errors) / RUNS
    assert 0.93 <= coverage <= 0.97
    if integer:
        assert all(float(v).is_integer() for v in vec.values)


def test_laplace_spends_no_more_than_asked() -> None:
    for eps in (0.01, 0.1, 1.0, 7.3):
        for sens in (1.0, 2.5, 200_000.0):
            assert laplace([0.0], sens, eps, integer=False).epsilon <= eps
            assert laplace([0], sens, eps, integer=True).epsilon <= eps


def test_partition_selection_never_releases_a_one_subject_key_and_keeps_large_ones() -> None:
    counts = {("rare",): 1, ("small",): 3, ("big",): 5000}
    released_rare = 0
    for _ in range(300):
        sel = select_partitions(counts, groups_per_subject=2, epsilon=1.0, delta=1e-6)
        assert sel.epsilon <= 1.0 and sel.delta <= 1e-6
        released_rare += ("rare",) in sel.counts
        assert ("big",) in sel.counts
    assert released_rare == 0


def _release_coverage(func: str, truth_rows: Sequence[tuple[float, ...]]) -> float:
    """Coverage of the derived (mean / variance) intervals over repeated noise draws."""
    from veil.consent.purpose import LawfulBasis, Purpose
    from veil.dp.plan import build_plan
    from veil.dp.policy import DpPolicy
    from veil.dp.sql import parse_query
    from veil.vault.category import ColumnCategory
    from veil.vault.dataset import Column, Dataset, DType
    from veil.vault.release import Release

    ds = Dataset("t", "ds_t", "pid", (Column("x", "x", ColumnCategory.OTHER, DType.FLOAT, 0),))
    policy = DpPolicy(max_rows_per_subject=1, bounds={"x": (0.0, 100.0)}, salt="5a17")
    # The gate's column check reads only the schema and purpose (no workspace needed here).
    gate = Release(cast(Any, None), ds, Purpose("p", LawfulBasis.LEGITIMATE_INTERESTS, 365))
    plan = build_plan(parse_query(f"SELECT {func}(x) AS v FROM t"), gate, policy, {})
    values = [r[0] for r in truth_rows]
    n = len(values)
    mean = statistics.fmean(values)
    var = statistics.pvariance(values)
    expected = {"AVG": mean, "VAR_POP": var, "STDDEV_POP": math.sqrt(var)}[func]
    # The engine's raw aggregates for this plan, computed here from the values.
    c = [min(max(v, 0.0), 100.0) for v in values]
    by_kind = {"count": n, "sum": sum(c), "sum2": sum(x * x for x in c)}
    true_row = [by_kind[kind] for kind, _col in plan.raw]
    covered = 0
    runs = 400
    for _ in range(runs):
        rows = _Release(plan, [[tuple(true_row)]], epsilon=1.0, delta=0.0).run()
        lo, hi = rows[0]["v_ci95"]
        covered += lo <= expected <= hi
    return covered / runs


@pytest.mark.parametrize("func", ["AVG", "VAR_POP", "STDDEV_POP"])
def test_derived_intervals_cover_at_least_95_percent(func: str) -> None:
    import random

    rng = random.Random(3)
    rows = [(rng.gauss(40, 12),) for _ in range(300)]
    # Union-bound intervals are conservative: coverage at least ~95%.
    assert _release_coverage(func, rows) >= 0.94


def test_quantile_of_a_noisy_histogram_is_close_and_its_interval_covers() -> None:
    import random

    rng = random.Random(5)
    values = [rng.uniform(0, 100) for _ in range(5000)]
    true_median = statistics.median(values)
    width = 100 / HIST_BINS
    covered = 0
    runs = 200
    errors = []
    for _ in range(runs):
        counts = [0] * HIST_BINS
        for v in values:
            counts[min(int(v / width), HIST_BINS - 1)] += 1
        noisy = laplace(counts, 1, 1.0, integer=True)
        est, (lo, hi) = _quantile(noisy.values, 0.5, 0.0, 100.0, noisy.scale)
        errors.append(abs(est - true_median))
        covered += lo <= true_median <= hi
    assert statistics.fmean(errors) < 1.0
    assert covered / runs >= 0.93
