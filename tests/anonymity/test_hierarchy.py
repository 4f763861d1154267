"""Generalisation hierarchies: built from column kinds, loaded from YAML, refusing what they do not cover."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.anonymity.hierarchy import (
    MISSING,
    TOP,
    DateHierarchy,
    IntervalHierarchy,
    MapHierarchy,
    OrderHierarchy,
    PrefixHierarchy,
    auto_hierarchy,
    hierarchies_for,
    hierarchy_from_spec,
    load_hierarchies,
)
from veil.errors import HierarchyError


def test_interval_levels_nest_and_top_is_star() -> None:
    h = IntervalHierarchy("age", widths=(5, 10, 20), lower=0, upper=120)
    values = pd.Series([0, 4, 5, 17, 39, 120])
    assert h.height == 5
    assert list(h.generalise(values, 0)) == ["0", "4", "5", "17", "39", "120"]
    assert list(h.generalise(values, 1)) == [
        "[0, 5)",
        "[0, 5)",
        "[5, 10)",
        "[15, 20)",
        "[35, 40)",
        "[120, 125)",
    ]
    assert list(h.generalise(values, 3)) == [
        "[0, 20)",
        "[0, 20)",
        "[0, 20)",
        "[0, 20)",
        "[20, 40)",
        "[120, 140)",
    ]
    assert set(h.generalise(values, 4)) == {TOP}


def test_interval_refuses_values_outside_and_bad_widths() -> None:
    h = IntervalHierarchy("age", widths=(5, 10), lower=0, upper=100)
    with pytest.raises(HierarchyError, match="does not cover 1 value") as exc:
        h.check(pd.Series([3, 101]))
    assert "101" not in exc.value.message  # the message counts values, never shows them
    with pytest.raises(HierarchyError, match="multiple"):
        IntervalHierarchy("age", widths=(5, 7), lower=0, upper=10)
    with pytest.raises(HierarchyError, match="not numbers"):
        h.check(pd.Series(["x"]))


def test_dates_truncate_day_month_year_decade() -> None:
    h = DateHierarchy("dob")
    v = pd.Series(["1987-03-14", "2001-12-31", None])
    assert [list(h.generalise(v, lv)) for lv in range(1, 4)] == [
        ["1987-03", "2001-12", MISSING],
        ["1987", "2001", MISSING],
        ["1980s", "2000s", MISSING],
    ]
    with pytest.raises(HierarchyError, match="ISO dates"):
        h.check(pd.Series(["14/03/1987"]))
    with pytest.raises(HierarchyError, match="valid dates"):
        h.check(pd.Series(["1987-02-30"]))


def test_zip_codes_are_redacted_from_the_right() -> None:
    h = auto_hierarchy("zip", pd.Series(["02139", "02142", "90210"]))
    assert isinstance(h, PrefixHierarchy) and h.height == 6
    assert list(h.generalise(pd.Series(["02139"]), 2)) == ["021**"]
    with pytest.raises(HierarchyError, match="longer than 5"):
        h.check(pd.Series(["021399"]))


def test_categories_in_runs_and_unknown_values_refused() -> None:
    h = OrderHierarchy("edu", order=("a", "b", "c", "d", "e"), groups=(2, 4))
    v = pd.Series(["a", "c", "e"])
    assert list(h.generalise(v, 1)) == ["a..b", "c..d", "e"]
    assert list(h.generalise(v, 2)) == ["a..d", "a..d", "e"]
    with pytest.raises(HierarchyError, match="not in its order"):
        h.check(pd.Series(["z"]))
    with pytest.raises(HierarchyError, match="multiple"):
        OrderHierarchy("edu", order=("a", "b", "c"), groups=(2, 3))


def test_map_hierarchy_needs_one_parent_per_label() -> None:
    h = MapHierarchy("country", table={"FR": ("EU", "World"), "DE": ("EU", "World"), "US": ("NA", "World")})
    assert list(h.generalise(pd.Series(["FR", "US"]), 1)) == ["EU", "NA"]
    with pytest.raises(HierarchyError, match="not in its table"):
        h.check(pd.Series(["JP"]))
    with pytest.raises(HierarchyError, match="two parents"):
        MapHierarchy("c", table={"FR": ("EU", "World"), "DE": ("EU", "Other")})


def test_yaml_overrides_and_malformed_files(tmp_path: Path) -> None:
    good = tmp_path / "h.yaml"
    good.write_text(
        "hierarchies:\n"
        "  age: {type: interval, widths: [10, 20], lower: 0, upper: 100}\n"
        "  zip: {type: prefix, length: 5}\n"
        "  country: {type: map, levels: {FR: [EU], DE: [EU]}}\n",
        encoding="utf-8",
    )
    hs = load_hierarchies(good)
    assert isinstance(hs["age"], IntervalHierarchy) and hs["age"].widths == (10.0, 20.0)
    assert hs["zip"].to_dict() == {"type": "prefix", "length": 5}
    df = pd.DataFrame({"age": [30, 150], "zip": ["02139", "02139"]})
    with pytest.raises(HierarchyError, match="column 'age'"):
        hierarchies_for(df, ["age", "zip"], overrides=hs)
    bad = tmp_path / "bad.yaml"
    bad.write_text("hierarchies:\n  age: {type: interval, widths: [10]}\n", encoding="utf-8")
    with pytest.raises(HierarchyError, match="malformed"):
        load_hierarchies(bad)
    with pytest.raises(HierarchyError, match="unknown type"):
        hierarchy_from_spec("x", {"type": "fractal"})
    (tmp_path / "empty.yaml").write_text("[]", encoding="utf-8")
    with pytest.raises(HierarchyError, match="hierarchies:"):
        load_hierarchies(tmp_path / "empty.yaml")


@given(st.lists(st.integers(min_value=-500, max_value=5000), min_size=1, max_size=60))
def test_auto_intervals_cover_their_values_and_nest(values: list[int]) -> None:
    s = pd.Series(values)
    h = auto_hierarchy("x", s)
    h.check(s)
    labels = h.levels(s)
    assert set(labels[-1]) == {TOP}
    for lower, upper in itertools.pairwise(labels):
        # a generalisation of a generalisation: equal labels stay equal one level up
        pairs = pd.DataFrame({"a": lower, "b": upper}).drop_duplicates()
        assert not pairs["a"].duplicated().any()
