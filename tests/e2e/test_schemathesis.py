"""Schemathesis against the live OpenAPI schema of a real ``veil serve`` process.

The workspace holds data (a purpose, an ingested dataset with a budget), so routes get past
"not found" into their real work. Schemathesis generates requests from the schema for every
operation (examples and fuzzing, deterministic) as an admin (every scope) and checks that no
answer is a server error, every status is documented, and every response conforms to its
schema and content type. The rate limit is raised in ``veil.toml`` so that answers are the
routes' own, not 429s.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from test_serve import serving
from tests.support.veil_cli import veil, veil_json

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _schemathesis() -> str:
    beside = Path(sys.executable).parent / "st"
    found = str(beside) if beside.exists() else shutil.which("st")
    if found is None:
        pytest.fail("schemathesis is not installed (pip install -e '.[dev]')")
    return found


def _workspace(root: Path) -> Path:
    ws = root / "ws"
    data = root / "patients.csv"
    rng = random.Random(3)
    with data.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["patient_id", "ward", "age", "cost"])
        for i in range(300):
            out.writerow([f"P{i:05d}", f"W{i % 4}", rng.randint(18, 90), round(rng.uniform(10, 5000), 2)])
    veil("init", ws=ws)
    veil("purpose", "add", "research", "--basis", "contract", "--retention-days", "90", ws=ws)
    veil("ingest", str(data), "--dataset", "patients", "--subject-column", "patient_id", ws=ws)
    veil("budget", "set", "patients", "--epsilon", "1000", "--delta", "0.001", ws=ws)
    with (ws / "veil.toml").open("a") as fh:
        fh.write("\n[service]\nrate_per_minute = 1000000\n")
    return ws


def test_every_operation_conforms_to_the_live_schema_and_never_answers_5xx(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    key = veil_json("keys", "create", "--role", "admin", ws=ws)["key"]
    with serving(ws) as (base, _proc):
        schema = httpx.get(f"{base}/v1/openapi.json", timeout=30).json()
        operations = sum(
            1
            for item in schema["paths"].values()
            for method in item
            if method in {"get", "put", "post", "delete", "patch"}
        )
        run = subprocess.run(
            [
                _schemathesis(),
                "run",
                f"{base}/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {key}",
                "--checks",
                CHECKS,
                "--max-examples",
                "10",
                "--generation-deterministic",
                "--phases",
                "examples,fuzzing",
                "--request-timeout",
                "60",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,  # its example database (.schemathesis/) goes there, not into the checkout
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert operations >= 50
    assert f"Tested: {operations}" in run.stdout  # every operation was exercised, none skipped
