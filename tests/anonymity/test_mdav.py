"""MDAV microaggregation: groups of k to 2k-1 rows, each value its group's mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.mdav import mdav
from veil.errors import AnonymityInfeasibleError, InputError


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-50, 50), st.floats(0, 1000)), min_size=1, max_size=120),
    st.integers(min_value=1, max_value=8),
)
def test_groups_are_k_to_2k_minus_1_and_means_are_kept(rows: list[tuple[int, float]], k: int) -> None:
    df = pd.DataFrame(rows, columns=["a", "b"])
    if k > len(df):
        with pytest.raises(AnonymityInfeasibleError):
            mdav(df, ["a", "b"], k)
        return
    res = mdav(df, ["a", "b"], k)
    assert res.sizes.min() >= k
    if len(df) >= 2 * k:
        assert res.sizes.max() <= 2 * k - 1
    assert equivalence_classes(res.table, ["a", "b"]).k >= k
    # microaggregation keeps each column's total (every group replaced by its mean)
    assert res.table["a"].sum() == pytest.approx(df["a"].sum())
    assert res.table["b"].sum() == pytest.approx(df["b"].sum())


def test_groups_are_nearest_neighbours() -> None:
    df = pd.DataFrame({"x": [0, 1, 2, 100, 101, 102, 200, 201, 202]})
    res = mdav(df, ["x"], 3)
    assert sorted(res.table["x"].unique().tolist()) == [1.0, 101.0, 201.0]


def test_refuses_text_and_missing_values() -> None:
    with pytest.raises(InputError, match="not numeric"):
        mdav(pd.DataFrame({"x": ["a", "b"]}), ["x"], 1)
    with pytest.raises(InputError, match="missing"):
        mdav(pd.DataFrame({"x": [1.0, np.nan]}), ["x"], 1)
    with pytest.raises(AnonymityInfeasibleError, match="empty"):
        mdav(pd.DataFrame({"x": pd.Series([], dtype=float)}), ["x"], 1)
