"""The optimal lattice search returns a node of least loss among all that meet the model (brute force)."""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.anonymity.classes import SUPPRESSED, equivalence_classes
from veil.anonymity.hierarchy import IntervalHierarchy, OrderHierarchy, PrefixHierarchy
from veil.anonymity.lattice import optimal_recoding
from veil.anonymity.suppression import Criteria
from veil.anonymity.utility import measure_utility
from veil.errors import AnonymityInfeasibleError, HierarchyError

QUASI = ["age", "zip", "colour"]


def hierarchies() -> dict[str, object]:
    return {
        "age": IntervalHierarchy("age", widths=(10, 20, 40), lower=0, upper=99),
        "zip": PrefixHierarchy("zip", length=3),
        "colour": OrderHierarchy("colour", order=("blue", "green", "grey", "red"), groups=(2,)),
    }


def brute_force(df: pd.DataFrame, k: int, fraction: float) -> float | None:
    """The least NCP loss (Σ over cells) of every node that is k-anonymous with its outliers suppressed."""
    hs = hierarchies()
    limit = math.floor(fraction * len(df) + 1e-9)
    best = None
    for node in itertools.product(*(range(h.height) for h in hs.values())):  # type: ignore[attr-defined]
        out = df.copy()
        for q, lv in zip(QUASI, node, strict=True):
            out[q] = hs[q].generalise(df[q], lv)  # type: ignore[attr-defined]
        sizes = out.groupby(QUASI)[QUASI[0]].transform("size")
        bad = (sizes < k).to_numpy()
        if bad.sum() > limit:
            continue
        # NCP of each cell from the generalisation's extent over the whole table (ARX's Loss: the
        # label's span or share of the domain), 1 for a suppressed cell
        loss = 0.0
        for q in QUASI:
            if q == "age":
                span = df[q].max() - df[q].min()
                g = df[q].groupby(out[q])
                cell = ((g.transform("max") - g.transform("min")) / span).fillna(0) if span else df[q] * 0.0
            else:
                d = df[q].nunique()
                cell = (
                    (df[q].groupby(out[q]).transform("nunique") - 1) / (d - 1)
                    if d > 1
                    else df[q].map(lambda _: 0.0)
                )
            loss += float(np.where(bad, 1.0, cell.to_numpy(dtype=float)).sum())
        best = loss if best is None else min(best, loss)
    return best


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=30))
    return pd.DataFrame(
        {
            "age": draw(st.lists(st.integers(0, 99), min_size=n, max_size=n)),
            "zip": draw(st.lists(st.sampled_from(["021", "022", "031", "900"]), min_size=n, max_size=n)),
            "colour": draw(
                st.lists(st.sampled_from(["red", "green", "blue", "grey"]), min_size=n, max_size=n)
            ),
        }
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(min_value=1, max_value=5), st.sampled_from([0.0, 0.1, 0.3]))
def test_result_is_minimal_among_anonymous_nodes(df: pd.DataFrame, k: int, fraction: float) -> None:
    if k > len(df):
        with pytest.raises(AnonymityInfeasibleError):
            optimal_recoding(df, QUASI, Criteria(k), hierarchies=hierarchies(), max_suppression=fraction)  # type: ignore[arg-type]
        return
    res = optimal_recoding(df, QUASI, Criteria(k), hierarchies=hierarchies(), max_suppression=fraction)  # type: ignore[arg-type]
    expected = brute_force(df, k, fraction)
    assert expected is not None
    assert res.loss == pytest.approx(expected, abs=1e-6)
    # the table is what the node says: k-anonymous, suppression within the budget, labels of the hierarchy
    classes = equivalence_classes(res.table, QUASI)
    assert classes.count == 0 or classes.k >= k
    if res.node == tuple(h - 1 for h in res.heights):
        # the top node: every value '*', which the measures count as every row suppressed
        assert classes.suppressed == len(df)
    else:
        assert classes.suppressed == int(res.suppressed.sum()) <= math.floor(fraction * len(df) + 1e-9)
    hs = hierarchies()
    for q, lv in res.levels.items():
        expect = hs[q].generalise(df[q], lv).to_numpy(dtype=object)  # type: ignore[attr-defined]
        got = res.table[q].to_numpy(dtype=object)
        kept = ~res.suppressed
        assert (got[kept] == expect[kept]).all() and (got[~kept] == SUPPRESSED).all()
    # the output's own NCP (extents over the rows kept) is at most the search's loss
    assert measure_utility(df, res.table, QUASI).ncp * len(df) * 3 <= res.loss + 1e-6


def test_l_diversity_and_pruning_on_adult() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.adult import load_adult

    df = load_adult(4000).to_pandas()
    quasi = ["age", "education", "marital_status", "race", "sex"]
    res = optimal_recoding(df, quasi, Criteria(5, l=2, sensitive="income"), max_suppression=0.02)
    classes = equivalence_classes(res.table, quasi)
    assert classes.k >= 5 and classes.suppressed <= 80
    per_class = res.table[~res.suppressed].groupby(quasi, observed=True)["income"].nunique()
    assert per_class.min() >= 2
    assert res.checked + res.tagged < res.nodes  # monotonicity pruned most of the lattice


def test_infeasible_and_bad_hierarchies_are_refused() -> None:
    df = pd.DataFrame({"age": [1, 2, 3, 4], "zip": ["021", "022", "031", "900"], "colour": ["red"] * 4})
    with pytest.raises(AnonymityInfeasibleError, match="empty"):
        optimal_recoding(df.iloc[0:0], QUASI, Criteria(2))
    with pytest.raises(AnonymityInfeasibleError, match="larger than"):
        optimal_recoding(df, QUASI, Criteria(5))
    with pytest.raises(HierarchyError, match="column 'age'"):
        optimal_recoding(
            df,
            QUASI,
            Criteria(2),
            hierarchies={"age": IntervalHierarchy("age", widths=(10,), lower=2, upper=9)},
        )
    # two distinct sensitive values cannot be 3-diverse, whatever the generalisation
    with pytest.raises(AnonymityInfeasibleError, match="no generalisation"):
        optimal_recoding(df.assign(s=["a", "b", "a", "b"]), QUASI, Criteria(2, l=3, sensitive="s"))


def test_suppression_is_used_when_cheaper_than_generalising() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "age": np.r_[rng.integers(30, 40, 200), [95]],
            "zip": ["021"] * 201,
            "colour": ["red"] * 201,
        }
    )
    hs = hierarchies()
    none = optimal_recoding(df, QUASI, Criteria(5), hierarchies=hs, max_suppression=0.0)  # type: ignore[arg-type]
    some = optimal_recoding(df, QUASI, Criteria(5), hierarchies=hs, max_suppression=0.01)  # type: ignore[arg-type]
    assert int(some.suppressed.sum()) == 1 and some.loss < none.loss
