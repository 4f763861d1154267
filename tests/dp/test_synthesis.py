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
from veil.dp.synthesis import Synthesizer
from veil.errors import InputError
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
