"""End-to-end: the real ``veil`` command in a subprocess, on a SQLite workspace."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.support.veil_cli import VEIL, veil, veil_env, veil_json

from veil.demo.hospital import generate_patients, write_csv


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    info = veil_json("init", ws=ws)
    assert info["backend"] == "sqlite"
    veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "365", ws=ws)
    veil("purpose", "add", "care", "--basis", "contract", "--retention-days", "3650", ws=ws)
    return ws


def test_full_story(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    src = write_csv(tmp_path / "patients.csv", 120)
    people = list(generate_patients(120))
    result = veil_json("ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", ws=ws)
    assert result["rows"] == 120 and result["new_subjects"] == 120
    cats = {c["name"]: c["category"] for c in result["columns"]}
    assert cats["email"] == cats["ssn"] == cats["name"] == "direct_identifier"
    assert cats["notes"] == "free_text"
    assert cats["zip"] == cats["date_of_birth"] == "quasi_identifier"
    assert cats["diagnosis"] == "sensitive"

    # consent: grant to 3, withdraw one, import more
    for p in people[:3]:
        veil("consent", "grant", p.patient_id, "research", "--evidence", "signed form", ws=ws)
    veil("consent", "withdraw", people[2].patient_id, "research", ws=ws)
    consent_csv = tmp_path / "consent.csv"
    consent_csv.write_text(
        "subject,purpose,action,timestamp,evidence\n"
        f"{people[10].patient_id},research,grant,2025-01-01T00:00:00Z,web\n"
        f"{people[11].patient_id},research,grant,2025-01-01T00:00:00Z,web\n"
        f"{people[11].patient_id},research,withdraw,2025-02-01T00:00:00Z,email\n"
    )
    imported = veil_json("consent", "import", str(consent_csv), ws=ws)
    assert imported["events"] == 3
    shown = veil_json("consent", "show", people[2].patient_id, ws=ws)
    assert shown["state"] == {"research": False}
    assert [e["action"] for e in shown["history"]] == ["grant", "withdraw"]

    # release: only consenting subjects, no direct identifiers or free text
    out = tmp_path / "research.parquet"
    rel = veil_json("release", "patients", "--purpose", "research", "--out", str(out), ws=ws)
    table = pq.read_table(out)
    assert rel["subjects"] == 3 and table.num_rows == 3  # people 0, 1 and 10
    assert {"name", "email", "phone", "ssn", "notes", "patient_id"}.isdisjoint(table.column_names)
    released = set(table.column("pseudonym").to_pylist())
    # a contract purpose releases every subject
    all_out = tmp_path / "care.parquet"
    care = veil_json(
        "release", "patients", "--purpose", "care", "--out", str(all_out), "--columns", "zip,sex", ws=ws
    )
    assert care["rows"] == 120 and pq.read_table(all_out).column_names == ["pseudonym", "zip", "sex"]

    # access request: decrypted identity, consent, usage receipt naming the release
    export = veil_json("subject", "export", people[0].patient_id, ws=ws)
    assert export["status"] == "active"
    row = export["datasets"]["patients"][0]
    assert row["email"] == people[0].email and row["ssn"] == people[0].ssn and row["name"] == people[0].name
    assert export["pseudonym"] in released
    actions = [u["action"] for u in export["usage"]]
    assert "dataset.release" in actions and "subject.export" in actions

    # erasure, then export reports erased
    erased = veil_json("subject", "erase", people[0].patient_id, "--yes", ws=ws)
    assert erased["key_destroyed"] is True and erased["rows_deleted"] == {"patients": 1}
    assert veil_json("subject", "export", people[0].patient_id, ws=ws)["status"] == "erased"

    # keys rotate: every remaining data key re-wrapped, data still readable
    rotated = veil_json("keys", "rotate", ws=ws)
    assert rotated["rewrapped"] == 119
    assert (
        veil_json("subject", "export", people[1].patient_id, ws=ws)["datasets"]["patients"][0]["email"]
        == people[1].email
    )

    # audit log intact and free of personal data
    assert veil_json("audit", "verify", ws=ws)["ok"] is True
    log_text = veil("audit", "log", "--json", ws=ws).stdout
    for p in people[:3]:
        assert p.email not in log_text and p.patient_id not in log_text and p.name not in log_text


def test_audit_tamper_detected(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    src = write_csv(tmp_path / "p.csv", 20)
    veil("ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", ws=ws)
    veil("consent", "grant", "P0000001", "research", ws=ws)
    assert veil("audit", "verify", ws=ws).returncode == 0
    db = sqlite3.connect(ws / "veil.db")
    db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    db.commit()
    db.close()
    proc = veil("audit", "verify", ws=ws, check=False)
    assert proc.returncode != 0
    assert "entry 3" in proc.stderr


def test_audit_deletion_detected(workspace: Path) -> None:
    ws = workspace
    veil("consent", "grant", "A1", "research", ws=ws)
    veil("consent", "grant", "A2", "research", ws=ws)
    db = sqlite3.connect(ws / "veil.db")
    db.execute("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
    db.commit()
    db.close()
    result = json.loads(veil("audit", "verify", "--json", ws=ws, check=False).stdout)
    assert result["ok"] is False and result["first_bad_seq"] is not None


def test_errors_are_clear(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    src = write_csv(tmp_path / "p.csv", 5)
    proc = veil("ingest", str(src), "--dataset", "patients", "--subject-column", "nope", ws=ws, check=False)
    assert proc.returncode == 3
    assert "no subject column 'nope'" in proc.stderr and "patient_id" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = veil(
        "ingest",
        str(tmp_path / "missing.csv"),
        "--dataset",
        "x",
        "--subject-column",
        "id",
        "--json",
        ws=ws,
        check=False,
    )
    assert proc.returncode == 3 and json.loads(proc.stdout)["error"] == "input_error"
    proc = veil(
        "release",
        "nothing",
        "--purpose",
        "research",
        "--out",
        str(tmp_path / "o.parquet"),
        ws=ws,
        check=False,
    )
    assert proc.returncode == 4 and "no dataset 'nothing'" in proc.stderr
    proc = veil("status", ws=tmp_path / "not-a-workspace", check=False)
    assert proc.returncode == 2 and "veil init" in proc.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("patient_id,email,age\nP1,a@example.com,40\nP2,b@example.com\n")
    proc = veil("ingest", str(bad), "--dataset", "bad", "--subject-column", "patient_id", ws=ws, check=False)
    assert proc.returncode == 3 and "row 2" in proc.stderr and "b@example.com" not in proc.stderr


def test_retention_and_backup(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    src = write_csv(tmp_path / "p.csv", 30)
    veil("ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", ws=ws)
    dry = veil_json("retention", "enforce", "--dry-run", ws=ws)
    assert dry["expired"] == 0  # the contract purpose covers everyone for 10 years
    later = veil_json("retention", "enforce", "--dry-run", "--as-of", "2099-01-01", ws=ws)
    assert later["expired"] == 30 and later["erased"] == 0
    backup = tmp_path / "backup.db"
    assert veil_json("backup", "create", str(backup), ws=ws)["tables"]["ds_patients"] == 30
    veil("subject", "erase", "P0000005", "--yes", ws=ws)
    restored = veil_json("backup", "restore", str(backup), "--yes", ws=ws)
    assert restored["rows_not_restored"] >= 1
    assert veil_json("subject", "export", "P0000005", ws=ws)["status"] == "erased"
    assert veil_json("subject", "export", "P0000006", ws=ws)["status"] == "active"
    done = veil_json("retention", "enforce", "--as-of", "2099-01-01", ws=ws)
    assert done["erased"] == 29
    status = veil_json("status", ws=ws)
    assert status["subjects"] == 0 and status["erased_subjects"] == 30
    assert veil_json("audit", "verify", ws=ws)["ok"] is True


def test_demo_runs_fast() -> None:
    proc = veil("demo", "--json")
    summary = json.loads(proc.stdout)
    assert summary["audit_ok"] is True
    assert summary["plaintext_hits_after_erasure"] == 0
    assert summary["status_after_restore"] == "erased"
    assert summary["released_rows"] == summary["consented"]
    assert summary["seconds"] < 30


# -- what a new user meets ----------------------------------------------------------------------


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or veil_env(),
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_python_dash_m_veil_and_version(tmp_path: Path) -> None:
    import veil as package

    proc = _run(sys.executable, "-m", "veil", "--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == f"veil {package.__version__}\n"
    proc = _run(VEIL, "--json", "--version", cwd=tmp_path)
    assert json.loads(proc.stdout) == {"version": package.__version__}
    proc = _run(sys.executable, "-m", "veil", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "status" in proc.stdout


def test_shell_completion(tmp_path: Path) -> None:
    script = _run(VEIL, "--show-completion", "bash", cwd=tmp_path)
    assert script.returncode == 0 and "_VEIL_COMPLETE=complete_bash" in script.stdout
    env = {**veil_env(), "_VEIL_COMPLETE": "complete_bash", "COMP_WORDS": "veil dataset s", "COMP_CWORD": "2"}
    words = _run(VEIL, cwd=tmp_path, env=env).stdout.split()
    assert words == ["show", "set"] or sorted(words) == ["set", "show"]
    env = {
        **veil_env(),
        "_VEIL_COMPLETE": "complete_bash",
        "COMP_WORDS": "veil --json sta",
        "COMP_CWORD": "2",
    }
    assert _run(VEIL, cwd=tmp_path, env=env).stdout.split() == ["status"]


def test_workspace_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "notebooks" / "deep").mkdir(parents=True)
    env = {k: v for k, v in veil_env().items() if k != "VEIL_HOME"}
    assert _run(VEIL, "init", cwd=project, env=env).returncode == 0
    status = json.loads(_run(VEIL, "status", "--json", cwd=project / "notebooks" / "deep", env=env).stdout)
    assert status["workspace"] == str((project / ".veil").resolve())
    assert status["found_by"] == "search"
    people = _run(VEIL, "status", cwd=project / "notebooks", env=env).stdout
    assert "found by searching up from" in people
    # $VEIL_HOME and --workspace still win
    other = tmp_path / "other"
    assert _run(VEIL, "init", "--workspace", str(other), cwd=tmp_path, env=env).returncode == 0
    home = json.loads(
        _run(VEIL, "--json", "status", cwd=project, env={**env, "VEIL_HOME": str(other)}).stdout
    )
    assert home["workspace"] == str(other.resolve()) and home["found_by"] == "env"
    named = json.loads(_run(VEIL, "--json", "-w", str(other), "status", cwd=project, env=env).stdout)
    assert named["found_by"] == "option"
    # nowhere: a clear error naming veil init
    lost = _run(VEIL, "status", cwd=tmp_path, env=env)
    assert lost.returncode == 2 and "veil init" in lost.stderr and "or any directory above" in lost.stderr


def test_global_options_before_the_command(workspace: Path) -> None:
    before = veil("--json", "--workspace", str(workspace), "status").stdout
    after = veil("status", "--json", ws=workspace).stdout
    assert json.loads(before) == json.loads(after)
    proc = veil("--json", "--workspace", str(workspace), "dataset", "show", "nothing", check=False)
    assert proc.returncode == 4 and json.loads(proc.stdout)["error"] == "not_found"


def test_did_you_mean_for_datasets_and_purposes(workspace: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "p.csv", 5)
    veil("ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", ws=workspace)
    proc = veil(
        "release",
        "patient",
        "--purpose",
        "research",
        "--out",
        str(tmp_path / "o.parquet"),
        ws=workspace,
        check=False,
    )
    assert proc.returncode == 4 and "Did you mean 'patients'?" in proc.stderr
    proc = veil("consent", "grant", "P0000001", "reserch", ws=workspace, check=False)
    assert proc.returncode == 4 and "Did you mean 'research'?" in proc.stderr
    assert "P0000001" not in proc.stderr  # names of datasets and purposes only, never a subject


def test_semicolon_csv_just_works(workspace: Path, tmp_path: Path) -> None:
    """A European spreadsheet export: ';' between fields, decimal commas, quoted text."""
    people = list(generate_patients(40))
    src = tmp_path / "export.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["patient_id", "email", "weight_kg", "notes"])
        for i, p in enumerate(people):
            writer.writerow([p.patient_id, p.email, f"{60 + i},5", p.notes])
    result = veil_json("ingest", str(src), "--dataset", "eu", "--subject-column", "patient_id", ws=workspace)
    cats = {c["name"]: c["category"] for c in result["columns"]}
    assert result["rows"] == 40 and set(cats) == {"email", "weight_kg", "notes"}
    assert cats["email"] == "direct_identifier" and cats["notes"] == "free_text"
    export = veil_json("subject", "export", people[3].patient_id, ws=workspace)
    assert export["datasets"]["eu"][0]["weight_kg"] == "63,5"
    # an explicit delimiter that is wrong gives one column, so the subject column is missing
    proc = veil(
        "ingest", str(src), "--dataset", "eu2", "--subject-column", "patient_id", "--delimiter", "|",
        ws=workspace, check=False,
    )  # fmt: skip
    assert proc.returncode == 3 and "no subject column" in proc.stderr

    scan = veil_json("pii", "scan", str(src), ws=workspace)
    assert {s["name"]: s["category"] for s in scan}["email"] == "direct_identifier"
    masked = tmp_path / "masked.csv"
    veil("pii", "mask", "--input", str(src), "--output", str(masked), ws=workspace)
    text = masked.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "patient_id;email;weight_kg;notes"  # the input's delimiter kept
    assert people[3].email not in text
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert len(rows) == 41 and all(len(r) == 4 for r in rows)


def test_demo_data_writes_the_readme_sample_files(tmp_path: Path) -> None:
    from veil.demo.samples import sample_names

    out = json.loads(veil("demo", "--data", str(tmp_path / "a"), "--json").stdout)
    assert [f["name"] for f in out["files"]] == sample_names()
    again = tmp_path / "b"
    veil("demo", "--data", str(again))
    for name in sample_names():  # the same bytes every time: the README's outputs are stable
        assert (tmp_path / "a" / name).read_bytes() == (again / name).read_bytes(), name
        assert (again / name).stat().st_mode & 0o077 == 0  # fake, but shaped like personal data
    rows = {f["name"]: f["rows"] for f in out["files"]}
    assert rows["patients.csv"] == 3000 and rows["adult.csv"] == sum(
        rows[f"adult-site{s}.csv"] for s in "ABC"
    )
    with (again / "customers.csv").open(encoding="utf-8") as fh:
        assert fh.readline().count(";") == 8  # the ';' export whose delimiter ingest detects
    # never over a user's own files
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "patients.csv").write_text("my,own\n1,2\n")
    proc = veil("demo", "--data", str(mine), check=False)
    assert proc.returncode == 5 and "--force" in proc.stderr
    assert (mine / "patients.csv").read_text() == "my,own\n1,2\n"
    veil("demo", "--data", str(mine), "--force")
    assert (mine / "patients.csv").read_bytes() == (again / "patients.csv").read_bytes()
