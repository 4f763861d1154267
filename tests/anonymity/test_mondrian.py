"""Mondrian: every output is k-anonymous (ℓ-diverse, t-close when asked) by the measures' checker,
and categories never leave their hierarchy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.closeness import equal_distance_t
from veil.anonymity.distribution import sensitive_distribution
from veil.anonymity.hierarchy import OrderHierarchy, PrefixHierarchy
from veil.anonymity.mondrian import mondrian
from veil.anonymity.privacy_models import distinct_l
from veil.anonymity.suppression import Criteria
from veil.errors import AnonymityInfeasibleError, HierarchyError

QUASI = ["age", "zip", "colour"]


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=80))
    ints = st.lists(st.integers(min_value=0, max_value=99), min_size=n, max_size=n)
    return pd.DataFrame(
        {
            "age": draw(ints),
            "zip": [f"{z:05d}" for z in draw(st.lists(st.integers(0, 99999), min_size=n, max_size=n))],
            "colour": draw(
                st.lists(st.sampled_from(["red", "green", "blue", "grey"]), min_size=n, max_size=n)
            ),
            "disease": draw(st.lists(st.sampled_from(["flu", "cold", "cancer"]), min_size=n, max_size=n)),
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(min_value=1, max_value=10), st.sampled_from(["strict", "relaxed"]))
def test_every_output_is_k_anonymous_and_in_its_hierarchy(df: pd.DataFrame, k: int, variant: str) -> None:
    if k > len(df):
        with pytest.raises(AnonymityInfeasibleError, match="larger than"):
            mondrian(df, QUASI, Criteria(k), variant=variant)  # type: ignore[arg-type]
        return
    zip_h = PrefixHierarchy("zip", length=5)
    colour_h = OrderHierarchy("colour", order=("blue", "green", "grey", "red"), groups=(2,))
    res = mondrian(df, QUASI, Criteria(k), variant=variant, hierarchies={"zip": zip_h, "colour": colour_h})  # type: ignore[arg-type]
    classes = equivalence_classes(res.table, QUASI)
    assert classes.k >= k and classes.suppressed == 0
    assert len(res.table) == len(df)
    # categories and codes only take labels their hierarchy has for the row's own value
    for col, h in (("zip", zip_h), ("colour", colour_h)):
        allowed = np.stack(h.levels(df[col]), axis=1)
        out = res.table[col].astype(object).to_numpy()
        assert all(out[i] in allowed[i] for i in range(len(df)))
    # numbers: the released range holds the value
    for value, label in zip(df["age"], res.table["age"].astype(str), strict=True):
        lo, _, hi = label.strip("[]").partition(", ")
        assert int(lo) <= value <= int(hi or lo)
    # the rest of the table is untouched
    assert res.table["disease"].tolist() == df["disease"].tolist()


@settings(max_examples=40, deadline=None)
@given(tables(), st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=3))
def test_l_diverse_when_asked(df: pd.DataFrame, k: int, l: int) -> None:  # noqa: E741
    criteria = Criteria(k, l=l, sensitive="disease")
    if k > len(df) or df["disease"].nunique() < l:
        with pytest.raises(AnonymityInfeasibleError):
            mondrian(df, QUASI, criteria)
        return
    res = mondrian(df, QUASI, criteria)
    classes = equivalence_classes(res.table, QUASI)
    assert classes.k >= k
    assert distinct_l(sensitive_distribution(res.table, classes, "disease")) >= l


def test_t_closeness_is_met_on_a_skewed_table() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    age = rng.integers(18, 90, n)
    df = pd.DataFrame(
        {
            "age": age,
            "zip": [f"{z:05d}" for z in rng.integers(0, 99999, n)],
            "colour": rng.choice(["red", "blue"], n),
            "disease": np.where(age > 60, "cancer", rng.choice(["flu", "cold"], n)),
        }
    )
    res = mondrian(df, QUASI, Criteria(5, t=0.2, sensitive="disease"))
    classes = equivalence_classes(res.table, QUASI)
    assert classes.k >= 5
    assert equal_distance_t(sensitive_distribution(res.table, classes, "disease")) <= 0.2 + 1e-9
    plain = mondrian(df, QUASI, Criteria(5))
    assert len(plain.sizes) > len(res.sizes)  # the t constraint costs classes


def test_bad_input_is_refused() -> None:
    df = pd.DataFrame({"age": [1, 2, 3], "zip": ["1", "2", "3"], "colour": ["a", "b", "c"]})
    with pytest.raises(AnonymityInfeasibleError, match="empty"):
        mondrian(df.iloc[0:0], QUASI, Criteria(2))
    with pytest.raises(HierarchyError):
        mondrian(df, QUASI, Criteria(2), hierarchies={"colour": OrderHierarchy("colour", order=("a", "b"))})
    with pytest.raises(AnonymityInfeasibleError, match="distinct sensitive"):
        mondrian(df.assign(d=["x", "x", "x"]), QUASI, Criteria(1, l=2, sensitive="d"))


def test_all_unique_rows_are_merged_into_classes_of_k() -> None:
    df = pd.DataFrame({"age": range(1000), "zip": [f"{i:05d}" for i in range(1000)], "colour": ["c"] * 1000})
    res = mondrian(df, QUASI, Criteria(10))
    assert equivalence_classes(res.table, QUASI).k >= 10
    assert 10 <= res.sizes.max() < 20  # strict cuts at the median of distinct values: classes of k .. 2k-1
