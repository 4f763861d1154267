"""End-to-end: `veil ingest` seals a column whose identifiers come late; `veil dataset show` says why."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.support.veil_cli import veil, veil_json


def test_late_identifiers_are_sealed_and_explained(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    veil_json("init", ws=ws)
    veil("purpose", "add", "care", "--basis", "contract", "--retention-days", "3650", ws=ws)
    src = tmp_path / "people.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["pid", "contact", "phone_verified", "grade"])
        for i in range(1, 3001):
            contact = f"person{i}@mail.example" if i > 1500 else "pending"
            writer.writerow([f"P{i}", contact, "YN"[i % 2], f"A{1 + i % 5}"])
    result = veil_json(
        "ingest", str(src), "--dataset", "people", "--subject-column", "pid", "--batch-rows", "500", ws=ws
    )
    columns = {c["name"]: c for c in result["columns"]}
    assert (columns["contact"]["category"], columns["contact"]["dtype"]) == ("direct_identifier", "sealed")
    assert columns["contact"]["evidence"]["detectors"] == {"email": 500}
    assert columns["phone_verified"]["dtype"] == "text" and columns["grade"]["dtype"] == "text"

    shown = veil_json("dataset", "show", "people", ws=ws)
    contact = next(c for c in shown["columns"] if c["name"] == "contact")
    assert contact["why"] == "holds 500 e-mail addresses (batch 4, first at row 1501)"
    text = veil("dataset", "show", "people", ws=ws).stdout
    assert "holds 500 e-mail addresses" in text and "yes/no flags" in text
    assert "mail.example" not in text and "person" not in text

    out = tmp_path / "care.parquet"
    released = veil_json("release", "people", "--purpose", "care", "--out", str(out), ws=ws)
    assert "contact" not in released["columns"] and released["rows"] == 3000
    for path in [out, *ws.rglob("*")]:
        if path.is_file():
            assert b"mail.example" not in path.read_bytes(), path
