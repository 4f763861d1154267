"""``measure_table``: every measure of one table, JSON-safe, and its refusals."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from veil.anonymity.measures import measure_table
from veil.errors import InputError

from .tables import DISEASE_HIERARCHY, li_table, ten_rows


def test_all_measures_of_a_hand_table_and_json() -> None:
    m = measure_table(ten_rows(), ["age", "zip"], sensitive=["disease"], population=1_000, threshold=0.3)
    assert (m.rows, m.classes, m.k, m.discernibility, m.aecs) == (10, 4, 1, 30, 2.5)
    assert m.risk.prosecutor.records_at_risk == 0.6 and m.uniqueness is not None and m.k_map is not None
    s = m.sensitive[0]
    assert s.distinct_l == 1 and s.recursive_c == math.inf and s.t_ordered is None  # text: no order
    assert m.suda is not None and m.suda.max_size == 2  # capped at the number of quasi-identifiers
    data = json.loads(json.dumps(m.to_dict()))
    assert data["sensitive"][0]["recursive_c"] == "inf" and data["k"] == 1
    assert data["uniqueness"]["population"] == 1_000


def test_hierarchies_and_orders_reach_their_measures() -> None:
    m = measure_table(
        li_table(),
        ["zip"],
        sensitive=["disease", "salary"],
        hierarchies={"disease": DISEASE_HIERARCHY},
        suda_max_size=None,
    )
    disease, salary = m.sensitive
    assert disease.t_hierarchical == pytest.approx(4 / 9) and disease.t_ordered is None
    assert salary.t_ordered == pytest.approx(0.375) and m.suda is None
    ordinal = pd.DataFrame({"q": [1, 1, 2, 2], "grade": ["low", "low", "mid", "high"]})
    m = measure_table(ordinal, ["q"], sensitive=["grade"], orders={"grade": ["low", "mid", "high"]})
    assert m.sensitive[0].t_ordered == pytest.approx(3 / 8)


def test_refusals() -> None:
    with pytest.raises(InputError, match="empty"):
        measure_table(pd.DataFrame({"a": []}), ["a"])
    with pytest.raises(InputError, match="every row is suppressed"):
        measure_table(pd.DataFrame({"a": ["*", "*"]}), ["a"])
    with pytest.raises(InputError, match="not both"):
        measure_table(ten_rows(), ["age"], population=100, identification=ten_rows())
    with pytest.raises(InputError, match="identification table is empty"):
        measure_table(ten_rows(), ["age"], identification=ten_rows().iloc[:0])
    with pytest.raises(InputError, match="smaller than the dataset"):
        measure_table(ten_rows(), ["age"], population=5)
    with pytest.raises(InputError, match="unknown quasi-identifier"):
        measure_table(ten_rows(), ["postcode"])


def test_suppressed_rows_count_in_discernibility_only() -> None:
    df = ten_rows().astype({"age": str})
    df.loc[9, ["age", "zip"]] = "*"  # the unique record suppressed
    m = measure_table(df, ["age", "zip"], suda_max_size=None)
    assert (m.rows, m.suppressed, m.k) == (10, 1, 2)
    assert m.discernibility == 9 + 4 + 16 + 10 * 1
    assert m.risk.records == 9 and m.risk.prosecutor.highest == 0.5
    mask = np.zeros(10, dtype=bool)
    mask[9] = True
    assert measure_table(ten_rows(), ["age", "zip"], suppressed=mask, suda_max_size=None).k == 2
