"""End-to-end on PostgreSQL: the real ``veil`` command in subprocesses, with the data store
in a fresh PostgreSQL database (``postgres_url`` fixture, ``$VEIL_TEST_POSTGRES_URL``).

Every check reads real output: the CLI's JSON, the released Parquet file, and the
PostgreSQL tables themselves through SQLAlchemy.
"""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from tests.support.veil_cli import VEIL, veil_env
from tests.support.veil_cli import veil as run_veil
from tests.support.veil_cli import veil_json as run_veil_json

from veil.demo.hospital import Patient, generate_patients, write_csv

pytestmark = pytest.mark.postgres

DIRECT_OR_FREE_TEXT = {"patient_id", "name", "email", "phone", "ssn", "notes"}
#: (table, pseudonym column) of every data-store table that holds a subject's rows.
HOLDS_SUBJECT = (("ds_patients", "_pseudonym"), ("subjects", "pseudonym"), ("consent_events", "pseudonym"))


def veil(*args: str, ws: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_veil(*args, ws=ws, check=check, actor="e2e-pg", timeout=180)


def veil_json(*args: str, ws: Path) -> Any:
    return run_veil_json(*args, ws=ws, actor="e2e-pg")


@pytest.fixture
def db(postgres_url: str) -> Iterator[sa.Engine]:
    """A direct connection to the test database, to look at (and tamper with) what Veil wrote."""
    engine = sa.create_engine(postgres_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def pg_workspace(tmp_path: Path, postgres_url: str) -> Path:
    ws = tmp_path / "ws"
    info = veil_json("init", "--database-url", postgres_url, ws=ws)
    assert info["backend"] == "postgresql"
    assert not (ws / "veil.db").exists()  # the data store is the server, not a local file
    assert (ws / "keys" / "keystore.db").exists()  # keys stay apart from the data store
    veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "365", ws=ws)
    return ws


def ingest(ws: Path, src: Path) -> Any:
    return veil_json("ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", ws=ws)


def scalar(engine: sa.Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def test_lifecycle_on_postgres(pg_workspace: Path, db: sa.Engine, tmp_path: Path) -> None:
    ws = pg_workspace
    people = list(generate_patients(200))
    src = write_csv(tmp_path / "patients.csv", 200)

    result = ingest(ws, src)
    assert result["rows"] == 200 and result["subjects"] == 200 and result["new_subjects"] == 200
    cats = {c["name"]: c["category"] for c in result["columns"]}
    assert cats["email"] == cats["ssn"] == cats["name"] == "direct_identifier"
    assert cats["notes"] == "free_text"

    # The rows really are in PostgreSQL, identifiers sealed (bytea), never in plaintext.
    assert scalar(db, "SELECT count(*) FROM ds_patients") == 200
    assert scalar(db, "SELECT count(*) FROM subjects") == 200
    email_type = scalar(
        db,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'ds_patients' AND column_name = 'email'",
    )
    assert email_type == "bytea"
    with db.connect() as conn:
        sealed = [bytes(r[0]) for r in conn.execute(sa.text("SELECT email FROM ds_patients"))]
    assert len(sealed) == 200 and not any(people[0].email.encode() in blob for blob in sealed)

    # Consent: three grants, one withdrawn again.
    granted, withdrawn = people[:3], people[2]
    for p in granted:
        veil("consent", "grant", p.patient_id, "research", "--evidence", "signed form", ws=ws)
    veil("consent", "withdraw", withdrawn.patient_id, "research", ws=ws)
    assert scalar(db, "SELECT count(*) FROM consent_events") == 4

    # Access request: decrypted identity and rows, with the evidence of consent.
    exports = {p.patient_id: veil_json("subject", "export", p.patient_id, ws=ws) for p in people[:4]}
    first = exports[people[0].patient_id]
    assert first["status"] == "active" and first["subject"] == people[0].patient_id
    row = first["datasets"]["patients"][0]
    assert row["email"] == people[0].email
    assert row["ssn"] == people[0].ssn and row["name"] == people[0].name
    assert first["consent_state"] == {"research": True}
    assert first["consent_history"][0]["evidence"] == "signed form"
    assert exports[withdrawn.patient_id]["consent_state"] == {"research": False}
    pseudonym = {pid: e["pseudonym"] for pid, e in exports.items()}

    # Release: only consenting subjects, pseudonyms only, no direct identifier or free text.
    out = tmp_path / "research.parquet"
    rel = veil_json("release", "patients", "--purpose", "research", "--out", str(out), ws=ws)
    assert rel["rows"] == 2 and rel["subjects"] == 2
    table = pq.read_table(out)
    assert table.num_rows == 2
    assert DIRECT_OR_FREE_TEXT.isdisjoint(table.column_names)
    assert set(table.column("pseudonym").to_pylist()) == {pseudonym[p.patient_id] for p in people[:2]}
    assert table.column_names == ["pseudonym", *rel["columns"]]
    dumped = out.read_bytes()
    for p in people[:3]:
        for value in (p.email, p.name, p.ssn, p.patient_id):
            assert value.encode() not in dumped
    # The audit entry of the release commits to exactly the released subjects.
    with db.connect() as conn:
        released_members = {
            r[0]
            for r in conn.execute(
                sa.text("SELECT pseudonym FROM audit_subjects WHERE seq = :seq"), {"seq": rel["audit_seq"]}
            )
        }
    assert released_members == {pseudonym[p.patient_id] for p in people[:2]}
    receipt = veil_json("subject", "export", people[0].patient_id, ws=ws)["usage"]
    assert any(u["action"] == "dataset.release" and u["seq"] == rel["audit_seq"] for u in receipt)

    # Backup before the erasure.
    backup = tmp_path / "before-erasure.db"
    made = veil_json("backup", "create", str(backup), ws=ws)
    assert made["tables"]["ds_patients"] == 200 and made["tables"]["subjects"] == 200

    # Erasure: key destroyed, rows gone from PostgreSQL, export says erased.
    target = people[0]
    erased = veil_json("subject", "erase", target.patient_id, "--yes", ws=ws)
    assert erased["key_destroyed"] is True and erased["rows_deleted"] == {"patients": 1}
    assert erased["consent_events_deleted"] == 1
    gone = veil_json("subject", "export", target.patient_id, ws=ws)
    assert gone["status"] == "erased" and gone["datasets"] == {} and gone["erased_at"]
    p0 = pseudonym[target.patient_id]
    for tbl, col in HOLDS_SUBJECT:
        assert scalar(db, f"SELECT count(*) FROM {tbl} WHERE {col} = :p", p=p0) == 0, tbl

    # Restoring the backup taken before the erasure does not bring the subject back.
    restored = veil_json("backup", "restore", str(backup), "--yes", ws=ws)
    assert restored["erasures_replayed"] == 1 and restored["rows_not_restored"] >= 3
    assert restored["tables"]["ds_patients"] == 199
    assert veil_json("subject", "export", target.patient_id, ws=ws)["status"] == "erased"
    for tbl, col in HOLDS_SUBJECT:
        assert scalar(db, f"SELECT count(*) FROM {tbl} WHERE {col} = :p", p=p0) == 0, tbl
    assert scalar(db, "SELECT count(*) FROM ds_patients") == 199
    other = veil_json("subject", "export", people[1].patient_id, ws=ws)
    assert other["status"] == "active"
    assert other["datasets"]["patients"][0]["email"] == people[1].email
    assert other["consent_state"] == {"research": True}
    # The ledger keeps working after the restore, and a release now holds only subject 1.
    veil("consent", "grant", people[5].patient_id, "research", ws=ws)
    again = tmp_path / "again.parquet"
    veil_json("release", "patients", "--purpose", "research", "--out", str(again), ws=ws)
    released = set(pq.read_table(again).column("pseudonym").to_pylist())
    assert p0 not in released and pseudonym[people[1].patient_id] in released and len(released) == 2
    # Re-ingesting the original file skips the erased subject instead of resurrecting them.
    again_in = ingest(ws, src)
    assert again_in["skipped_erased_rows"] == 1 and again_in["rows"] == 199
    assert veil_json("subject", "export", target.patient_id, ws=ws)["status"] == "erased"

    # The audit log is intact and holds no personal data.
    verified = veil_json("audit", "verify", ws=ws)
    assert verified["ok"] is True and verified["entries"] == scalar(db, "SELECT count(*) FROM audit_log")
    assert veil("audit", "verify", ws=ws).returncode == 0
    with db.connect() as conn:
        log_text = "\n".join(str(tuple(r)) for r in conn.execute(sa.text("SELECT * FROM audit_log")))
    for p in people[:3]:
        assert p.email not in log_text and p.patient_id not in log_text and p.name not in log_text


def test_audit_tampering_in_postgres_is_detected(pg_workspace: Path, db: sa.Engine, tmp_path: Path) -> None:
    ws = pg_workspace
    ingest(ws, write_csv(tmp_path / "p.csv", 20))
    veil("consent", "grant", "P0000001", "research", ws=ws)
    assert veil("audit", "verify", ws=ws).returncode == 0
    assert scalar(db, "SELECT action FROM audit_log WHERE seq = 3") == "dataset.ingest"

    with db.begin() as conn:
        changed = conn.execute(sa.text("UPDATE audit_log SET details = '{}' WHERE seq = 3")).rowcount
    assert changed == 1

    proc = veil("audit", "verify", ws=ws, check=False)
    assert proc.returncode != 0
    assert "entry 3" in proc.stderr and "Traceback" not in proc.stderr
    as_json = veil("audit", "verify", "--json", ws=ws, check=False)
    assert as_json.returncode != 0
    result = json.loads(as_json.stdout)
    assert result["ok"] is False and result["first_bad_seq"] == 3
    assert "entry 3" in result["reason"]
    # Appending more entries does not launder the damage.
    veil("consent", "grant", "P0000002", "research", ws=ws)
    assert json.loads(veil("audit", "verify", "--json", ws=ws, check=False).stdout)["first_bad_seq"] == 3


def test_audit_deletion_in_postgres_is_detected(pg_workspace: Path, db: sa.Engine) -> None:
    ws = pg_workspace
    veil("consent", "grant", "A1", "research", ws=ws)
    veil("consent", "grant", "A2", "research", ws=ws)
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_subjects WHERE seq = (SELECT max(seq) FROM audit_log)"))
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"))
    proc = veil("audit", "verify", "--json", ws=ws, check=False)
    assert proc.returncode != 0
    result = json.loads(proc.stdout)
    assert result["ok"] is False and result["first_bad_seq"] == 4


def test_concurrent_consent_grants_keep_one_chain(pg_workspace: Path, db: sa.Engine) -> None:
    ws = pg_workspace
    before = scalar(db, "SELECT count(*) FROM audit_log")
    # Distinct subjects, and several processes granting for the same subject at once.
    subjects = [f"C{i:03d}" for i in range(6)] + ["SAME"] * 4
    cmds = [[VEIL, "consent", "grant", s, "research", "--json", "--workspace", str(ws)] for s in subjects]
    procs = [
        subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=veil_env("e2e-pg"),
        )
        for cmd in cmds
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        outputs.append((proc.returncode, out, err))
    for code, out, err in outputs:
        assert code == 0, f"exit {code}\nstdout:{out}\nstderr:{err}"
        assert json.loads(out)["action"] == "grant"

    verified = veil_json("audit", "verify", ws=ws)
    assert verified["ok"] is True
    with db.connect() as conn:
        seqs = [int(r[0]) for r in conn.execute(sa.text("SELECT seq FROM audit_log ORDER BY seq"))]
        grants = conn.execute(
            sa.text("SELECT count(*) FROM audit_log WHERE action = 'consent.grant'")
        ).scalar_one()
        head = conn.execute(sa.text("SELECT seq FROM audit_head")).scalar_one()
        events = conn.execute(sa.text("SELECT count(*) FROM consent_events")).scalar_one()
        vault_rows = conn.execute(sa.text("SELECT count(*) FROM subjects")).scalar_one()
    assert len(seqs) == len(set(seqs)) == before + len(subjects)
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no duplicate
    assert verified["entries"] == len(seqs) and head == seqs[-1]
    assert grants == len(subjects) and events == len(subjects)
    assert vault_rows == len(set(subjects))
    same = veil_json("subject", "export", "SAME", ws=ws)
    assert [e["action"] for e in same["consent_history"]] == ["grant"] * 4
    assert same["consent_state"] == {"research": True}


def _with_extra_columns(people: list[Patient], src: Path, dst: Path) -> Path:
    with src.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with dst.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*rows[0], "weight_kg", "contact_email"])
        writer.writeheader()
        for i, row in enumerate(rows[: len(people)]):
            writer.writerow(
                {**row, "weight_kg": f"{60 + i * 0.5}", "contact_email": f"next.of.kin.{i}@example.org"}
            )
    return dst


def test_reingest_adds_typed_columns_on_postgres(pg_workspace: Path, db: sa.Engine, tmp_path: Path) -> None:
    ws = pg_workspace
    people = list(generate_patients(60))
    src = write_csv(tmp_path / "p.csv", 60)
    ingest(ws, src)
    wider = _with_extra_columns(people[:20], src, tmp_path / "wider.csv")
    result = ingest(ws, wider)
    assert result["rows"] == 20 and result["new_subjects"] == 0 and result["replaced_rows"] == 20
    cats = {c["name"]: (c["category"], c["dtype"]) for c in result["columns"]}
    assert cats["contact_email"] == ("direct_identifier", "sealed")
    assert cats["weight_kg"][1] == "float"
    with db.connect() as conn:
        types: dict[str, str] = dict(
            conn.execute(
                sa.text(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = 'ds_patients' AND column_name IN ('weight_kg', 'contact_email')"
                )
            ).all()
        )
    assert types == {"weight_kg": "double precision", "contact_email": "bytea"}
    assert scalar(db, "SELECT count(*) FROM ds_patients") == 60
    assert scalar(db, "SELECT count(*) FROM ds_patients WHERE weight_kg IS NOT NULL") == 20
    export = veil_json("subject", "export", people[3].patient_id, ws=ws)
    row = export["datasets"]["patients"][0]
    assert row["contact_email"] == "next.of.kin.3@example.org" and row["weight_kg"] == pytest.approx(61.5)
    assert row["email"] == people[3].email
    untouched = veil_json("subject", "export", people[40].patient_id, ws=ws)["datasets"]["patients"][0]
    assert untouched["weight_kg"] is None and untouched["contact_email"] is None
    assert veil_json("audit", "verify", ws=ws)["ok"] is True
