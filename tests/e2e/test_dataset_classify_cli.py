"""End-to-end: `veil dataset classify` overrides a stored column's category (the API's library call)."""

from __future__ import annotations

from pathlib import Path

from tests.support.veil_cli import veil, veil_json

from veil.demo.hospital import write_csv


def test_classify_overrides_and_refuses_unsealing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    veil_json("init", ws=ws)
    src = write_csv(tmp_path / "patients.csv", 30)
    veil(
        "ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id", "--no-pii-scan", ws=ws
    )
    change = veil_json("dataset", "classify", "patients", "zip", "sensitive", "--reason", "ticket 7", ws=ws)
    assert (change["previous"], change["column"]["category"]) == ("quasi_identifier", "sensitive")
    shown = veil_json("dataset", "show", "patients", ws=ws)
    zip_col = next(c for c in shown["columns"] if c["name"] == "zip")
    assert zip_col["category"] == "sensitive" and zip_col["evidence"]["source"] == "override"
    listed = veil_json("dataset", "list", ws=ws)
    assert [(d["name"], d["rows"]) for d in listed] == [("patients", 30)]
    refused = veil("dataset", "classify", "patients", "email", "other", ws=ws, check=False)
    assert refused.returncode != 0 and "sealed" in refused.stderr
