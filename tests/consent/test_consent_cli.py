"""The attack of issue 10 item 6 through the real ``veil`` command: a grant dated 2999 and a
later withdrawal must not leave the subject granted or released."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from veil.demo.hospital import write_csv

VEIL = str(Path(sys.executable).parent / "veil")


def veil(*args: str, ws: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [VEIL, *args, "--workspace", str(ws)],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env={"PATH": str(Path(sys.executable).parent), "VEIL_ACTOR": "consent-cli-test"},
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def veil_json(*args: str, ws: Path) -> Any:
    return json.loads(veil(*args, "--json", ws=ws).stdout)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    veil("init", ws=ws)
    veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "365", ws=ws)
    src = write_csv(tmp_path / "patients.csv", 20)
    veil(
        "ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", "--no-pii-scan", ws=ws
    )
    return ws


def released(ws: Path, out: Path) -> int:
    veil("release", "patients", "--purpose", "research", "--out", str(out), ws=ws)
    return int(pq.read_table(out).num_rows)


@pytest.mark.slow
def test_future_dated_grant_and_later_withdrawal(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    refused = veil(
        "consent", "grant", "P0000001", "research", "--at", "2999-12-31T00:00:00Z", ws=ws, check=False
    )
    assert refused.returncode == 3, refused.stderr  # InputError
    assert "in the future" in refused.stdout + refused.stderr
    assert "P0000001" not in refused.stdout + refused.stderr

    veil("consent", "grant", "P0000001", "research", ws=ws)
    assert released(ws, tmp_path / "a.parquet") == 1
    veil("consent", "withdraw", "P0000001", "research", ws=ws)
    shown = veil_json("consent", "show", "P0000001", ws=ws)
    assert shown["state"] == {"research": False}
    assert [e["seq"] for e in shown["history"]] == sorted(e["seq"] for e in shown["history"])
    assert all(e["recorded_at"] for e in shown["history"])
    assert released(ws, tmp_path / "b.parquet") == 0

    # The same attack through an import fails the whole import.
    csv = tmp_path / "consent.csv"
    csv.write_text(
        "subject,purpose,action,timestamp,evidence\n"
        "P0000002,research,grant,2024-01-01T00:00:00Z,\n"
        "P0000001,research,grant,2999-12-31T00:00:00Z,\n"
    )
    failed = veil("consent", "import", str(csv), "--json", ws=ws, check=False)
    assert failed.returncode == 3
    assert "line 3" in failed.stdout + failed.stderr
    assert veil_json("consent", "show", "P0000002", ws=ws)["history"] == []

    # A historical grant imported after the withdrawal does not bring consent back.
    csv.write_text("subject,purpose,action,timestamp,evidence\nP0000001,research,grant,2024-01-01,paper\n")
    assert veil_json("consent", "import", str(csv), ws=ws)["events"] == 1
    assert veil_json("consent", "show", "P0000001", ws=ws)["state"] == {"research": False}
    assert released(ws, tmp_path / "c.parquet") == 0


def test_help_states_the_order_rule() -> None:
    proc = subprocess.run(
        [VEIL, "consent", "--help"], capture_output=True, text=True, timeout=120, check=True
    )
    text = " ".join(proc.stdout.split())
    assert "recorded after every withdrawal" in text
    assert "max_future_seconds" in text
