"""Utility figures against hand-computed tables, and suppression that never exceeds its budget."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.anonymity.classes import SUPPRESSED, equivalence_classes
from veil.anonymity.suppression import Criteria, suppress_cells, suppress_records
from veil.anonymity.utility import measure_utility
from veil.errors import AnonymityInfeasibleError


def test_hand_computed_table() -> None:
    original = pd.DataFrame({"age": [20, 30, 40, 50, 60], "sex": ["M", "M", "F", "F", "F"]})
    released = pd.DataFrame(
        {
            "age": ["[20, 30]", "[20, 30]", "[40, 50]", "[40, 50]", SUPPRESSED],
            "sex": ["M", "M", "F", "F", SUPPRESSED],
        }
    )
    u = measure_utility(original, released, ["age", "sex"], k=2)
    # classes {0,1}, {2,3}; row 4 suppressed: DM = 2² + 2² + 5·1
    assert (u.classes, u.suppressed, u.discernibility) == (2, 1, 13)
    assert u.aecs == pytest.approx(4 / (2 * 2))
    # NCP: age spans 10/40 for four rows, 1 for the suppressed; sex exact for four, 1 suppressed
    assert u.ncp == pytest.approx(((4 * 0.25 + 1) / 5 + (0 + 1) / 5) / 2)
    # entropy: age: 4 cells with P(orig | out) = 1/2 → 4 bits; the '*' cell: P = 1 → 0; sex: 0
    assert u.non_uniform_entropy == pytest.approx(4.0)
    # KL: each original row has P = 1/5; Q = (2/5)/2 for the classes (area 2·1), (1/5)/(5·2) suppressed
    expected = 4 * 0.2 * math.log2(0.2 / 0.2) + 0.2 * math.log2(0.2 / (0.2 / 10))
    assert u.kl_divergence == pytest.approx(expected)


def test_identity_release_has_no_loss() -> None:
    df = pd.DataFrame({"a": [1, 2, 2, 3], "b": ["x", "y", "y", "z"]})
    u = measure_utility(df, df.astype(str), ["a", "b"])
    assert u.ncp == 0 and u.non_uniform_entropy == 0 and u.kl_divergence == pytest.approx(0)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=60))
    return pd.DataFrame(
        {
            "a": draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)),
            "b": draw(st.lists(st.sampled_from("xyz"), min_size=n, max_size=n)),
            "s": draw(st.lists(st.sampled_from(["p", "q"]), min_size=n, max_size=n)),
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(1, 6), st.floats(0, 1), st.booleans())
def test_suppression_never_exceeds_its_budget(df: pd.DataFrame, k: int, fraction: float, cells: bool) -> None:
    criteria = Criteria(k)
    try:
        res = (suppress_cells if cells else suppress_records)(df, ["a", "b"], criteria, fraction)
    except AnonymityInfeasibleError:
        return
    limit = math.floor(fraction * len(df) * (2 if cells else 1) + 1e-9)
    assert (res.cells if cells else res.records) <= limit
    classes = equivalence_classes(res.table, ["a", "b"])
    assert classes.count == 0 or classes.k >= k
    starred = (res.table[["a", "b"]] == SUPPRESSED).to_numpy()
    assert int(starred.sum()) == res.cells and int(starred.all(axis=1).sum()) == res.records


def test_records_over_budget_are_refused_and_nothing_returned() -> None:
    df = pd.DataFrame({"a": np.arange(10), "b": ["x"] * 10})
    with pytest.raises(AnonymityInfeasibleError, match="budget"):
        suppress_records(df, ["a", "b"], Criteria(2), 0.5)
    ok = suppress_records(df, ["a", "b"], Criteria(2), 1.0)
    assert ok.records == 10
