from __future__ import annotations

from pathlib import Path

import pytest

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import write_csv
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


@pytest.fixture
def hospital(ws: Workspace, tmp_path: Path) -> Workspace:
    """40 patients (sealed names, e-mails, phones, SSNs, notes; clear quasi-ids and diagnosis)."""
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", 40), "patients", "patient_id")
    for i in range(1, 11):
        ConsentLedger(ws).record(f"P{i:07d}", "research", "grant")
    return ws
