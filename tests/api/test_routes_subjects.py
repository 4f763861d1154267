"""``/v1/subjects`` against the real app: export and erasure for staff (``veil subject``)."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import grant, ingest_patients, release, released_rows


def test_dpo_exports_a_subject_decrypted(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 5)
    grant(api, people[:1])
    r = api.clients["dpo"].post("/v1/subjects/export", json={"subject": people[0].patient_id})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "active" and body["pseudonym"] == api.ws.pseudonymize(people[0].patient_id)
    row = body["datasets"]["patients"][0]
    assert (row["email"], row["name"], row["patient_id"]) == (
        people[0].email,
        people[0].name,
        people[0].patient_id,
    )
    assert body["consent_state"] == {"research": True}
    assert any(u["action"] == "consent.grant" for u in body["usage"])
    unknown = api.clients["admin"].post("/v1/subjects/export", json={"subject": "nobody"})
    assert unknown.status_code == 200 and unknown.json()["status"] == "not_held"


def test_erasure_then_export_and_release(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 5)
    grant(api, people[:2])
    r = api.clients["dpo"].post(
        "/v1/subjects/erase", json={"subject": people[0].patient_id, "reason": "art17"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "complete" and body["key_destroyed"] is True
    assert body["rows_deleted"] == {"patients": 1} and body["consent_events_deleted"] == 1
    assert api.ws.audit.entries(action="subject.erase")[-1].seq == body["audit_seq"]
    after = api.clients["admin"].post("/v1/subjects/export", json={"subject": people[0].patient_id}).json()
    assert after["status"] == "erased" and after["datasets"] == {}
    rows = released_rows(release(api.clients["analyst"]))
    assert [r["pseudonym"] for r in rows] == [api.ws.pseudonymize(people[1].patient_id)]
    again = api.clients["admin"].post("/v1/subjects/erase", json={"subject": people[0].patient_id})
    assert again.status_code == 200 and again.json()["already_erased"] is True
    missing = api.clients["dpo"].post("/v1/subjects/erase", json={"subject": "nobody"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_refusals(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 2)
    body = {"subject": people[0].patient_id}
    for role in ("steward", "analyst", "auditor", "service", "subject"):
        export = api.clients[role].post("/v1/subjects/export", json=body)
        assert export.status_code == 403 and people[0].email not in export.text, role
        assert api.clients[role].post("/v1/subjects/erase", json=body).status_code == 403, role
    assert api.anon.post("/v1/subjects/export", json=body).status_code == 401
    dpo = api.clients["dpo"]
    assert dpo.post("/v1/subjects/erase", json=body | {"force": True}).status_code == 422
    assert dpo.post("/v1/subjects/export", json={}).status_code == 422
    assert dpo.post("/v1/subjects/export", json={"subject": ""}).status_code == 422
    assert api.clients["admin"].post("/v1/subjects/export", json=body).json()["status"] == "active"
