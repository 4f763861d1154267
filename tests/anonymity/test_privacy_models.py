"""Privacy models on tables computed by hand (derivations in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.closeness import _ordered_t_dense, equal_distance_t, hierarchical_t, ordered_t
from veil.anonymity.distribution import sensitive_distribution
from veil.anonymity.privacy_models import (
    _derived_k,
    alpha_k,
    basic_beta,
    delta_disclosure,
    delta_presence,
    distinct_l,
    enhanced_beta,
    entropy_l,
    k_anonymity,
    k_map,
    k_map_estimated,
    recursive_c,
    recursive_cl_holds,
)
from veil.errors import InputError

from .tables import DISEASE_HIERARCHY, li_table, nine_rows, ten_rows


def _dist(df: pd.DataFrame, quasi: list[str], sensitive: str):  # type: ignore[no-untyped-def]
    return sensitive_distribution(df, equivalence_classes(df, quasi), sensitive)


def test_nine_rows_by_hand() -> None:
    # q: flu 4/9, cold 3/9, cancer 2/9
    # A (30,100): flu 2, cold 1    B (40,100): flu 1, cancer 1    C (40,200): cold 2, flu 1, cancer 1
    d = _dist(nine_rows(), ["age", "zip"], "disease")
    assert k_anonymity(d.classes) == 2
    assert distinct_l(d) == 2
    # entropies: A = -(2/3 ln 2/3 + 1/3 ln 1/3), B = ln 2, C = 1.5 ln 2: A is lowest
    h_a = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    assert entropy_l(d) == pytest.approx(math.exp(h_a))
    # recursive, ℓ = 2: A 2/1, B 1/1, C 2/(1+1) -> c must exceed 2
    assert recursive_c(d, 2) == pytest.approx(2.0)
    assert recursive_cl_holds(d, 2.01, 2) and not recursive_cl_holds(d, 2.0, 2)
    # ℓ = 3: A and B have two values only
    assert recursive_c(d, 3) == math.inf
    ak = alpha_k(d)
    assert ak.alpha == pytest.approx(2 / 3) and ak.k == 2
    # equal distance: A 2/9, B 1/3, C 7/36
    assert equal_distance_t(d) == pytest.approx(1 / 3)
    # gains (p - q)/q: B cancer (1/2 - 2/9)/(2/9) = 1.25 is highest; every gain <= -ln q
    assert basic_beta(d) == pytest.approx(1.25)
    assert enhanced_beta(d) == pytest.approx(1.25)
    # |log2(p/q)|: B cancer log2(9/4) is highest
    assert delta_disclosure(d) == pytest.approx(math.log2(9 / 4))


def test_enhanced_beta_is_unattainable_when_a_common_value_gains_more_than_minus_ln_q() -> None:
    # q(a) = 0.8: -ln 0.8 = 0.223; a class of only "a" gains (1 - 0.8)/0.8 = 0.25 > 0.223
    df = pd.DataFrame({"q": [1] * 5 + [2] * 5, "s": ["a"] * 5 + ["a", "a", "a", "b", "b"]})
    d = _dist(df, ["q"], "s")
    assert basic_beta(d) == pytest.approx(1.0)  # class 2: b (0.4 - 0.2)/0.2 = 1
    assert enhanced_beta(d) == math.inf


def test_ordered_t_on_li_et_al_salaries() -> None:
    # Li et al.: {3k,4k,5k} is 0.375 from the uniform table of 9 salaries, {6k,8k,11k} 0.167,
    # {7k,9k,10k}: |cumsum| = (1+2+3+4+2+3+1+1+0)/9, / 8 = 17/72
    df = li_table()
    d = _dist(df, ["zip"], "salary")
    assert ordered_t(d) == pytest.approx(0.375)
    # class by class, through the dense block (columns: the value codes in salary order)
    dense = d.dense(0, 3, order=np.argsort(d.values.astype(float)))
    q = np.full(9, 1 / 9)
    emd = np.abs(np.cumsum(dense - q, axis=1)).sum(axis=1) / 8
    assert sorted(emd.round(6)) == sorted(np.round([0.375, 1 / 6, 17 / 72], 6))


def test_ordered_t_takes_an_explicit_order_for_text() -> None:
    df = pd.DataFrame({"q": [1, 1, 2, 2], "grade": ["low", "low", "mid", "high"]})
    d = _dist(df, ["q"], "grade")
    # order low < mid < high, q = (1/2, 1/4, 1/4); class 1 p = (1, 0, 0): cumsum 1/2, 1/4, 0 -> 3/4 / 2
    assert ordered_t(d, ["low", "mid", "high"]) == pytest.approx(3 / 8)
    with pytest.raises(InputError, match="does not name"):
        ordered_t(d, ["low", "mid"])


def test_hierarchical_t_on_li_et_al_diseases() -> None:
    # q: gastric ulcer 1/9, gastritis 2/9, stomach cancer 2/9, flu 1/9, bronchitis 2/9, pneumonia 1/9.
    # Class {gastric ulcer, gastritis, stomach cancer}: every surplus sits below "digestive" and every
    # deficit below "respiratory", so only the root (level 3 of 3) moves mass: 4/9 · 3/3.
    # The other two classes: 1/27 + 1/27 at level 1 and 2/9 at the root: 8/27.
    d = _dist(li_table(), ["zip"], "disease")
    assert hierarchical_t(d, DISEASE_HIERARCHY) == pytest.approx(4 / 9)
    assert equal_distance_t(d) == pytest.approx(4 / 9)
    bronchitis_class = li_table().iloc[6:]
    d3 = _dist(pd.concat([bronchitis_class, li_table()]).reset_index(drop=True), ["zip"], "disease")
    assert hierarchical_t(d3, DISEASE_HIERARCHY) <= 1.0


def test_hierarchical_t_is_zero_for_a_class_equal_to_the_table_and_bounded_by_one() -> None:
    df = pd.DataFrame({"q": [1] * 4 + [2] * 4, "s": ["flu", "colitis", "flu", "colitis"] * 2})
    assert hierarchical_t(_dist(df, ["q"], "s"), DISEASE_HIERARCHY) == pytest.approx(0.0)
    split = pd.DataFrame({"q": [1, 1, 2, 2], "s": ["flu", "flu", "colitis", "colitis"]})
    # all mass must cross the root: 1/2 · 3/3
    assert hierarchical_t(_dist(split, ["q"], "s"), DISEASE_HIERARCHY) == pytest.approx(0.5)


def test_hierarchy_errors() -> None:
    d = _dist(li_table(), ["zip"], "disease")
    with pytest.raises(InputError, match="does not cover"):
        hierarchical_t(d, {k: v for k, v in DISEASE_HIERARCHY.items() if k != "flu"})
    uneven = dict(DISEASE_HIERARCHY, flu=["respiratory", "all"])
    with pytest.raises(InputError, match="same length"):
        hierarchical_t(d, uneven)


def test_delta_presence_and_exact_k_map_by_hand() -> None:
    sample = ten_rows()
    # population: A 6, B 2, C 8, D 1, and a class E the sample does not hold
    population = pd.concat(
        [
            pd.DataFrame({"age": [30] * 6, "zip": ["100"] * 6}),
            pd.DataFrame({"age": [40] * 2, "zip": ["100"] * 2}),
            pd.DataFrame({"age": [40] * 8, "zip": ["200"] * 8}),
            pd.DataFrame({"age": [50], "zip": ["300"]}),
            pd.DataFrame({"age": [60] * 5, "zip": ["400"] * 5}),
        ],
        ignore_index=True,
    )
    dp = delta_presence(sample, ["age", "zip"], population)
    assert (dp.delta_min, dp.delta_max, dp.population_classes) == (0.0, 1.0, 5)
    classes = equivalence_classes(sample, ["age", "zip"])
    km = k_map(sample, classes, population)
    assert (km.k, km.exact, km.unmatched) == (1, True, 0)
    without_d = population[population["age"] != 50]
    km = k_map(sample, classes, without_d)
    assert (km.k, km.unmatched) == (2, 1)  # D matches nobody: it cannot be linked, B bounds k
    with pytest.raises(InputError, match="not a subset"):
        delta_presence(sample, ["age", "zip"], without_d)


def _arx_derived_k(k: int, fraction: float, significance: float, estimator: str) -> int:
    """ARX's KMap.calculateKPoisson / calculateKZeroPoisson loops, line by line."""
    lam = fraction * k
    threshold = 1 - significance
    dist = stats.poisson(lam)
    if estimator == "poisson":
        counter, value = 0, 0.0
        while value < threshold:
            value = float(dist.cdf(counter))
            counter += 1
            if counter >= k:
                value = 1.0
                break
        return min(counter + 1, k)
    v2 = 1 - float(dist.pmf(0))
    counter, value = 1, 0.0
    while value < threshold:
        value += float(dist.pmf(counter)) / v2
        counter += 1
        if counter >= k:
            value = 1.0
            break
    return min(counter, k)


@settings(max_examples=150, deadline=None)
@given(
    k=st.integers(2, 400),
    fraction=st.floats(0.001, 1.0),
    significance=st.sampled_from([0.001, 0.01, 0.05, 0.1]),
    estimator=st.sampled_from(["poisson", "zero_truncated_poisson"]),
)
def test_derived_k_equals_arx_loops(k: int, fraction: float, significance: float, estimator: str) -> None:
    assert _derived_k(k, fraction, significance, estimator) == _arx_derived_k(
        k, fraction, significance, estimator
    )


def test_estimated_k_map_grows_with_the_population_and_refuses_a_small_one() -> None:
    df = pd.DataFrame({"q": np.repeat(np.arange(50), 10)})  # 50 classes of 10
    classes = equivalence_classes(df, ["q"])
    small, large = k_map_estimated(classes, 1_000), k_map_estimated(classes, 100_000)
    assert 10 <= small.k <= large.k
    assert not small.exact and small.estimator == "zero_truncated_poisson"
    with pytest.raises(InputError, match="smaller than the dataset"):
        k_map_estimated(classes, 100)
    with pytest.raises(InputError, match="estimator"):
        k_map_estimated(classes, 1_000, estimator="binomial")


def test_sensitive_errors() -> None:
    df = nine_rows()
    classes = equivalence_classes(df, ["age", "zip"])
    with pytest.raises(InputError, match="unknown sensitive"):
        sensitive_distribution(df, classes, "nope")
    with pytest.raises(InputError, match="both a quasi-identifier"):
        sensitive_distribution(df, classes, "age")
    with pytest.raises(InputError, match="ℓ ≥ 2"):
        recursive_c(_dist(df, ["age", "zip"], "disease"), 1)


frames = st.integers(1, 60).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "a": st.lists(st.integers(0, 3), min_size=n, max_size=n),
            "b": st.lists(st.sampled_from(["x", "y", None]), min_size=n, max_size=n),
            "s": st.lists(st.integers(0, 4), min_size=n, max_size=n),
        }
    )
)


@settings(max_examples=80, deadline=None)
@given(frames)
def test_models_agree_with_a_per_class_loop(data: dict[str, list[object]]) -> None:
    df = pd.DataFrame(data)
    d = _dist(df, ["a", "b"], "s")
    q = df["s"].value_counts(normalize=True)
    worst_t = worst_beta = worst_alpha = worst_delta = 0.0
    fewest = 10**9
    for _, group in df.groupby(["a", "b"], dropna=False):
        p = group["s"].value_counts(normalize=True)
        fewest = min(fewest, len(p))
        worst_alpha = max(worst_alpha, float(p.max()))
        full = p.reindex(q.index, fill_value=0.0)
        worst_t = max(worst_t, 0.5 * float((full - q).abs().sum()))
        worst_beta = max(worst_beta, float(((p - q[p.index]) / q[p.index]).max()))
        worst_delta = max(worst_delta, float(np.abs(np.log2(p / q[p.index])).max()))
    assert distinct_l(d) == fewest
    assert alpha_k(d).alpha == pytest.approx(worst_alpha)
    assert equal_distance_t(d) == pytest.approx(worst_t, abs=1e-12)
    assert basic_beta(d) == pytest.approx(max(worst_beta, 0.0), abs=1e-12)
    assert delta_disclosure(d) == pytest.approx(worst_delta, abs=1e-12)
    assert 0.0 <= equal_distance_t(d) <= 1.0
    assert 0.0 <= ordered_t(d) <= 1.0
    assert ordered_t(d) == pytest.approx(_ordered_t_dense(d), abs=1e-12)  # runs and binary search = dense sum
