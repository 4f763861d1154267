"""Erasure really erases: no byte of the workspace holds the subject afterwards,
and restoring a backup taken before the erasure does not bring them back."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import generate_patients, write_csv
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.vault.backup import create_backup, restore_backup
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.vault.release import Releaser
from veil.workspace import Workspace


def files_containing(root: Path, needle: bytes) -> list[str]:
    return [
        str(p.relative_to(root)) for p in sorted(root.rglob("*")) if p.is_file() and needle in p.read_bytes()
    ]


def test_erased_subject_leaves_no_trace_and_backups_cannot_resurrect(ws: Workspace, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "patients.csv", 200)
    people = list(generate_patients(200))
    names = Counter(p.name for p in people)
    target = next(p for p in people[120:] if names[p.name] == 1)
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(src, "patients", "patient_id")
    ConsentLedger(ws).record(target.patient_id, "research", "grant", evidence="signed")
    Releaser(ws).release("patients", "research", tmp_path / "release.parquet")

    before = export_subject(ws, target.patient_id)
    assert before.status == "active"
    assert before.datasets["patients"][0]["email"] == target.email  # readable before erasure
    ds = DatasetCatalog(ws).get("patients")
    with ws.engine.connect() as conn:
        row_id = conn.execute(
            sa.select(ds.table.c["_row"]).where(ds.table.c["_pseudonym"] == before.pseudonym)
        ).scalar_one()
    # The stored record starts with its row id and pseudonym, side by side: a needle no other
    # record can contain (a row id alone can be a prefix of another row's id + pseudonym).
    row_record = (row_id + before.pseudonym).encode()
    assert files_containing(ws.root, row_record) == ["veil.db"]  # the attribute row is on disk

    backup = tmp_path / "before-erasure.db"
    create_backup(ws, backup)
    copy_of_keys = tmp_path / "keys-before"  # an attacker's copy of the key store, taken before
    shutil.copytree(ws.root / "keys", copy_of_keys)

    result = erase_subject(ws, target.patient_id)
    assert result.key_destroyed and result.rows_deleted == {"patients": 1}

    needles = {
        "email": target.email.encode(),
        "name": target.name.encode(),
        "ssn": target.ssn.encode(),
        "phone": target.phone.encode(),
        "subject id": target.patient_id.encode(),
        "attribute row": row_record,
    }
    for label, needle in needles.items():
        assert files_containing(ws.root, needle) == [], f"{label} still in workspace files"
    assert export_subject(ws, target.patient_id).status == "erased"

    # Restoring the old backup: the subject stays erased and nothing readable comes back.
    restored = restore_backup(ws, backup)
    assert restored.rows_not_restored >= 2  # vault row, dataset row, consent event
    assert export_subject(ws, target.patient_id).status == "erased"
    assert ws.keystore.get(before.pseudonym) is None
    for label, needle in needles.items():
        assert files_containing(ws.root, needle) == [], f"{label} back in workspace files after restore"
    # The backup file itself only ever held sealed identifiers.
    for label in ("email", "name", "ssn", "phone", "subject id"):
        assert needles[label] not in backup.read_bytes(), label
    # Other subjects were restored intact.
    other = export_subject(ws, people[0].patient_id if people[0] is not target else people[1].patient_id)
    assert other.status == "active" and other.datasets["patients"]

    # Even a key store copied before the erasure is not in the workspace any more; the live
    # one has no key for the subject, so the sealed blobs in the backup are noise.
    assert ws.keystore.tombstone(before.pseudonym) is not None
    assert copy_of_keys.exists()
    assert ws.audit.verify().ok
