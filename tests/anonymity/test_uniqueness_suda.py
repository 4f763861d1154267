"""Population-uniqueness estimators (ARX's) and SUDA's minimal sample uniques."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.suda import suda
from veil.anonymity.uniqueness import dankar, pitman, population_uniqueness, snb, zayatz
from veil.errors import InputError

QUASI = ["age", "sex", "zip"]


def _population(n: int = 100_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"age": rng.integers(0, 80, n), "sex": rng.integers(0, 2, n), "zip": rng.zipf(1.6, n) % 300}
    )


def _true_uniques(df: pd.DataFrame) -> int:
    return int((df.groupby(QUASI).size() == 1).sum())


def test_on_a_census_the_estimators_agree_with_the_sample_uniques() -> None:
    pop = _population(20_000)
    ec = equivalence_classes(pop, QUASI)
    n = len(pop)
    assert zayatz(ec, n) == pytest.approx(ec.uniques())
    assert snb(ec, n) == pytest.approx(ec.uniques())
    d, model = dankar(ec, n)
    assert d == pytest.approx(ec.uniques()) and model in ("snb", "zayatz")


def test_pitman_and_zayatz_estimate_a_known_population() -> None:
    pop = _population()
    truth = _true_uniques(pop)
    for fraction in (0.05, 0.2):
        ec = equivalence_classes(pop.sample(frac=fraction, random_state=1), QUASI)
        p, z = pitman(ec, len(pop)), zayatz(ec, len(pop))
        assert p is not None and abs(p - truth) / truth < 0.2, (fraction, p, truth)
        assert z is not None and abs(z - truth) / truth < 0.2, (fraction, z, truth)
        assert ec.uniques() < truth  # a sample sees fewer uniques than the population holds
    small = equivalence_classes(pop.sample(frac=0.05, random_state=2), QUASI)
    d, model = dankar(small, len(pop))
    assert model == "pitman" and d == pitman(small, len(pop))  # sampling fraction ≤ 0.1


def test_no_sample_uniques_means_no_population_uniques() -> None:
    df = pd.DataFrame({"age": [1, 1, 2, 2], "sex": [0, 0, 1, 1], "zip": [5, 5, 6, 6]})
    r = population_uniqueness(equivalence_classes(df, QUASI), 1_000)
    assert (r.pitman, r.zayatz, r.snb, r.dankar, r.dankar_model) == (0.0, 0.0, 0.0, 0.0, "dankar")
    assert r.fraction == 0.0


def test_population_arguments() -> None:
    ec = equivalence_classes(_population(100), QUASI)
    with pytest.raises(InputError, match="smaller than the dataset"):
        population_uniqueness(ec, 50)


@settings(max_examples=40, deadline=None)
@given(st.integers(200, 3_000), st.floats(0.01, 1.0))
def test_estimates_are_none_or_within_the_population(size: int, fraction: float) -> None:
    pop = _population(size)
    sample = pop.sample(frac=fraction, random_state=3)
    if len(sample) == 0:
        return
    r = population_uniqueness(equivalence_classes(sample, QUASI), size)
    for value in (r.pitman, r.zayatz, r.snb, r.dankar):
        assert value is None or 0 <= value <= size


def _brute_msus(df: pd.DataFrame, quasi: list[str], max_size: int) -> list[set[tuple[str, ...]]]:
    out: list[set[tuple[str, ...]]] = [set() for _ in range(len(df))]
    rows = [tuple(r) for r in df[quasi].astype(str).itertuples(index=False)]
    for i, row in enumerate(rows):
        for size in range(1, max_size + 1):
            for combo in itertools.combinations(range(len(quasi)), size):
                unique = sum(all(other[c] == row[c] for c in combo) for other in rows) == 1
                minimal = all(
                    sum(all(other[c] == row[c] for c in sub) for other in rows) > 1
                    for sub in itertools.combinations(combo, size - 1)
                    if sub
                )
                if unique and minimal:
                    out[i].add(tuple(quasi[c] for c in combo))
    return out


def test_suda_by_hand() -> None:
    # row 3 is the only "c" and row 2 the only "y" (MSUs of size 1); rows 0 and 1 are equal
    df = pd.DataFrame({"p": ["a", "a", "a", "c"], "q": ["x", "x", "y", "x"], "r": ["1", "1", "1", "1"]})
    result = suda(df, ["p", "q", "r"], max_size=2)
    assert result.msu_count.tolist() == [0, 0, 1, 1]
    assert result.smallest_msu.tolist() == [0, 0, 1, 1]
    # m = 3, M = 2: an MSU of size 1 scores (3-1)(3-2) = 2 (one of size 2 would score 3-2 = 1)
    assert result.score.tolist() == [0.0, 0.0, 2.0, 2.0]
    assert result.special_unique.tolist() == [False, False, True, True]
    assert result.contributions == {"p": pytest.approx(0.5), "q": pytest.approx(0.5), "r": 0.0}


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 14).flatmap(
        lambda n: st.lists(
            st.tuples(*[st.sampled_from("ab" if i % 2 else "abc") for i in range(4)]), min_size=n, max_size=n
        )
    ),
    st.integers(1, 4),
)
def test_suda_finds_exactly_the_brute_force_msus(rows: list[tuple[str, ...]], max_size: int) -> None:
    quasi = ["w", "x", "y", "z"]
    df = pd.DataFrame(rows, columns=quasi)
    result = suda(df, quasi, max_size=max_size)
    brute = _brute_msus(df, quasi, max_size)
    assert result.msu_count.tolist() == [len(b) for b in brute]
    assert result.smallest_msu.tolist() == [min((len(m) for m in b), default=0) for b in brute]


def test_suda_limits() -> None:
    wide = pd.DataFrame({f"c{i}": [1, 2] for i in range(30)})
    with pytest.raises(InputError, match="combinations"):
        suda(wide, list(wide.columns), max_size=4)
    with pytest.raises(InputError, match="at least 1"):
        suda(wide, ["c0"], max_size=0)
