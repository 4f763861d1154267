"""``veil demo``: the whole foundation, end to end, on a generated hospital.

Every step uses the same engines as the CLI. The story: a hospital puts its
patient records under Veil, consent for research is collected from part of the
patients, a researcher gets a purpose-bound extract and asks differentially
private questions against a privacy budget, one patient asks for their
data and then for erasure, an old backup is restored, and the audit log proves
what happened.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import generate_patients, write_csv
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.dp.query import DpQuery
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.vault.backup import create_backup, restore_backup
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

__all__ = ["DemoSummary", "run_demo"]

Say = Callable[[str, str], None]


@dataclass(slots=True)
class DemoSummary:
    workspace: str
    patients: int
    consented: int
    released_rows: int
    released_columns: list[str]
    dp_rows: list[dict[str, Any]]
    dp_epsilon_left: float
    export_rows: int
    export_usage_entries: int
    erased_pseudonym: str
    plaintext_hits_after_erasure: int
    status_after_restore: str
    audit_entries: int
    audit_ok: bool
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def scan_for(root: Path, needles: list[bytes]) -> int:
    """How many of ``needles`` occur anywhere in the bytes of the files under ``root``."""
    found = 0
    blobs = [p.read_bytes() for p in root.rglob("*") if p.is_file()]
    for needle in needles:
        if any(needle in blob for blob in blobs):
            found += 1
    return found


def run_demo(workdir: Path | None = None, patients: int = 3000, say: Say | None = None) -> DemoSummary:
    def note(step: str, text: str) -> None:
        if say:
            say(step, text)

    started = time.perf_counter()
    steps: dict[str, float] = {}
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="veil-demo-")
        workdir = Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = workdir / "incoming"
    data_dir.mkdir(exist_ok=True)

    def lap(name: str, t0: float) -> None:
        steps[name] = round(time.perf_counter() - t0, 3)

    t0 = time.perf_counter()
    source = write_csv(data_dir / "patients.csv", patients)
    people = list(generate_patients(3, seed=7))  # the first patients, for the rights requests
    lap("generate", t0)
    note(
        "data",
        f"generated {patients} fake patients (names, emails, phones, SSNs, DOB, ZIP, "
        "diagnoses, clinical notes) in incoming/patients.csv",
    )

    ws = Workspace.init(workdir / "workspace")
    try:
        purposes = PurposeRegistry(ws)
        purposes.add("treatment", "contract", 3650, "providing care to the patient")
        purposes.add("research", "consent", 1825, "clinical research on anonymised extracts")
        note("purposes", "treatment (contract, 10 years) and research (consent, 5 years)")

        t0 = time.perf_counter()
        ingest = Ingestor(ws).run(source, "patients", "patient_id")
        lap("ingest", t0)
        sealed = [c["name"] for c in ingest.columns if c["dtype"] == "sealed"]
        note(
            "ingest",
            f"{ingest.rows} rows in {ingest.seconds:.2f}s; sealed per patient with AES-256-GCM: "
            f"{', '.join(sealed)}; other columns keyed by pseudonym",
        )

        t0 = time.perf_counter()
        rng = random.Random(11)  # noqa: S311 - reproducible demo, not security
        consent_file = data_dir / "consent.csv"
        consented = 0
        with consent_file.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["subject", "purpose", "action", "timestamp", "evidence"])
            for i in range(patients):
                pid = f"P{i + 1:07d}"
                if i < 3 or rng.random() < 0.6:
                    writer.writerow([pid, "research", "grant", "2025-06-01T09:00:00Z", f"form-{i + 1}"])
                    consented += 1
                    if i >= 3 and rng.random() < 0.05:
                        writer.writerow([pid, "research", "withdraw", "2025-09-01T09:00:00Z", "email"])
                        consented -= 1
        ConsentLedger(ws).import_csv(consent_file)
        lap("consent", t0)
        note("consent", f"{consented} of {patients} patients consent to research (some withdrew later)")

        t0 = time.perf_counter()
        out = workdir / "research_extract.parquet"
        release = Releaser(ws).release("patients", "research", out)
        lap("release", t0)
        released_cols = pq.read_schema(out).names
        note(
            "release",
            f"{release.rows} rows -> {out.name}; columns {', '.join(released_cols)}; "
            f"left out: {', '.join(release.excluded_columns)}",
        )

        t0 = time.perf_counter()
        PolicyStore(ws).update(
            "patients", max_rows_per_subject=1, bounds={"length_of_stay": (0, 60)}, keys={"sex": ("F", "M")}
        )
        BudgetLedger(ws).set("patients", 3.0, 1e-6)
        dp_result = DpQuery(ws).run(
            "SELECT sex, COUNT(*) AS patients, AVG(length_of_stay) AS mean_stay FROM patients GROUP BY sex",
            "patients",
            "research",
            1.0,
        )
        lap("dp_query", t0)
        answers = "; ".join(
            f"{r['sex']}: ~{r['patients']:.0f} patients, mean stay {r['mean_stay']:.1f} days "
            f"(95% CI {r['mean_stay_ci95'][0]:.1f}-{r['mean_stay_ci95'][1]:.1f})"
            for r in dp_result.rows
        )
        note(
            "dp query",
            f"consenting patients by sex, epsilon 1 of a budget of 3: {answers}; "
            f"epsilon left {dp_result.budget_remaining['epsilon']:g}",
        )

        backup = workdir / "backup-before-erasure.db"
        create_backup(ws, backup)

        t0 = time.perf_counter()
        patient = people[0]
        export = export_subject(ws, patient.patient_id)
        lap("access", t0)
        rows = sum(len(v) for v in export.datasets.values())
        note(
            "access",
            f"{patient.patient_id} asked for their data: {rows} row(s) decrypted, consent "
            f"{export.consent_state}, usage receipt lists {len(export.usage)} uses",
        )

        t0 = time.perf_counter()
        erased = erase_subject(ws, patient.patient_id)
        lap("erasure", t0)
        needles = [patient.email.encode(), patient.name.encode(), patient.ssn.encode()]
        hits = scan_for(ws.root, needles)
        note(
            "erasure",
            f"{patient.patient_id} asked to be forgotten: data key destroyed, "
            f"{sum(erased.rows_deleted.values())} row(s) deleted; their email, name and SSN "
            f"found in workspace files: {hits} of 3",
        )

        restore_backup(ws, backup)
        after = export_subject(ws, patient.patient_id)
        note(
            "restore", f"restored the backup taken before the erasure: the patient is still '{after.status}'"
        )

        verify = ws.audit.verify()
        note(
            "audit",
            f"{verify.entries} hash-chained entries, verification {'passed' if verify.ok else 'FAILED'}",
        )
        return DemoSummary(
            workspace=str(ws.root) if tmp is None else "(temporary)",
            patients=patients,
            consented=consented,
            released_rows=release.rows,
            released_columns=released_cols,
            dp_rows=dp_result.rows,
            dp_epsilon_left=dp_result.budget_remaining["epsilon"],
            export_rows=rows,
            export_usage_entries=len(export.usage),
            erased_pseudonym=erased.pseudonym,
            plaintext_hits_after_erasure=hits,
            status_after_restore=after.status,
            audit_entries=verify.entries,
            audit_ok=verify.ok,
            seconds=round(time.perf_counter() - started, 2),
            steps=steps,
        )
    finally:
        ws.close()
        if tmp is not None:
            tmp.cleanup()
