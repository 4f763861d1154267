"""A small Adult workspace for the ML tests (2,000 rows, DP bounds declared, a budget)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.ml.adult import adult_csv
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

ROWS = 2000
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
    Ingestor(ws).run(adult_csv(tmp_path / "adult.csv", ROWS), "adult", "person_id")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    PolicyStore(ws).update("adult", bounds=BOUNDS)
    BudgetLedger(ws).set("adult", 10.0, 1e-4)
    return ws
