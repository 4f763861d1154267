"""``Synthesizer`` / ``veil synth``: purpose-bound input, budget charge, Parquet output."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dp.factory import STATES, write_people
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetExceededError, BudgetLedger
from veil.dp.policy import PolicyStore
from veil.dp.synthesis import SynthesisFailedError, Synthesizer
from veil.errors import ConfigError, InputError
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


@pytest.fixture
def people(ws: Workspace, tmp_path: Path) -> Workspace:
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(write_people(tmp_path / "people.csv", 600), "people", "person_id")
    ledger = ConsentLedger(ws)
    for i in range(0, 600, 2):  # half consent
        ledger.record(f"P{i:07d}", "research", "grant")
    PolicyStore(ws).update(
        "people",
        max_rows_per_subject=2,
        bounds={"income": (0, 250_000), "age": (18, 90), "visits": (0, 12)},
        keys={"state": STATES},
    )
    BudgetLedger(ws).set("people", 10.0, 1e-5)
    return ws


@pytest.mark.slow
def test_synthetic_copy_is_written_charged_and_audited(people: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "synthetic.parquet"
    result = Synthesizer(people).run("people", "research", 4.0, out, seed=1)
    table = pq.read_table(out)
    assert table.column_names == ["state", "age", "income", "visits"]  # never the name, never the id
    assert result.rows == table.num_rows and 300 <= table.num_rows <= 1300
    states = set(table.column("state").drop_null().to_pylist())
    assert states <= set(STATES)
    ages = table.column("age").drop_null().to_pylist()
    assert all(18 <= a <= 90 for a in ages)
    budget = BudgetLedger(people).show("people")
    assert budget.epsilon_spent == pytest.approx(4.0) and budget.charges == 1
    assert BudgetLedger(people).history("people")[0]["kind"] == "synth"
    entry = next(e for e in people.audit.entries() if e.seq == result.audit_seq)
    assert entry.action == "dp.synth" and entry.purpose == "research"


def test_refused_over_budget_before_reading(people: Workspace, tmp_path: Path) -> None:
    with pytest.raises(BudgetExceededError):
        Synthesizer(people).run("people", "research", 11.0, tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()
    assert BudgetLedger(people).show("people").charges == 0


def test_needs_bounds_and_delta_for_undeclared_categories(people: Workspace, tmp_path: Path) -> None:
    PolicyStore(people).update("people", drop_keys=["state"])
    with pytest.raises(InputError, match="--delta"):
        Synthesizer(people).run("people", "research", 1.0, tmp_path / "x.parquet")
    with pytest.raises(InputError, match="Parquet"):
        Synthesizer(people).run("people", "research", 1.0, tmp_path / "x.csv")
    assert BudgetLedger(people).show("people").charges == 0


# -- issue 10, item 12: check everything data-free before charging; say so after ----------


def _charges(ws: Workspace) -> int:
    return BudgetLedger(ws).show("people").charges


def test_a_missing_optional_dependency_fails_before_the_charge(
    people: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from veil.dp.mst import measurements

    measurements.mbi_module.cache_clear()
    monkeypatch.setitem(sys.modules, "mbi", None)  # `import mbi` raises ImportError, as if not installed
    try:
        with pytest.raises(ConfigError, match=r"veil\[synth\]"):
            Synthesizer(people).run(
                "people", "research", 1.0, tmp_path / "x.parquet", columns=["state", "age"]
            )
    finally:
        measurements.mbi_module.cache_clear()
    assert _charges(people) == 0 and not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rows": 0}, "rows must be a positive integer"),
        ({"out": Path("/nonexistent-dir/x.parquet")}, "cannot write there"),
        ({"columns": ["income"], "bounds": {}}, "needs bounds"),
        ({"epsilon": float("nan")}, "epsilon"),
        ({"delta": 1.0}, "delta"),
    ],
)
def test_what_can_fail_without_the_data_fails_uncharged(
    people: Workspace, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    if "bounds" in change:
        policy = PolicyStore(people).get("people")
        from dataclasses import replace

        from veil.dp.policy import DpPolicy

        stripped: DpPolicy = replace(policy, bounds={})
        with people.transaction() as conn:
            from veil.schema import dp_policies

            conn.execute(dp_policies.update().values(policy=stripped.to_json()))
    kwargs: dict[str, object] = {"delta": 1e-6, "columns": ["state", "age"]} | {
        k: v for k, v in change.items() if k in ("delta", "columns", "rows")
    }
    with pytest.raises(InputError, match=message):
        Synthesizer(people).run(
            "people",
            "research",
            change.get("epsilon", 1.0),  # type: ignore[arg-type]
            change.get("out", tmp_path / "x.parquet"),  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )
    assert _charges(people) == 0


def test_a_column_that_comes_out_empty_is_a_charged_failure_that_says_so(
    ws: Workspace, tmp_path: Path
) -> None:
    """Private selection keeps no value of a column whose every value is unique: that column
    of the synthetic table is 100% empty. That is a failure (nothing written), not a success."""
    import pyarrow as pa

    from veil.vault.category import ColumnCategory
    from veil.vault.schema_file import SchemaFile

    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"pid": [f"S{k}" for k in range(300)], "code": [f"c{k}" for k in range(300)],
                             "sex": ["F", "M"] * 150}), path)  # fmt: skip
    schema = SchemaFile(columns={"code": ColumnCategory.SENSITIVE, "sex": ColumnCategory.QUASI_IDENTIFIER})
    Ingestor(ws).run(path, "people", "pid", schema=schema)
    PolicyStore(ws).update("people", keys={"sex": ("F", "M")})
    BudgetLedger(ws).set("people", 10.0, 1e-5)
    out = tmp_path / "synthetic.parquet"
    with pytest.raises(SynthesisFailedError) as info:
        Synthesizer(ws).run("people", "research", 2.0, out, delta=1e-6, seed=1)
    assert info.value.code == "synth_failed"
    assert "budget was charged (epsilon=2" in info.value.message and "code" in info.value.message
    assert "entirely empty" in info.value.message
    assert not out.exists()
    assert BudgetLedger(ws).show("people").charges == 1  # the charge stands


def test_an_unexpected_failure_after_the_charge_keeps_it_and_reports_no_cause(
    people: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from veil.dp import synthesis

    def boom(*args: object, **kwargs: object) -> object:
        raise ValueError("a value from row 17: 'P0000017'")

    monkeypatch.setattr(synthesis, "synthesize", boom)
    with pytest.raises(SynthesisFailedError) as info:
        Synthesizer(people).run("people", "research", 1.0, tmp_path / "x.parquet", columns=["state", "age"])
    assert "charged" in info.value.message and "not reported" in info.value.message
    assert "P0000017" not in info.value.message
    assert _charges(people) == 1 and not (tmp_path / "x.parquet").exists()
