"""DP synthetic data (MST): fidelity, bounds, contribution bounding, accounting, errors.

The noise comes from OpenDP and cannot be seeded, so these tests check properties that
hold with overwhelming probability (tolerances are many noise standard deviations wide),
never exact values. Runs reuse a few column layouts: mbi compiles one program per model
shape, and a layout seen before runs in a fraction of a second.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pytest

from veil.dp.mst import OTHER_CATEGORY, SynthColumn, SynthResult, synthesize
from veil.dp.mst.measurements import Measurements
from veil.dp.mst.mechanism import bound_contributions
from veil.errors import InputError

STATES = ("CA", "NY", "TX", "WA", "FL")
DIAGNOSES = ("asthma", "cold", "covid", "flu")
# diagnosis depends strongly on state: each state has one dominant diagnosis
DIAGNOSIS_BY_STATE = {
    "CA": [0.7, 0.1, 0.1, 0.1],
    "NY": [0.1, 0.7, 0.1, 0.1],
    "TX": [0.1, 0.1, 0.7, 0.1],
    "WA": [0.1, 0.1, 0.1, 0.7],
    "FL": [0.25, 0.25, 0.25, 0.25],
}
PATIENT_COLUMNS = [
    SynthColumn("age", "numeric", bounds=(0, 100), integer=True),
    SynthColumn("income", "numeric", bounds=(0, 150_000)),
    SynthColumn("state", "categorical"),  # undeclared: discovered privately
    SynthColumn("diagnosis", "categorical", categories=DIAGNOSES),
    SynthColumn("sex", "categorical", categories=("F", "M")),
]
PAIR_COLUMNS = [
    SynthColumn("group", "categorical", categories=("a", "b", "c", "d", "whale")),
    SynthColumn("value", "numeric", bounds=(0, 100)),
]


def patients(n_subjects: int, seed: int = 0) -> pa.Table:
    """1-3 rows per subject; age drives income, state drives diagnosis."""
    rng = np.random.default_rng(seed)
    per_subject = rng.integers(1, 4, n_subjects)
    subject = np.repeat(np.arange(n_subjects), per_subject)
    n = len(subject)
    age = rng.integers(18, 90, n)
    income = np.clip(age * 1500 + rng.normal(0, 10_000, n), 0, None)
    state = rng.choice(STATES, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    diagnosis = np.array([DIAGNOSES[rng.choice(4, p=DIAGNOSIS_BY_STATE[s])] for s in state])
    sex = rng.choice(["F", "M"], n)
    return pa.table(
        {
            "patient": [f"P{i:07d}" for i in subject],
            "age": age,
            "income": income,
            "state": state,
            "diagnosis": diagnosis,
            "sex": sex,
        }
    )


def distribution(table: pa.Table, columns: Sequence[str]) -> dict[tuple[object, ...], float]:
    counts = Counter(zip(*(table.column(c).to_pylist() for c in columns), strict=True))
    return {key: count / table.num_rows for key, count in counts.items()}


def total_variation(a: dict[tuple[object, ...], float], b: dict[tuple[object, ...], float]) -> float:
    return 0.5 * sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in set(a) | set(b))


def banded(table: pa.Table) -> pa.Table:
    """Age in 10-year bands and income in 25k bands (nulls stay null)."""
    age = table.column("age").to_pylist()
    income = table.column("income").to_pylist()
    return pa.table(
        {
            "age_band": [None if v is None else min(int(v) // 10, 9) for v in age],
            "income_band": [None if v is None else min(int(v // 25_000), 5) for v in income],
        }
    )


def numbers(table: pa.Table, column: str) -> npt.NDArray[np.float64]:
    """The column's non-null values as floats."""
    values = np.asarray(table.column(column).to_numpy(zero_copy_only=False), dtype=np.float64)
    return values[~np.isnan(values)]


@pytest.fixture(scope="module")
def real() -> pa.Table:
    return patients(12_000)


@pytest.fixture(scope="module")
def generous(real: pa.Table) -> SynthResult:
    """A synthetic copy at a large budget, shared by the fidelity tests."""
    return synthesize(
        real, "patient", PATIENT_COLUMNS, epsilon=30.0, delta=1e-6, max_rows_per_subject=3, seed=7
    )


# -- fidelity -------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_way_marginals_are_close_at_large_epsilon(real: pa.Table, generous: SynthResult) -> None:
    synthetic = generous.table
    assert synthetic.column_names == [c.name for c in PATIENT_COLUMNS]
    for column in ("state", "diagnosis", "sex"):
        assert total_variation(distribution(real, [column]), distribution(synthetic, [column])) < 0.03, column
    bands = banded(real), banded(synthetic)
    for column in ("age_band", "income_band"):
        assert total_variation(distribution(bands[0], [column]), distribution(bands[1], [column])) < 0.05, (
            column
        )
    assert abs(numbers(synthetic, "age").mean() - numbers(real, "age").mean()) < 2.0
    assert abs(generous.rows - real.num_rows) < 0.02 * real.num_rows  # the noisy row count


@pytest.mark.slow
def test_two_way_marginals_keep_the_correlations(real: pa.Table, generous: SynthResult) -> None:
    synthetic = generous.table
    pair = ["state", "diagnosis"]
    truth = distribution(real, pair)
    independent: dict[tuple[object, ...], float] = {
        (s, d): distribution(real, ["state"])[(s,)] * distribution(real, ["diagnosis"])[(d,)]
        for s in STATES
        for d in DIAGNOSES
    }
    assert total_variation(truth, independent) > 0.25  # the pair is far from independent...
    assert total_variation(truth, distribution(synthetic, pair)) < 0.06  # ...and the copy keeps it

    bands = ["age_band", "income_band"]
    assert total_variation(distribution(banded(real), bands), distribution(banded(synthetic), bands)) < 0.1
    age, income = synthetic.column("age").to_numpy(zero_copy_only=False), synthetic.column("income")
    both = ~(np.isnan(age.astype(float)) | np.isnan(income.to_numpy(zero_copy_only=False)))
    correlation = np.corrcoef(age[both].astype(float), income.to_numpy(zero_copy_only=False)[both])[0, 1]
    assert correlation > 0.75  # real: ~0.93; binning into 16 bins costs a little
    assert ("state", "diagnosis") in generous.marginals
    assert ("age", "income") in generous.marginals


@pytest.mark.slow
def test_the_result_describes_the_release(generous: SynthResult) -> None:
    assert len(generous.marginals) == 2 * len(PATIENT_COLUMNS) - 1  # every 1-way, then a spanning tree
    assert generous.table.num_rows == generous.rows
    summary = json.loads(json.dumps(generous.to_dict()))
    assert summary["epsilon"] == generous.epsilon and summary["delta"] == generous.delta
    assert summary["columns"] == [c.name for c in PATIENT_COLUMNS]
    assert ["age"] in summary["marginals"]
    assert set(summary) == {"epsilon", "delta", "rows", "columns", "marginals"}  # no data


# -- small budgets: still runs, still within the declared domain ------------------------------


@pytest.mark.slow
def test_small_epsilon_respects_bounds_and_categories(real: pa.Table) -> None:
    result = synthesize(real, "patient", PATIENT_COLUMNS, epsilon=0.05, delta=1e-6, max_rows_per_subject=3)
    synthetic = result.table
    assert result.epsilon <= 0.05 and result.delta <= 1e-6
    assert synthetic.schema.field("age").type == pa.int64()
    assert synthetic.schema.field("income").type == pa.float64()
    age, income = numbers(synthetic, "age"), numbers(synthetic, "income")
    assert age.min() >= 0 and age.max() <= 100 and np.all(age == np.round(age))
    assert income.min() >= 0 and income.max() <= 150_000
    assert set(synthetic.column("diagnosis").to_pylist()) <= {*DIAGNOSES, None}
    assert set(synthetic.column("sex").to_pylist()) <= {"F", "M", None}
    assert set(synthetic.column("state").to_pylist()) <= {*STATES, None}  # discovered from the data only
    assert OTHER_CATEGORY not in synthetic.column("state").to_pylist()


def test_values_outside_the_declared_domain_are_clamped_or_null() -> None:
    rng = np.random.default_rng(1)
    n = 4000
    table = pa.table(
        {
            "id": np.arange(n),
            "group": rng.choice(["a", "b", "zzz"], n, p=[0.35, 0.35, 0.3]),  # zzz is not declared
            "value": rng.uniform(-50, 250, n),  # beyond the bounds on both sides
        }
    )
    result = synthesize(table, "id", PAIR_COLUMNS, epsilon=20.0, delta=1e-6, max_rows_per_subject=1, seed=3)
    groups = Counter(result.table.column("group").to_pylist())
    assert "zzz" not in groups and OTHER_CATEGORY not in groups
    assert abs(groups[None] / result.rows - 0.3) < 0.05  # the other cell comes back as null
    values = numbers(result.table, "value")
    assert values.min() >= 0 and values.max() <= 100
    assert (
        np.mean(values > 93.75) > 0.25
    )  # the clamped mass sits in the top bin (half the rows are above 100)


def test_small_integer_ranges_get_one_bin_per_value() -> None:
    rng = np.random.default_rng(2)
    table = pa.table(
        {"id": np.arange(3000), "group": rng.choice(["a", "b"], 3000), "level": rng.integers(0, 4, 3000)}
    )
    columns = [PAIR_COLUMNS[0], SynthColumn("level", "numeric", bounds=(0, 3), integer=True)]
    result = synthesize(table, "id", columns, epsilon=10.0, delta=1e-6, max_rows_per_subject=1, rows=500)
    assert result.rows == result.table.num_rows == 500
    assert set(result.table.column("level").to_pylist()) <= {0, 1, 2, 3, None}
    assert len(set(result.table.column("level").to_pylist()) - {None}) == 4


# -- the privacy unit is the subject -------------------------------------------------------------


def whale_table(whale_rows: int = 5000) -> pa.Table:
    """2,000 subjects with one row each, and one subject with ``whale_rows`` rows."""
    rng = np.random.default_rng(4)
    n = 2000
    return pa.table(
        {
            "subject": [*(f"s{i}" for i in range(n)), *(["whale"] * whale_rows)],
            "group": [*rng.choice(["a", "b", "c", "d"], n), *(["whale"] * whale_rows)],
            "value": [*rng.uniform(0, 50, n), *([100.0] * whale_rows)],
        }
    )


def test_a_subject_with_5000_rows_cannot_dominate() -> None:
    table = whale_table()
    raw_share = 5000 / table.num_rows
    result = synthesize(
        table, "subject", PAIR_COLUMNS, epsilon=10.0, delta=1e-6, max_rows_per_subject=1, seed=5
    )
    groups = Counter(result.table.column("group").to_pylist())
    assert raw_share > 0.7
    assert groups["whale"] / result.rows < 0.01  # one row of 2,001, not 71 %
    assert abs(result.rows - 2001) < 100  # the row count is bounded too
    assert numbers(result.table, "value").mean() < 30  # not pulled towards 100


def test_bounding_keeps_at_most_r_random_rows_per_subject() -> None:
    table = pa.table({"s": ["a"] * 50 + ["b"] * 3 + [None] * 10 + ["c"], "row": list(range(64))})
    kept_rows = []
    for _ in range(20):
        bounded = bound_contributions(table, "s", 5)
        per_subject = Counter(bounded.column("s").to_pylist())
        assert per_subject == {"a": 5, "b": 3, None: 5, "c": 1}
        kept_rows.append(tuple(r for s, r in zip(*bounded.columns, strict=True) if s.as_py() == "a"))
    assert len(set(kept_rows)) > 1  # a random choice, not the first five
    assert bound_contributions(table, "s", 100) is table  # nothing to drop


def test_undeclared_categories_of_a_single_subject_never_appear() -> None:
    rng = np.random.default_rng(6)
    n = 3000
    table = pa.table(
        {
            "subject": [*(f"s{i}" for i in range(n)), *(["whale"] * 5000), *(["loner"] * 4)],
            "label": [*rng.choice(["a", "b", "c"], n), *(["whale-secret"] * 5000), *(["loner-secret"] * 4)],
            "value": rng.uniform(0, 100, n + 5004),
        }
    )
    columns = [SynthColumn("label", "categorical"), PAIR_COLUMNS[1]]
    for bound in (1, 4):
        result = synthesize(table, "subject", columns, epsilon=50.0, delta=1e-6, max_rows_per_subject=bound)
        labels = set(result.table.column("label").to_pylist())
        assert labels.isdisjoint({"whale-secret", "loner-secret", OTHER_CATEGORY})
        assert {"a", "b", "c"} <= labels  # ~1,000 subjects each: well above the threshold


def test_undeclared_categories_need_delta() -> None:
    with pytest.raises(InputError, match="delta"):
        synthesize(
            whale_table(10),
            "subject",
            [SynthColumn("group", "categorical")],
            epsilon=1.0,
            delta=0.0,
            max_rows_per_subject=1,
        )


# -- accounting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epsilon", "delta", "n_columns", "n_undeclared", "bound"),
    [
        (0.01, 1e-6, 6, 0, 1),
        (0.1, 1e-9, 6, 3, 5),
        (1.0, 1e-6, 2, 1, 1),
        (1.0, 1e-6, 1, 1, 10),
        (3.0, 1e-5, 10, 10, 2),
        (10.0, 1e-7, 4, 0, 100),
        (1.0, 0.0, 6, 0, 3),
        (0.5, 0.0, 1, 0, 1),
    ],
)
def test_planned_loss_never_exceeds_the_request(
    epsilon: float, delta: float, n_columns: int, n_undeclared: int, bound: int
) -> None:
    sized = Measurements.build(epsilon, delta, bound, n_columns=n_columns, n_undeclared=n_undeclared)
    spent_epsilon, spent_delta = sized.spent()
    assert spent_epsilon <= epsilon and spent_delta <= delta
    assert spent_epsilon > 0.95 * epsilon  # and the budget is used, not wasted
    assert sized.measure == ("pure" if delta == 0 else "zCDP")
    if n_undeclared:
        assert sized.discover_threshold is not None and sized.discover_threshold > bound


def test_noise_grows_with_the_bound_on_rows_per_subject() -> None:
    scales = [
        Measurements.build(1.0, 1e-6, bound, n_columns=3, n_undeclared=0).oneway_scale for bound in (1, 2, 8)
    ]
    assert scales[1] == pytest.approx(2 * scales[0], rel=1e-3)
    assert scales[2] == pytest.approx(8 * scales[0], rel=1e-3)


def test_pure_dp_when_every_domain_is_declared() -> None:
    result = synthesize(
        whale_table(10), "subject", PAIR_COLUMNS, epsilon=2.0, delta=0.0, max_rows_per_subject=1
    )
    assert result.delta == 0.0
    assert 0.95 * 2.0 < result.epsilon <= 2.0


def test_reported_loss_matches_the_plan() -> None:
    result = synthesize(
        whale_table(10), "subject", PAIR_COLUMNS, epsilon=0.7, delta=1e-7, max_rows_per_subject=2
    )
    assert result.delta == 1e-7 and 0.95 * 0.7 < result.epsilon <= 0.7


# -- reproducibility ------------------------------------------------------------------------------


def test_a_seed_reproduces_the_copy_where_the_noise_permits() -> None:
    # At an enormous budget the OpenDP noise rounds to zero, so only the sampling varies.
    table = whale_table(0)

    def run(seed: int) -> pa.Table:
        result = synthesize(
            table, "subject", PAIR_COLUMNS, epsilon=1e3, delta=1e-6, max_rows_per_subject=1, seed=seed
        )
        return result.table

    first, again, other = run(11), run(11), run(12)
    assert first.equals(again)
    assert not first.equals(other)
    assert total_variation(distribution(first, ["group"]), distribution(other, ["group"])) < 0.01


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"epsilon": 0.0}, "epsilon"),
        ({"epsilon": -1.0}, "epsilon"),
        ({"epsilon": math.nan}, "epsilon"),
        ({"delta": 1.0}, "delta"),
        ({"max_rows_per_subject": 0}, "max_rows_per_subject"),
        ({"rows": 0}, "rows"),
        ({"bins": 1}, "bins"),
        ({"columns": []}, "at least one column"),
        ({"columns": [SynthColumn("value", "numeric")]}, "needs bounds"),
        ({"columns": [SynthColumn("value", "numeric", bounds=(5, 5))]}, "lower < upper"),
        ({"columns": [SynthColumn("value", "numeric", bounds=(0.2, 0.8), integer=True)]}, "no integer"),
        ({"columns": [SynthColumn("group", "numeric", bounds=(0, 1))]}, "declared numeric"),
        ({"columns": [SynthColumn("nope", "categorical", categories=("a",))]}, "not in the dataset"),
        ({"columns": [PAIR_COLUMNS[0], PAIR_COLUMNS[0]]}, "twice"),
        ({"columns": [SynthColumn("subject", "categorical", categories=("a",))]}, "subject column"),
        ({"columns": [SynthColumn("group", "categorical", categories=())]}, "empty"),
        ({"columns": [SynthColumn("group", "categorical", categories=("a", OTHER_CATEGORY))]}, "reserved"),
        ({"subject_column": "who"}, "subject column"),
    ],
)
def test_bad_arguments_are_input_errors(change: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "data": whale_table(10),
        "subject_column": "subject",
        "columns": PAIR_COLUMNS,
        "epsilon": 1.0,
        "delta": 1e-6,
        "max_rows_per_subject": 1,
    } | change
    with pytest.raises(InputError, match=message):
        synthesize(**arguments)  # type: ignore[arg-type]


def test_an_empty_table_is_synthesised_like_any_other() -> None:
    """Whether the real table is empty must not decide whether the release succeeds (that
    would tell, by the outcome alone, that no lawful subject is in it): it is noise only."""
    result = synthesize(
        whale_table(10).slice(0, 0),
        "subject",
        PAIR_COLUMNS,
        epsilon=1.0,
        delta=1e-6,
        max_rows_per_subject=1,
        rows=50,
        iters=50,
    )
    assert result.rows == 50 and result.table.num_rows == 50
