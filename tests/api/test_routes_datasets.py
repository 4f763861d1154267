"""``/v1/datasets`` against the real app: list, show with classification, override a category."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import ingest, ingest_patients

from veil.demo.hospital import write_csv
from veil.vault.category import ColumnCategory
from veil.vault.dataset import DatasetCatalog


def test_list_and_show(api: ApiEnv, tmp_path: Path) -> None:
    ingest_patients(api, tmp_path, 10)
    for role in ("admin", "steward", "analyst", "dpo", "auditor"):
        r = api.clients[role].get("/v1/datasets")
        assert r.status_code == 200, role
        assert r.json() == {
            "items": [
                {
                    "name": "patients",
                    "subject_column": "patient_id",
                    "columns": 11,
                    "rows": 10,
                    "updated_at": DatasetCatalog(api.ws).get("patients").updated_at,
                }
            ],
            "next_cursor": None,
        }
    shown = api.clients["analyst"].get("/v1/datasets/patients").json()
    columns = {c["name"]: c for c in shown["columns"]}
    assert columns["email"]["category"] == "direct_identifier" and columns["email"]["dtype"] == "sealed"
    assert columns["zip"]["category"] == "quasi_identifier" and columns["zip"]["why"]
    assert columns["email"]["evidence"]["source"] in {"rules", "pii", "scan"}
    for role in ("service", "subject"):
        assert api.clients[role].get("/v1/datasets").status_code == 403
        assert api.clients[role].get("/v1/datasets/patients").status_code == 403
    assert api.anon.get("/v1/datasets").status_code == 401
    missing = api.clients["steward"].get("/v1/datasets/patient")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert "patients" in missing.json()["detail"]  # did you mean


def test_pages(api: ApiEnv, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", 3)
    for name in ("a", "b", "c"):
        assert ingest(api, path, dataset=name)["rows"] == 3
    first = api.clients["auditor"].get("/v1/datasets", params={"limit": 2}).json()
    assert [d["name"] for d in first["items"]] == ["a", "b"] and first["next_cursor"] == "b"
    rest = api.clients["auditor"].get("/v1/datasets", params={"limit": 2, "cursor": "b"}).json()
    assert [d["name"] for d in rest["items"]] == ["c"] and rest["next_cursor"] is None
    assert api.clients["auditor"].get("/v1/datasets", params={"limit": 501}).status_code == 422


def test_override_a_columns_category(api: ApiEnv, tmp_path: Path) -> None:
    ingest_patients(api, tmp_path, 10)
    url = "/v1/datasets/patients/columns/zip/classification"
    r = api.clients["steward"].put(url, json={"category": "sensitive", "reason": "ticket 7"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["previous"] == "quasi_identifier" and body["column"]["category"] == "sensitive"
    assert body["sealed_values"] is False and body["column"]["evidence"]["source"] == "override"
    assert DatasetCatalog(api.ws).get("patients").column("zip").category is ColumnCategory.SENSITIVE
    assert api.ws.audit.entries(action="dataset.classify")[-1].seq == body["audit_seq"]
    sealed = api.clients["admin"].put(url, json={"category": "direct_identifier"})
    assert sealed.status_code == 200 and sealed.json()["sealed_values"] is True
    assert sealed.json()["column"]["dtype"] == "sealed"
    # a sealed column never becomes clear
    back = api.clients["steward"].put(url, json={"category": "other"})
    assert back.status_code == 409 and back.json()["code"] == "conflict"
    # roles without datasets:write
    for role in ("analyst", "dpo", "auditor", "service", "subject"):
        assert api.clients[role].put(url, json={"category": "other"}).status_code == 403, role
    steward = api.clients["steward"]
    assert steward.put(url, json={"category": "other", "dtype": "text"}).status_code == 422  # unknown field
    assert steward.put(url, json={"category": "secret"}).status_code == 422
    subject_id = steward.put(url, json={"category": "subject_id"})
    assert subject_id.status_code == 400 and subject_id.json()["code"] == "input_error"
    nope = steward.put("/v1/datasets/patients/columns/nope/classification", json={"category": "other"})
    assert nope.status_code == 404 and nope.json()["code"] == "not_found"
