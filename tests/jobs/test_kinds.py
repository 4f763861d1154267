"""The built-in kinds run their library functions through the runner: synthesis and training
(charged to the budget, as ``veil synth`` / ``veil train``), and what a kill leaves of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.support.adult import ADULT_KEYS, adult_csv

from veil import clock
from veil.consent.purpose import PurposeRegistry
from veil.database import writer
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.jobs import JobQueue, JobState, Runner
from veil.jobs.kinds.ingest import ingest_file
from veil.ml.registry import ModelRegistry
from veil.schema import jobs
from veil.workspace import Workspace

BOUNDS = {
    "age": (17.0, 90.0),
    "fnlwgt": (0.0, 1.5e6),
    "education_num": (1.0, 16.0),
    "capital_gain": (0.0, 1e5),
    "capital_loss": (0.0, 5000.0),
    "hours_per_week": (1.0, 99.0),
}


@pytest.fixture
def adult_ws(ws: Workspace, tmp_path: Path) -> Workspace:
    ingest_file(ws, adult_csv(tmp_path / "adult.csv", 2000), "adult", "person_id", pii_scan=False)
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    PolicyStore(ws).update("adult", bounds=BOUNDS, keys={k: tuple(v) for k, v in ADULT_KEYS.items()})
    BudgetLedger(ws).set("adult", 10.0, 1e-4)
    return ws


@pytest.mark.slow
def test_synthesis_job_writes_the_file_and_charges_the_budget(adult_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "synthetic.parquet"
    queue = JobQueue(adult_ws)
    rec = queue.submit(
        "synthesis",
        {
            "dataset": "adult",
            "purpose": "research",
            "epsilon": 2.0,
            "out": str(out),
            "columns": ["sex", "age"],
        },
        "analyst-1",
    )
    Runner(adult_ws).run_pending()
    done = queue.get(rec.id)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert done.result is not None and done.result["epsilon_spent"] == 2.0 and done.result["rows"] > 0
    assert out.is_file()
    assert BudgetLedger(adult_ws).show("adult").epsilon_spent == pytest.approx(2.0)
    # Over the budget: the job fails with the library's code, nothing charged.
    over = queue.submit(
        "synthesis", {"dataset": "adult", "purpose": "research", "epsilon": 9.0, "out": str(out)}, "analyst-1"
    )
    Runner(adult_ws).run_pending()
    failed = queue.get(over.id)
    assert (failed.state, failed.error_code) == (JobState.FAILED, "budget_exceeded")
    assert BudgetLedger(adult_ws).show("adult").epsilon_spent == pytest.approx(2.0)


@pytest.mark.slow
def test_training_job_registers_the_model(adult_ws: Workspace) -> None:
    queue = JobQueue(adult_ws)
    params = {
        "dataset": "adult",
        "purpose": "research",
        "target": "income",
        "epsilon": 3.0,
        "delta": 1e-5,
        "epochs": 2,
        "name": "m1",
        "seed": 1,
    }
    rec = queue.submit("training", params, "steward-1")
    Runner(adult_ws).run_pending()
    done = queue.get(rec.id)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert ModelRegistry(adult_ws).names() == ["m1"]
    assert json.dumps(done.result)  # JSON-able
    assert BudgetLedger(adult_ws).show("adult").epsilon_spent == pytest.approx(3.0)


def _interrupt(ws: Workspace, job_id: str, started: str) -> None:
    with writer(ws.engine).begin() as conn:
        conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id)
            .values(state="running", worker="gone.example:1", started_at=started, heartbeat_at=started)
        )


@pytest.mark.slow
def test_an_interrupted_synthesis_says_whether_it_was_charged(adult_ws: Workspace, tmp_path: Path) -> None:
    queue = JobQueue(adult_ws)
    params = {"dataset": "adult", "purpose": "research", "epsilon": 1.0, "out": str(tmp_path / "s.parquet")}
    before = queue.submit("synthesis", params, "a")
    _interrupt(adult_ws, before.id, clock.now_iso())
    assert queue.recover(stale_after_s=0) == [before.id]
    assert queue.get(before.id).error_message == (
        "interrupted by a server restart before the privacy budget was charged; nothing of it was applied"
    )
    # A charge recorded after the job started: the message says it stands.
    after = queue.submit("synthesis", params, "a")
    _interrupt(adult_ws, after.id, clock.now_iso())
    BudgetLedger(adult_ws).charge("adult", 0.5, 0.0, kind="synth", purpose="research", details={})
    queue.recover(stale_after_s=0)
    message = queue.get(after.id).error_message or ""
    assert "after the privacy budget was charged (audit entry" in message and "no file was written" in message
    with adult_ws.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(jobs).where(jobs.c.state == "running")
            ).scalar()
            == 0
        )
