from __future__ import annotations

from pathlib import Path

import pytest

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import write_csv
from veil.dp.budget import BudgetLedger
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

PATIENTS = 60


@pytest.fixture
def clinic(ws: Workspace, tmp_path: Path) -> Workspace:
    """A hospital workspace: patients (sealed identifiers, a sensitive diagnosis), two purposes,
    consents, a privacy budget."""
    PurposeRegistry(ws).add("research", "consent", 1825, "clinical research")
    PurposeRegistry(ws).add("care", "contract", 3650, "treating patients")
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", PATIENTS), "patients", "patient_id")
    for i in range(1, 21):
        ConsentLedger(ws).record(f"P{i:07d}", "research", "grant")
    BudgetLedger(ws).set("patients", epsilon=5.0, delta=1e-6)
    return ws
