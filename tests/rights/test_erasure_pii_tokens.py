"""Erasure reaches masked files: an erased subject's tokens (pseudonym, surrogate, encrypt) never
unmask to them again, while everyone else's still do."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil.demo.hospital import Patient, generate_patients, write_csv
from veil.pii.anonymizer import Anonymizer, Unmasker
from veil.pii.config import PiiConfig
from veil.pii.engine import PiiEngine
from veil.pii.entity import Entity
from veil.pii.tables.masking import mask_table, unmask_table
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


# -- item 11: files masked before an erasure never unmask to the erased person -----------------
def _letters(path: Path, people: list[Patient]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "note"])
        for i, p in enumerate(people):
            w.writerow([i, f"Reply to {p.email} or call {p.phone}."])
            # the same address written otherwise (case, spacing): the same person
            w.writerow([i + 100, f"Copy to {p.email.upper()} ."])
    return path


@pytest.mark.parametrize("operator", ["encrypt", "pseudonym", "surrogate"])
def test_a_file_masked_before_an_erasure_never_unmasks_to_the_erased_person(
    ws: Workspace, tmp_path: Path, operator: str
) -> None:
    src = write_csv(tmp_path / "patients.csv", 20)
    gone, kept = list(generate_patients(20))[:2]
    Ingestor(ws).run(src, "patients", "patient_id")
    letters = _letters(tmp_path / "letters.csv", [gone, kept])
    masked, restored = tmp_path / "masked.csv", tmp_path / "restored.csv"
    with PiiEngine(PiiConfig(ner=False)) as engine:  # e-mails and phones by rule: deterministic
        mask_table(letters, masked, Anonymizer(ws, engine, default=operator), text_field="note")
    text = masked.read_text()
    assert gone.email not in text and kept.email not in text
    before = unmask_table(masked, restored, ws).to_dict()
    if operator != "surrogate":  # surrogates are never restored, erasure or not
        assert gone.email in restored.read_text() and before["refused"] == 0

    erase_subject(ws, gone.patient_id)

    run = unmask_table(masked, restored, ws)
    out = restored.read_text()
    for value in (gone.email, gone.email.upper(), gone.phone):
        assert value not in out  # the erased person's values never come back
    if operator != "surrogate":
        assert kept.email in out and kept.email.upper() in out and kept.phone in out  # everyone else's do
    if operator == "encrypt":
        assert run.refused == 3  # the tokens stay, counted as refused (a ciphertext the shred cannot reach)
        assert ws.audit.entries(action="pii.unmask")[-1].details["refused_erased"] == 3
    with ws.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT value_mac FROM pii_erased")).scalars().all()
    # keyed hashes only: no value, no pseudonym, no plain hash of a value
    dump = " ".join(stored)
    assert stored and gone.email not in dump and ws.pseudonymize(gone.patient_id) not in dump
    assert hashlib.sha256(gone.email.encode()).hexdigest() not in stored


def test_a_person_name_masked_with_encrypt_is_refused_after_erasure(ws: Workspace, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "patients.csv", 20)
    gone, kept = list(generate_patients(20))[:2]
    Ingestor(ws).run(src, "patients", "patient_id")
    text = f"{gone.name} met {kept.name}; later {gone.name.upper()} left."
    spans = [(text.index(gone.name), gone.name), (text.index(kept.name), kept.name)]
    spans.append((text.index(gone.name.upper()), gone.name.upper()))
    entities = [Entity(a, a + len(v), "PERSON", 1.0) for a, v in spans]
    masked = Anonymizer(ws, default="encrypt").mask(text, entities).text
    assert Unmasker(ws).unmask(masked).text == text

    erase_subject(ws, gone.patient_id)

    after = Unmasker(ws).unmask(masked)
    assert gone.name not in after.text and gone.name.upper() not in after.text and kept.name in after.text
    assert after.refused == 2 and after.restored["PERSON"] == 1


def test_a_pending_pii_step_already_refuses(ws: Workspace, tmp_path: Path) -> None:
    """The erasure's PII step met a busy store and is pending: unmask refuses already, from the
    hashes prepared before the key was shredded."""
    from veil.errors import BusyError
    from veil.pii.erasure import TokenStoreParticipant
    from veil.rights.erasure import default_participants

    src = write_csv(tmp_path / "patients.csv", 20)
    gone = next(iter(generate_patients(20)))
    Ingestor(ws).run(src, "patients", "patient_id")
    text = f"Write to {gone.email}."
    a = text.index(gone.email)
    masked = Anonymizer(ws, default="encrypt").mask(
        text, [Entity(a, a + len(gone.email), "EMAIL_ADDRESS", 1.0)]
    )

    class Busy(TokenStoreParticipant):
        def forget(self, job: Any) -> dict[str, Any]:
            raise BusyError("the token store is locked")

    registry = default_participants()
    registry.replace(TokenStoreParticipant.name, Busy)
    result = erase_subject(ws, gone.patient_id, participants=registry)
    assert result.status == "pending" and TokenStoreParticipant.name in result.pending
    after = Unmasker(ws).unmask(masked.text)
    assert gone.email not in after.text and after.refused == 1


@pytest.mark.postgres
def test_encrypt_tokens_of_an_erased_subject_are_refused_on_postgresql(
    pg_ws: Workspace, tmp_path: Path
) -> None:
    src = write_csv(tmp_path / "patients.csv", 10)
    gone, kept = list(generate_patients(10))[:2]
    Ingestor(pg_ws).run(src, "patients", "patient_id")
    text = f"{gone.email} and {kept.email}"
    entities = [
        Entity(0, len(gone.email), "EMAIL_ADDRESS", 1.0),
        Entity(text.index(kept.email), len(text), "EMAIL_ADDRESS", 1.0),
    ]
    masked = Anonymizer(pg_ws, default="encrypt").mask(text, entities).text
    erase_subject(pg_ws, gone.patient_id)
    after = Unmasker(pg_ws).unmask(masked)
    assert gone.email not in after.text and kept.email in after.text and after.refused == 1
