"""Attacks on released tables: linkage into generalisations, Anonymeter's three, the margin."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.anonymity.hierarchy import DateHierarchy, IntervalHierarchy, OrderHierarchy
from veil.disclosure.attack import (
    DEFAULT_MARGIN,
    AttackReport,
    attack_margin,
    exceeds,
    run_attacks,
    split_control,
)
from veil.disclosure.linkage import ColumnCover, LinkageResult, linkage_attack
from veil.errors import ConfigError, InputError

QUASI = ["age", "zip", "sex"]
GROUPS, SIZE = 40, 10


def _people(seed: int, *, control: bool = False) -> pd.DataFrame:
    """40 groups of 10 people: in a group one age decade, one 3-digit ZIP prefix, one sex; every
    person's ZIP code unique (control people: other ZIP codes, same prefixes). A diagnosis that
    mostly depends on the group (so the classes reveal some of it)."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for g in range(GROUPS):
        decade, prefix = 20 + 10 * (g % 6), f"{100 + g // 6:03d}"
        for j in range(SIZE):
            suffix = int(rng.integers(60, 100)) if control else (g % 6) * 10 + j
            age = decade + (int(rng.integers(0, 10)) if control else j)
            rows.append(
                {
                    "age": age,
                    "zip": f"{prefix}{suffix:02d}",
                    "sex": "F" if g % 2 else "M",
                    "diagnosis": ["flu", "asthma", "diabetes", "gout"][g % 4]
                    if rng.random() < 0.8
                    else str(rng.choice(["flu", "asthma", "diabetes", "gout"])),
                }
            )
    df = pd.DataFrame(rows)
    df.index = [f"{'c' if control else 'p'}{i:04d}" for i in range(len(df))]
    return df


def _generalise(df: pd.DataFrame) -> pd.DataFrame:
    """Age to its decade, ZIP to its 3-digit prefix: 40 classes of exactly 10 (10-anonymous)."""
    out = df.copy()
    out["age"] = [f"{a // 10 * 10}-{a // 10 * 10 + 9}" for a in df["age"]]
    out["zip"] = [z[:3] + "**" for z in df["zip"]]
    return out.sample(frac=1.0, random_state=3)  # shuffled, index labels kept


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    original = _people(1)
    return {
        "original": original,
        "control": _people(2, control=True),
        "unique": original.sample(frac=1.0, random_state=4),
        "k10": _generalise(original),
    }


@pytest.fixture(scope="module")
def links(tables: dict[str, pd.DataFrame]) -> dict[str, LinkageResult]:
    return {
        name: linkage_attack(
            tables["original"], tables[name], QUASI, n_attacks=120, rng=np.random.default_rng(11)
        )
        for name in ("unique", "k10")
    }


@pytest.fixture(scope="module")
def reports(tables: dict[str, pd.DataFrame]) -> dict[str, AttackReport]:
    out = {}
    for name in ("unique", "k10"):
        out[name] = run_attacks(
            tables["original"],
            tables[name],
            QUASI,
            ["diagnosis"],
            control=tables["control"],
            n_attacks=120,
            seed=11,
        )
    return out


def test_unique_quasi_identifiers_are_relinked(links: dict[str, LinkageResult]) -> None:
    link = links["unique"]
    assert link.attacks == 120 and link.source == "original" and link.suppressed == 0
    assert link.expected_success == 1.0 and link.mean_candidates == 1.0
    assert link.success_rate == 1.0 and link.ci[0] > 0.95
    assert link.baseline_expected == pytest.approx(1 / 400)
    assert link.baseline_rate < 0.02 and link.ci[0] > 20 * link.baseline_ci[1]


def test_a_10_anonymous_release_links_one_in_ten(links: dict[str, LinkageResult]) -> None:
    link = links["k10"]
    # Every released record covers exactly its 10 group members, the person among them.
    assert link.mean_candidates == 10.0
    assert link.expected_success == pytest.approx(0.1)
    assert link.ci[0] <= 0.1 <= link.ci[1]
    assert link.success_rate < 0.25


@pytest.mark.slow  # Anonymeter's nearest neighbours are compiled by numba on first use (~10 s each)
def test_anonymeter_risks_are_ordered(
    reports: dict[str, AttackReport], tables: dict[str, pd.DataFrame]
) -> None:
    unique, k10 = reports["unique"], reports["k10"]
    names = [r.name for r in unique.anonymeter]
    assert names == [
        "singling_out_univariate",
        "singling_out_multivariate",
        "linkability",
        "inference:diagnosis",
    ]
    by = {name: (a, b) for name, a, b in zip(names, unique.anonymeter, k10.anonymeter, strict=True)}
    for name, (u, k) in by.items():
        for r in (u, k):
            assert 0.0 <= r.risk_ci[0] <= r.risk <= r.risk_ci[1] <= 1.0, name
            assert r.control_rate is not None and r.attacks > 0
    # Unique ZIP codes single people out on their own; 10-anonymous classes never do.
    assert by["singling_out_univariate"][0].risk > 0.9 and by["singling_out_univariate"][1].risk == 0.0
    assert by["singling_out_multivariate"][0].risk > by["singling_out_multivariate"][1].risk
    # The unique release gives away each person's diagnosis; the classes mostly the group's, which
    # the control people share, so the excess over the control is smaller.
    assert by["inference:diagnosis"][0].risk > 0.9 > 0.5 > by["inference:diagnosis"][1].risk
    assert by["linkability"][0].risk >= by["linkability"][1].risk
    # The margin: the unique release is refused on every attack that beats its baseline by 5 points.
    assert {"linkage", "singling_out_univariate", "singling_out_multivariate", "inference:diagnosis"} <= set(
        exceeds(unique, DEFAULT_MARGIN)
    )
    assert "linkage" not in exceeds(k10, 0.2) and "linkage" in exceeds(k10, 0.0)
    # Judged by its promise (1/10 for a 10-anonymous table) the k10 release holds; the unique
    # release claimed as 10-anonymous is caught.
    assert "linkage" not in exceeds(k10, 0.0, promised=1 / 10)
    assert "linkage" in exceeds(unique, DEFAULT_MARGIN, promised=1 / 10)
    with pytest.raises(InputError):
        exceeds(k10, 0.05, promised=2.0)
    # Without the diagnosis (quasi-identifiers only) nobody is singled out of the 10-anonymous table.
    quasi_only = run_attacks(
        tables["original"], tables["k10"], QUASI, [], control=tables["control"], n_attacks=120, seed=11
    )
    assert all(r.risk < 0.2 for r in quasi_only.singling_out) and quasi_only.inference == ()


@pytest.mark.slow
def test_same_seed_same_report(tables: dict[str, pd.DataFrame], reports: dict[str, AttackReport]) -> None:
    again = run_attacks(
        tables["original"],
        tables["k10"],
        QUASI,
        ["diagnosis"],
        control=tables["control"],
        n_attacks=120,
        seed=11,
    )
    first = reports["k10"]
    assert again.linkage == first.linkage
    for a, b in zip(again.anonymeter, first.anonymeter, strict=True):
        # Anonymeter draws its linkability baseline from a generator it does not let a caller seed.
        assert (a.name, a.risk, a.risk_ci, a.attack_rate, a.control_rate) == (
            b.name,
            b.risk,
            b.risk_ci,
            b.attack_rate,
            b.control_rate,
        )
    other = linkage_attack(
        tables["original"], tables["k10"], QUASI, n_attacks=120, rng=np.random.default_rng(12)
    )
    assert other.expected_success == pytest.approx(0.1)  # another seed: other draws, same truth
    # Without a control set Anonymeter's risks are its attack rates, and the report says so.
    alone = run_attacks(
        tables["original"], tables["k10"], QUASI, ["diagnosis"], control=None, n_attacks=40, seed=1
    )
    assert any("no control set" in n for n in alone.notes)
    for r in alone.anonymeter:
        assert r.control_rate is None and r.risk_ci[0] <= r.risk <= r.risk_ci[1]


def test_categorical_columns_as_mondrian_writes_them(
    tables: dict[str, pd.DataFrame], links: dict[str, LinkageResult]
) -> None:
    categorical = tables["k10"].astype({q: "category" for q in QUASI})
    link = linkage_attack(
        tables["original"], categorical, QUASI, n_attacks=120, rng=np.random.default_rng(11)
    )
    assert link == links["k10"]


def test_public_table_with_outsiders_and_missing_people(tables: dict[str, pd.DataFrame]) -> None:
    original, released = tables["original"], tables["k10"]
    outsiders = _people(1)
    outsiders.index = [f"x{i:04d}" for i in range(len(outsiders))]  # look-alikes, not in the release
    present = original.iloc[::2]  # half of the released people are on the public list
    public = pd.concat([present, outsiders])[QUASI]
    link = linkage_attack(
        original, released, QUASI, public=public, n_attacks=400, rng=np.random.default_rng(0)
    )
    assert link.source == "public" and link.attacks == 400
    assert link.not_in_table == 200
    assert link.mean_candidates == pytest.approx(15.0)  # 5 present + 10 look-alikes per class
    assert link.expected_success == pytest.approx(0.5 / 15)
    assert link.baseline_expected == pytest.approx(1 / 600)


def test_suppressed_rows_are_outside_the_attack(tables: dict[str, pd.DataFrame]) -> None:
    released = tables["k10"].copy()
    released.iloc[:25, [released.columns.get_loc(q) for q in QUASI]] = "*"
    link = linkage_attack(tables["original"], released, QUASI, n_attacks=1000, rng=np.random.default_rng(0))
    assert link.suppressed == 25 and link.attacks == 375
    everything = released.copy()
    everything[QUASI] = "*"
    with pytest.raises(InputError, match="every row is suppressed"):
        linkage_attack(tables["original"], everything, QUASI, n_attacks=10, rng=np.random.default_rng(0))


def test_hostile_inputs(tables: dict[str, pd.DataFrame]) -> None:
    original, released, control = tables["original"], tables["k10"], tables["control"]
    relabelled = released.reset_index(drop=True)  # index labels lost: no truth to score against
    with pytest.raises(InputError, match="index"):
        run_attacks(original, relabelled, QUASI, [], control=control, n_attacks=10, seed=0)
    with pytest.raises(InputError, match="lacks column"):
        run_attacks(original, released, [*QUASI, "height"], [], control=control, n_attacks=10, seed=0)
    with pytest.raises(InputError, match="quasi-identifier"):
        run_attacks(original, released, [], ["diagnosis"], control=control, n_attacks=10, seed=0)
    with pytest.raises(InputError, match="empty"):
        run_attacks(original, released.iloc[:0], QUASI, [], control=control, n_attacks=10, seed=0)
    with pytest.raises(InputError, match="n_attacks"):
        run_attacks(original, released, QUASI, [], control=control, n_attacks=0, seed=0)
    doubled = pd.concat([released, released.iloc[:1]])
    with pytest.raises(InputError, match="unique"):
        run_attacks(original, doubled, QUASI, [], control=control, n_attacks=10, seed=0)
    twice = pd.concat([original, original.iloc[:1]])[QUASI]
    with pytest.raises(InputError, match="public table's index"):
        linkage_attack(original, released, QUASI, public=twice, rng=np.random.default_rng(0))
    with pytest.raises(InputError, match="public table lacks"):
        linkage_attack(original, released, QUASI, public=original[["age"]], rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    ("released", "raw", "covered"),
    [
        ("30-39", 34, True),
        ("30-39", 39, True),
        ("30-39", 40, False),
        ("[30, 40)", 40, False),
        ("[30, 40[", 39.5, True),
        ("[30, 40]", 40, True),
        ("(29, 39]", 29, False),
        ("<30", 29, True),
        (">=90", 89, False),
        ("90+", 95, True),
        ("021**", "02139", True),
        ("021**", "03139", False),
        ("*", "anything", True),
        ("***", 5, True),
        ("2020-03", date(2020, 3, 15), True),
        ("2020-03", date(2020, 4, 1), False),
        ("2020", pd.Timestamp("2020-12-31"), True),
        ("1950s", "1953-04-15", True),
        ("1950s", "1961-01-01", False),
        ("NULL", None, True),
        ("NULL", "x", False),
        ("{Divorced, Widowed}", "Widowed", True),
        ("Divorced,Widowed", "Married", False),
        ("a|b", "b", True),
        ("30-39", "thirty", False),
    ],
)
def test_generalised_values_cover_what_they_say(released: str, raw: Any, covered: bool) -> None:
    cover = ColumnCover.build(pd.Series([released], dtype=object), [raw])
    assert bool(cover.mask(0)[cover.codes(pd.Series([raw], dtype=object))][0]) is covered


def test_hierarchies_numbers_and_values_spelt_like_patterns() -> None:
    hierarchy = {"Married-civ-spouse": ["Married", "*"], "Never-married": ["Single", "*"]}
    cover = ColumnCover.build(
        pd.Series(["Married", "Single"], dtype=object), ["Married-civ-spouse", "Never-married"], hierarchy
    )
    assert cover.covered[0].tolist() == [0] and cover.covered[1].tolist() == [1]
    # A released value that is itself a real value is that value, never a pattern.
    literal = ColumnCover.build(pd.Series(["30-39"], dtype=object), ["30-39", "35"])
    assert literal.covered[0].tolist() == [0]
    # Numbers (microaggregated centroids): the nearest released value; ties both.
    centroids = ColumnCover.build(pd.Series([10.0, 20.0]), [9, 14, 15, 16, 30])
    assert centroids.covered[0].tolist() == [0, 1, 2] and centroids.covered[1].tolist() == [2, 3, 4]
    # The most specific covering value: 34 -> "30-34" rather than "30-39" or "*".
    nested = ColumnCover.build(pd.Series(["30-39", "30-34", "*"], dtype=object), [34, 37, 90])
    assert nested.most_specific() == ["30-34", "30-39", "*"]


def test_recodings_with_veils_hierarchies_are_linked_through_them() -> None:
    """Every level of Veil's own hierarchies (veil.anonymity.hierarchy): a record's generalised
    values always cover the person's real values, and the candidates are exactly the class."""
    rng = np.random.default_rng(3)
    n = 300
    education = [
        "Preschool",
        "1st-4th",
        "5th-6th",
        "HS-grad",
        "Some-college",
        "Bachelors",
        "Masters",
        "Doctorate",
    ]
    df = pd.DataFrame(
        {
            "age": rng.integers(17, 91, n),
            "born": [
                str(date(1930, 1, 1).replace(year=int(y)))[:4] + f"-{int(m):02d}-15"
                for y, m in zip(rng.integers(1930, 2005, n), rng.integers(1, 13, n), strict=True)
            ],
            "education": rng.choice(education, n),
        }
    )
    df.loc[df.index[:3], "education"] = None  # missing values generalise to NULL, then match
    df.index = [f"p{i}" for i in range(n)]
    hierarchies = {
        "age": IntervalHierarchy("age", widths=(5, 10, 20), lower=0, upper=120),
        "born": DateHierarchy("born"),
        "education": OrderHierarchy("education", order=tuple(education), groups=(2, 4)),
    }
    quasi = list(hierarchies)
    for level in (1, 2, 3):  # age [15, 20) .. [0, 20); born 1950-03 .. 1950s; education "a..b" runs
        released = df.copy()
        for q, h in hierarchies.items():
            released[q] = h.generalise(df[q], min(level, h.height - 2)).to_numpy()
        released = released.sample(frac=1.0, random_state=level)
        sizes = released.groupby(quasi, dropna=False).size()
        expected = float(np.mean([1 / sizes[tuple(row)] for row in released[quasi].itertuples(index=False)]))
        link = linkage_attack(
            df, released, quasi, hierarchies=hierarchies, n_attacks=n, rng=np.random.default_rng(0)
        )
        assert link.attacks == n
        assert link.expected_success == pytest.approx(expected)  # the person is always a candidate


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=120), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=25),
)
def test_an_interval_covers_exactly_its_values(values: list[int], width: int) -> None:
    labels = [f"{v // width * width}-{v // width * width + width - 1}" for v in values]
    cover = ColumnCover.build(pd.Series(labels, dtype=object), values)
    codes = cover.codes(pd.Series(values))
    for i, label in enumerate(cover.released):
        lo, hi = (int(x) for x in str(label).split("-"))
        inside = {j for j, v in enumerate(values) if lo <= v <= hi}
        assert {j for j in range(len(values)) if cover.mask(i)[codes[j]]} == inside


def test_split_control() -> None:
    df = _people(5)
    kept, control = split_control(df, 0.25, seed=3)
    assert len(control) == 100 and len(kept) == 300
    assert set(kept.index).isdisjoint(control.index) and set(kept.index) | set(control.index) == set(df.index)
    again, _ = split_control(df, 0.25, seed=3)
    assert list(again.index) == list(kept.index)
    for bad in (0.0, 0.6, -1.0):
        with pytest.raises(InputError, match="control fraction"):
            split_control(df, bad, seed=0)
    with pytest.raises(InputError, match="too few"):
        split_control(df.iloc[:1], 0.2, seed=0)


def test_attack_margin_from_veil_toml(tmp_path: Path) -> None:
    assert attack_margin(tmp_path) == DEFAULT_MARGIN
    (tmp_path / "veil.toml").write_text('[workspace]\nid = "x"\n[anonymity]\nattack_margin = 0.1\n')
    assert attack_margin(tmp_path) == 0.1
    for bad in ("1.5", '"high"', "true", "-0.1"):
        (tmp_path / "veil.toml").write_text(f'[workspace]\nid = "x"\n[anonymity]\nattack_margin = {bad}\n')
        with pytest.raises(ConfigError, match="attack_margin"):
            attack_margin(tmp_path)
    with pytest.raises(InputError):
        exceeds(AttackReport.__new__(AttackReport), 1.5)
