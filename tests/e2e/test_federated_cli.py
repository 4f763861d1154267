"""End-to-end: ``veil federated`` takes its positive label from what was declared, never from a default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.adult import adult_csv
from tests.support.veil_cli import veil

pytest.importorskip("flwr")

ROWS = 400  # two sites of 200 Adult rows


def _sites(tmp_path: Path) -> list[Path]:
    csv = adult_csv(tmp_path / "adult.csv", ROWS)
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    sites = []
    for i, name in enumerate(("siteA", "siteB")):
        part = tmp_path / f"{name}.csv"
        part.write_text(lines[0] + "".join(lines[1 + i :: 2]), encoding="utf-8")
        ws = tmp_path / name
        veil("init", ws=ws)
        veil("purpose", "add", "census", "--basis", "legitimate_interests", "--retention-days", "365", ws=ws)
        veil("ingest", str(part), "--dataset", "adult", "--subject-column", "person_id", ws=ws)
        sites.append(ws)
    veil("dataset", "set", "adult", "--bounds", "age=17:90", "--keys", "sex=Female,Male", ws=sites[0])
    return sites


def _federated(sites: list[Path], out: Path, *extra: str) -> list[str]:
    return [
        "federated", *(a for s in sites for a in ("--site", str(s))), "--dataset", "adult",
        "--purpose", "census", "--target", "income", "--features", "age,sex", "--rounds", "1",
        "--out", str(out), "--json", *extra,
    ]  # fmt: skip


@pytest.mark.slow
def test_positive_label_comes_from_the_declared_target_keys(tmp_path: Path) -> None:
    sites = _sites(tmp_path)
    out = tmp_path / "fed.json"
    # Nothing declares the target's values and no --positive: refused before any process starts.
    proc = veil(*_federated(sites, out), check=False)
    assert proc.returncode != 0 and not out.exists()
    error = json.loads(proc.stdout)
    assert error["error"] == "input_error", error
    assert "--positive" in error["message"] and "--keys income=NEGATIVE,POSITIVE" in error["message"]
    # Declared in site 1: the second value in sorted order is the positive class (as `veil train`).
    veil("dataset", "set", "adult", "--keys", "income=<=50K,>50K", ws=sites[0])
    done = json.loads(veil(*_federated(sites, out)).stdout)
    assert done["sites"] == 2 and sum(done["rows"]) == ROWS
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["spec"]["positive"] == ">50K"
    assert model["spec"]["numeric"] == {"age": [17.0, 90.0]} and model["spec"]["categorical"] == {
        "sex": ["Female", "Male"]
    }
    # --positive names another class: the run encodes it so.
    other = tmp_path / "fed-other.json"
    veil(*_federated(sites, other, "--positive", "<=50K"))
    assert json.loads(other.read_text(encoding="utf-8"))["spec"]["positive"] == "<=50K"
