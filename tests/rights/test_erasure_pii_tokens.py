"""Erasure reaches the PII token store: an erased subject's pseudonym tokens stop unmasking."""

from __future__ import annotations

from pathlib import Path

from veil.demo.hospital import generate_patients, write_csv
from veil.pii.anonymizer import Anonymizer, Unmasker
from veil.pii.entity import Entity
from veil.rights.erasure import erase_subject
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def test_erasure_forgets_pseudonym_tokens_of_the_subject(ws: Workspace, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "patients.csv", 20)
    gone, kept = list(generate_patients(20))[:2]
    Ingestor(ws).run(src, "patients", "patient_id")
    text = f"Write to {gone.email} or {kept.email}."
    a, b = text.index(gone.email), text.index(kept.email)
    entities = [
        Entity(a, a + len(gone.email), "EMAIL_ADDRESS", 1.0),
        Entity(b, b + len(kept.email), "EMAIL_ADDRESS", 1.0),
    ]
    masked = Anonymizer(ws, default="pseudonym").mask(text, entities).text
    assert gone.email not in masked and kept.email not in masked
    assert Unmasker(ws).unmask(masked).text == text

    erase_subject(ws, gone.patient_id)

    after = Unmasker(ws).unmask(masked)
    assert gone.email not in after.text  # the erased subject's token no longer resolves
    assert kept.email in after.text  # everyone else's still does
    entry = ws.audit.entries(action="subject.erase")[-1]
    assert entry.details["pii_tokens_forgotten"] >= 1
