"""Real data for the API tests of the data routes: generated patients uploaded through
``POST /v1/ingest`` (an ingest job, run here by the real job runner: the same ingest as
``veil ingest``) and consent granted through ``POST /v1/consent/grants``.

    def test_x(api: ApiEnv, tmp_path: Path) -> None:
        people = ingest_patients(api, tmp_path, 20)        # as the steward
        grant(api, people[:5])                             # purpose "research"
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from tests.support.api import GRANTED_PURPOSE, ApiEnv, TestClient

from veil.demo.hospital import Patient, generate_patients, write_csv
from veil.jobs import Runner

DATASET = "patients"
SUBJECT_COLUMN = "patient_id"


def upload(
    client: TestClient, path: Path, *, dataset: str = DATASET, name: str | None = None, **params: Any
) -> Any:
    """``POST /v1/ingest`` of the file at ``path`` (sent under ``name``, default its own)."""
    query = {"dataset": dataset, "subject_column": SUBJECT_COLUMN, "pii_scan": "false", **params}
    with path.open("rb") as fh:
        return client.post("/v1/ingest", params=query, files={"file": (name or path.name, fh, "text/csv")})


def run_job(api: ApiEnv, client: TestClient, job_id: str) -> dict[str, Any]:
    """Run the queued jobs (the real runner, in this thread); the job as ``client`` reads it."""
    Runner(api.ws).run_pending()
    r = client.get(f"/v1/jobs/{job_id}")
    assert r.status_code == 200, r.text
    job: dict[str, Any] = r.json()
    return job


def ingest(api: ApiEnv, path: Path, role: str = "steward", **params: Any) -> dict[str, Any]:
    """Upload ``path`` as ``role`` and run its ingest job; the job's result (it must succeed)."""
    client = api.clients[role]
    r = upload(client, path, **params)
    assert r.status_code == 202, r.text
    job = run_job(api, client, r.json()["id"])
    assert job["state"] == "succeeded", job
    result: dict[str, Any] = job["result"]
    return result


def ingest_patients(api: ApiEnv, folder: Path, n: int = 20) -> list[Patient]:
    """``n`` generated patients, ingested by the steward through the API; the patients."""
    assert ingest(api, write_csv(folder / "patients.csv", n))["rows"] == n
    return list(generate_patients(n))


def grant(api: ApiEnv, people: list[Patient], purpose: str = GRANTED_PURPOSE) -> None:
    for p in people:
        r = api.clients["steward"].post(
            "/v1/consent/grants", json={"subject": p.patient_id, "purpose": purpose}
        )
        assert r.status_code == 201, r.text


def release(client: TestClient, purpose: str = GRANTED_PURPOSE, **params: str) -> Any:
    return client.get(f"/v1/releases/{DATASET}", params={"purpose": purpose, **params})


def released_rows(response: Any) -> list[dict[str, Any]]:
    """The rows of a Parquet release answer."""
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(response.content)).to_pylist()
    return rows
