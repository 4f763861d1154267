"""Real data for the API tests of the data routes: generated patients uploaded through
``POST /v1/ingest`` (the same Ingestor as ``veil ingest``) and consent granted through
``POST /v1/consent/grants``.

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

DATASET = "patients"
SUBJECT_COLUMN = "patient_id"


def upload(
    client: TestClient, path: Path, *, dataset: str = DATASET, name: str | None = None, **params: Any
) -> Any:
    """``POST /v1/ingest`` of the file at ``path`` (sent under ``name``, default its own)."""
    query = {"dataset": dataset, "subject_column": SUBJECT_COLUMN, "pii_scan": "false", **params}
    with path.open("rb") as fh:
        return client.post("/v1/ingest", params=query, files={"file": (name or path.name, fh, "text/csv")})


def ingest_patients(api: ApiEnv, folder: Path, n: int = 20) -> list[Patient]:
    """``n`` generated patients, ingested by the steward through the API; the patients."""
    path = write_csv(folder / "patients.csv", n)
    r = upload(api.clients["steward"], path)
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == n
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
