"""End-to-end, through the real ``veil`` command: the backup and audit-anchor attacks of
issue 10 (items 4, 5, 7) and the restore confirmation / ``backup show`` of the walkthrough."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from tests.support.veil_cli import VEIL, veil, veil_env, veil_json

from veil.demo.hospital import write_csv


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with 1,999 subjects (the size of the issue's report), built once."""
    base = tmp_path_factory.mktemp("hospital")
    ws = base / "ws"
    veil("init", ws=ws)
    src = write_csv(base / "patients.csv", 1999)
    veil("ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", ws=ws)
    return ws


@pytest.fixture
def ws(hospital: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(hospital, copy)
    return copy


def sql(path: Path, statement: str) -> None:
    db = sqlite3.connect(path)
    db.execute(statement)
    db.commit()
    db.close()


def test_deleting_the_anchor_and_cutting_the_log_is_reported(ws: Path) -> None:
    """The issue's attack: it made `veil audit verify` say "intact: 0 entries"."""
    assert veil_json("audit", "verify", ws=ws)["ok"] is True
    sql(ws / "keys" / "keystore.db", "DELETE FROM audit_anchor")
    for table in ("audit_subjects", "audit_log", "audit_head"):
        sql(ws / "veil.db", f"DELETE FROM {table}")
    proc = veil("audit", "verify", ws=ws, check=False)
    assert proc.returncode == 9
    assert "anchor is missing" in proc.stderr and "intact" not in proc.stdout
    result = json.loads(veil("audit", "verify", "--json", ws=ws, check=False).stdout)
    assert result["ok"] is False and result["entries"] == 0


def test_rewinding_the_anchor_and_cutting_the_log_is_reported(ws: Path) -> None:
    """Anchor moved back to entry 1 (its real hash), log cut there, head fixed to match."""
    db = sqlite3.connect(ws / "veil.db")
    (h1,) = db.execute("SELECT hash FROM audit_log WHERE seq = 1").fetchone()
    db.close()
    sql(ws / "keys" / "keystore.db", f"UPDATE audit_anchor SET seq = 1, hash = '{h1}'")
    sql(ws / "veil.db", "DELETE FROM audit_log WHERE seq > 1")
    sql(ws / "veil.db", f"UPDATE audit_head SET seq = 1, hash = '{h1}'")
    proc = veil("audit", "verify", ws=ws, check=False)
    assert proc.returncode == 9 and "failed authentication" in proc.stderr


def test_dropping_the_anchor_table_is_a_verdict_not_a_crash(ws: Path) -> None:
    sql(ws / "keys" / "keystore.db", "DROP TABLE audit_anchor")
    proc = veil("audit", "verify", ws=ws, check=False)
    assert proc.returncode == 9 and "audit_anchor table is missing" in proc.stderr
    assert "Traceback" not in proc.stderr and "internal" not in proc.stderr.lower()
    veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "30", ws=ws)  # still works


def test_dropping_the_log_is_a_verdict_and_writes_refuse(ws: Path) -> None:
    sql(ws / "veil.db", "DROP TABLE audit_log")
    proc = veil("audit", "verify", ws=ws, check=False)
    assert proc.returncode == 9 and "audit_log is missing" in proc.stderr
    proc = veil(
        "purpose", "add", "research", "--basis", "consent", "--retention-days", "30", ws=ws, check=False
    )
    assert proc.returncode == 9 and "nothing can be recorded" in proc.stderr


def test_backup_onto_the_workspace_is_refused(ws: Path) -> None:
    before = {p: (ws / p).read_bytes() for p in ("veil.db", "keys/keystore.db")}
    for target in (ws / "veil.db", ws / "keys" / "keystore.db", ws / "keys" / ".." / "veil.db"):
        proc = veil("backup", "create", str(target), ws=ws, check=False)
        assert proc.returncode == 10 and "refusing to write a backup" in proc.stderr
    assert {p: (ws / p).read_bytes() for p in before} == before
    assert veil_json("audit", "verify", ws=ws)["ok"] is True


def test_backup_show_restore_and_confirmation(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.vbk"
    made = veil_json("backup", "create", str(out), ws=ws)
    assert made["tables"]["subjects"] == 1999 and oct(out.stat().st_mode & 0o777) == "0o600"
    # A stolen file alone: header only, no personal data.
    header = json.loads(veil("backup", "show", str(out), "--json").stdout)
    assert header["encrypted"] is True and "tables" not in header
    table = veil("backup", "show", str(out)).stdout
    assert "veil-data-backup/2" in table and "AES-256-GCM" in table
    full = veil_json("backup", "show", str(out), ws=ws)
    assert full["verified"] is True and full["tables"]["ds_patients"] == 1999
    assert "ds_patients" in veil("backup", "show", str(out), ws=ws).stdout

    veil("subject", "erase", "P0000001", "--yes", ws=ws)
    # No terminal and no --yes: refused, nothing changed.
    proc = veil("backup", "restore", str(out), ws=ws, check=False)
    assert proc.returncode == 3 and "--yes" in proc.stderr
    assert veil_json("status", ws=ws)["subjects"] == 1998
    # At a terminal: "n" keeps everything, "y" restores.
    answered_no = at_terminal([VEIL, "backup", "restore", str(out), "--workspace", str(ws)], "n")
    assert "Nothing was restored" in answered_no
    answered_yes = at_terminal([VEIL, "backup", "restore", str(out), "--workspace", str(ws)], "y")
    assert "Restored" in answered_yes and "1 erasures replayed" in answered_yes
    restored = veil_json("backup", "restore", str(out), "--yes", ws=ws)
    assert restored["tables"]["ds_patients"] == 1998 and restored["erasures_replayed"] == 1
    assert veil_json("subject", "export", "P0000001", ws=ws)["status"] == "erased"
    assert veil_json("audit", "verify", ws=ws)["ok"] is True


def at_terminal(cmd: list[str], answer: str, timeout: float = 120) -> str:
    """Run ``cmd`` with a pseudo-terminal as stdin/stdout/stderr, answer its question, return its output."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        cmd, stdin=follower, stdout=follower, stderr=follower, env=veil_env(), close_fds=True
    )
    os.close(follower)
    output = b""
    answered = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
                if not answered and b"[y/N]" in output:
                    os.write(leader, answer.encode() + b"\n")
                    answered = True
            elif proc.poll() is not None:
                break
        proc.wait(timeout=30)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    assert answered, output.decode(errors="replace")
    return output.decode(errors="replace")
