"""Equivalence classes and ARX's risk figures, by hand and as properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.anonymity.classes import SUPPRESSED, equivalence_classes, factorize_columns, population_sizes
from veil.anonymity.risk import average_class_size, discernibility, record_risks, sample_risk
from veil.errors import InputError

from .tables import ten_rows


def test_classes_of_ten_rows() -> None:
    ec = equivalence_classes(ten_rows(), ["age", "zip"])
    assert sorted(ec.sizes.tolist()) == [1, 2, 3, 4]
    assert (ec.k, ec.count, ec.n, ec.suppressed, ec.uniques()) == (1, 4, 10, 0, 1)
    assert ec.histogram() == {1: 1, 2: 1, 3: 1, 4: 1}
    assert ec.row_sizes().tolist() == [3, 3, 3, 2, 2, 4, 4, 4, 4, 1]


def test_missing_values_are_one_value_and_suppressed_rows_leave_the_classes() -> None:
    df = pd.DataFrame({"a": [1.0, np.nan, np.nan, 2.0, None], "b": ["x", None, None, SUPPRESSED, "y"]})
    ec = equivalence_classes(df, ["a", "b"])
    # (nan, None) twice is one class; (1, x), (2, *) and (nan, y) are alone
    assert sorted(ec.sizes.tolist()) == [1, 1, 1, 2]
    star = pd.DataFrame({"a": ["*", "*", "1", "1"], "b": ["*", "*", "2", "2"]})
    ec = equivalence_classes(star, ["a", "b"])
    assert (ec.n, ec.suppressed, ec.count, ec.k) == (2, 2, 1, 2)
    assert ec.codes.tolist() == [-1, -1, 0, 0]
    masked = equivalence_classes(ten_rows(), ["age", "zip"], suppressed=np.arange(10) == 9)
    assert (masked.k, masked.suppressed) == (2, 1)
    with pytest.raises(InputError, match="mask has"):
        equivalence_classes(ten_rows(), ["age"], suppressed=np.zeros(3, dtype=bool))


def test_bad_quasi_identifiers() -> None:
    with pytest.raises(InputError, match="unknown quasi-identifier column"):
        equivalence_classes(ten_rows(), ["age", "postcode"])
    with pytest.raises(InputError, match="at least one"):
        equivalence_classes(ten_rows(), [])
    with pytest.raises(InputError, match="more than once"):
        equivalence_classes(ten_rows(), ["age", "age"])


def test_codes_survive_a_radix_overflow() -> None:
    # 10 columns of 100,000 distinct values: the mixed-radix key would need 10^50
    rng = np.random.default_rng(1)
    base = rng.integers(0, 100_000, size=(2_000, 10))
    base[1000:] = base[:1000]  # every row twice
    df = pd.DataFrame(base, columns=[f"c{i}" for i in range(10)])
    ec = equivalence_classes(df, list(df.columns))
    assert ec.count == len(df.drop_duplicates()) and ec.k == 2


def test_risk_of_ten_rows_by_hand() -> None:
    ec = equivalence_classes(ten_rows(), ["age", "zip"])
    r = sample_risk(ec, threshold=0.3)
    # risks 1/3 (3 records), 1/2 (2), 1/4 (4), 1 (1): above 0.3 are 3 + 2 + 1 of 10
    p = r.prosecutor
    assert (p.records_at_risk, p.highest, p.lowest, p.success_rate) == (0.6, 1.0, 0.25, 0.4)
    assert r.journalist == p and r.marketer == pytest.approx(0.4) and r.population_source == "sample"
    assert (r.records, r.classes, r.sample_uniques) == (10, 4, 1)
    assert discernibility(ec) == 9 + 4 + 16 + 1
    assert average_class_size(ec, 1) == 2.5 and average_class_size(ec, 2) == 1.25
    assert record_risks(ec).tolist() == pytest.approx([1 / 3] * 3 + [1 / 2] * 2 + [1 / 4] * 4 + [1.0])


def test_journalist_and_marketer_with_an_identification_table() -> None:
    df = ten_rows()
    ec = equivalence_classes(df, ["age", "zip"])
    ident = pd.DataFrame({"age": [30] * 6 + [40] * 2 + [40] * 8, "zip": ["100"] * 8 + ["200"] * 8})
    pop = population_sizes(df, ec, ident)
    assert sorted(pop.tolist()) == [0, 2, 6, 8]
    r = sample_risk(ec, threshold=0.3, population_sizes=pop)
    # F: A 6, B 2, C 8, D 1 (not in the table, so its one sample record): above 0.3 are B (2) and D (1)
    j = r.journalist
    assert j.records_at_risk == pytest.approx(0.3) and (j.highest, j.lowest) == (1.0, 0.125)
    # rC = max(4 / 17, (3/6 + 2/2 + 4/8 + 1/1) / 10)
    assert j.success_rate == pytest.approx(0.3)
    assert r.marketer == pytest.approx(0.3)
    assert r.prosecutor.highest == 1.0 and r.population_source == "identification table"
    assert record_risks(ec, pop)[:3].tolist() == pytest.approx([1 / 6] * 3)


def test_suppression_in_discernibility_and_risk() -> None:
    df = pd.DataFrame({"a": ["1", "1", "2", "2", "2", "*"], "b": ["x", "x", "y", "y", "y", "*"]})
    ec = equivalence_classes(df, ["a", "b"])
    assert discernibility(ec) == 4 + 9 + 6 * 1  # n · |suppressed| with n = all 6 rows
    assert sample_risk(ec).prosecutor.highest == 0.5
    assert record_risks(ec)[-1] == 0.0


def test_risk_arguments() -> None:
    ec = equivalence_classes(ten_rows(), ["age"])
    with pytest.raises(InputError, match="threshold"):
        sample_risk(ec, threshold=0)
    with pytest.raises(InputError, match="population class sizes"):
        sample_risk(ec, population_sizes=np.array([1, 2]))
    with pytest.raises(InputError, match="k ≥ 1"):
        average_class_size(ec, 0)


tables = st.integers(1, 80).flatmap(
    lambda n: st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["a", "b", None]), st.floats(0, 2).map(round)),
        min_size=n,
        max_size=n,
    )
)


@settings(max_examples=120, deadline=None)
@given(tables, st.floats(0.01, 1.0))
def test_k_is_the_smallest_group_and_risks_are_bounded(
    rows: list[tuple[object, ...]], threshold: float
) -> None:
    df = pd.DataFrame(rows, columns=["a", "b", "c"])
    ec = equivalence_classes(df, ["a", "b", "c"])
    groups = df.groupby(["a", "b", "c"], dropna=False).size()
    assert ec.k == groups.min() and ec.count == len(groups) and ec.uniques() == int((groups == 1).sum())
    assert sorted(ec.sizes.tolist()) == sorted(groups.tolist())
    # two rows share a class exactly when they are equal (NaN equal to NaN)
    codes = factorize_columns(df, ["a", "b", "c"])
    keys = [tuple("nan" if pd.isna(v) else v for v in row) for row in df.itertuples(index=False)]
    for i in range(len(df)):
        for j in range(i + 1, min(len(df), i + 6)):
            assert (codes[i] == codes[j]) == (keys[i] == keys[j])
    r = sample_risk(ec, threshold=threshold)
    for s in (r.prosecutor, r.journalist):
        assert 0 <= s.lowest <= s.success_rate <= s.highest <= 1
        assert 0 <= s.records_at_risk <= 1
    assert r.prosecutor.highest == 1 / ec.k
    assert discernibility(ec) >= len(df)  # Σ|c|² ≥ Σ|c|
    # the mean of the per-record risks is the marketer's rate
    assert record_risks(ec).mean() == pytest.approx(r.marketer)
