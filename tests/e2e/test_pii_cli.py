"""End-to-end: ``veil pii detect|mask|unmask|scan`` in a subprocess, on a SQLite workspace."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.support.veil_cli import veil as run_veil
from tests.support.veil_cli import veil_json as run_veil_json

from veil.demo.hospital import generate_patients, write_csv

ACTOR = "e2e-pii"
ROWS = 30


def veil(*args: str, ws: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_veil(*args, ws=ws, check=check, actor=ACTOR)


def veil_json(*args: str, ws: Path) -> Any:
    return run_veil_json(*args, ws=ws, actor=ACTOR)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace for the module: each CLI call costs a process start (and a model load)."""
    ws = tmp_path_factory.mktemp("pii-cli") / "ws"
    veil("init", ws=ws)
    return ws


def test_detect_jsonl_prints_one_object_per_line(workspace: Path, tmp_path: Path) -> None:
    src = tmp_path / "msgs.jsonl"
    texts = [
        "Contact maria.gonzalez@example.com about the invoice.",
        "",
        "Nothing to see here.",
        "Call 212-555-0187 or write to j.smith@example.org.",
    ]
    lines = [json.dumps({"id": i, "text": t}) if t else "" for i, t in enumerate(texts)]
    src.write_text("\n".join(lines) + "\n")
    out = veil("pii", "detect", "--input", str(src), "--json", ws=workspace).stdout.splitlines()
    assert len(out) == len(texts)
    results = [json.loads(line) for line in out]
    assert all(set(r) == {"entities"} for r in results)
    assert results[1] == {"entities": []} and results[2] == {"entities": []}
    found = {texts[0][e["start"] : e["end"]]: e["type"] for e in results[0]["entities"]}
    assert found == {"maria.gonzalez@example.com": "EMAIL_ADDRESS"}
    found = {texts[3][e["start"] : e["end"]]: e["type"] for e in results[3]["entities"]}
    assert found["212-555-0187"] == "PHONE_NUMBER" and found["j.smith@example.org"] == "EMAIL_ADDRESS"
    for e in results[3]["entities"]:
        assert isinstance(e["start"], int) and isinstance(e["score"], float) and 0 < e["score"] <= 1
    human = veil("pii", "detect", "--input", str(src), ws=workspace).stdout
    assert "EMAIL_ADDRESS" in human and "4 documents" in human


def test_mask_unmask_scan_and_audit(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    src = write_csv(tmp_path / "patients.csv", ROWS)
    people = list(generate_patients(ROWS))
    masked = tmp_path / "masked.csv"
    run = veil_json(
        "pii",
        "mask",
        "--input",
        str(src),
        "--output",
        str(masked),
        "--operator",
        "pseudonym",
        "--per-type",
        "US_SSN=encrypt",
        "--per-column",
        "phone=mask",
        ws=ws,
    )
    assert run["rows"] == ROWS and run["kind"] == "csv"
    assert {c["name"] for c in run["columns"]} == {"name", "email", "phone", "ssn", "notes"}
    text = masked.read_text()
    for p in people:
        assert p.email not in text and p.ssn not in text and p.phone not in text
    assert re.search(r"<PERSON_\d+>", text) and "[ENC:US_SSN:" in text
    assert re.search(r",\+\*-\*\*\*-\*\*\*-\d{4},", text)  # the phone column: masked, last 4 kept

    back = tmp_path / "back.csv"
    undone = veil_json("pii", "unmask", "--input", str(masked), "--output", str(back), ws=ws)
    assert undone["restored"]["PERSON"] >= ROWS and undone["unresolved"] == 0
    restored = back.read_text()
    for p in people:  # the phone column was masked (one-way); everything else comes back
        assert p.email in restored and p.ssn in restored and p.name in restored

    scans = {s["name"]: s for s in veil_json("pii", "scan", str(src), "--sample-rows", "20", ws=ws)}
    assert {scans[c]["category"] for c in ("name", "email", "phone", "ssn")} == {"direct_identifier"}
    assert scans["notes"]["category"] == "free_text"

    log = veil("audit", "log", "--json", ws=ws).stdout
    entries = json.loads(log)
    actions = [e["action"] for e in entries]
    assert "pii.mask" in actions and "pii.unmask" in actions
    unmask_entry = next(e for e in entries if e["action"] == "pii.unmask")
    assert unmask_entry["actor"] == "e2e-pii"
    for p in people:
        assert p.email not in log and p.name not in log and p.ssn not in log


def test_bad_options_fail_with_clear_messages(workspace: Path, tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("hello\n")
    proc = veil(
        "pii",
        "unmask",
        "--input",
        str(src),
        "--output",
        str(tmp_path / "b.csv"),
        "--json",
        ws=workspace,
        check=False,
    )
    assert proc.returncode == 3 and json.loads(proc.stdout)["error"] == "input_error"
    proc = veil(
        "pii",
        "mask",
        "--input",
        str(src),
        "--output",
        str(tmp_path / "b.txt"),
        "--operator",
        "shred",
        ws=workspace,
        check=False,
    )
    assert proc.returncode == 2 and "unknown operator 'shred'; use one of redact" in proc.stderr


def test_malformed_per_type_is_refused_before_any_work(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from veil.cli.pii import app
    from veil.errors import ConfigError

    args = ["mask", "--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "b.txt")]
    result = CliRunner().invoke(app, [*args, "--per-type", "PERSON"])
    assert isinstance(result.exception, ConfigError)
    assert "--per-type takes TYPE=OPERATOR, e.g. type=pseudonym" in result.exception.message
    result = CliRunner().invoke(app, [*args, "--per-column", "name=shred"])
    assert (
        isinstance(result.exception, ConfigError) and "unknown operator 'shred'" in result.exception.message
    )
