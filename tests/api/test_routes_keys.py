"""``POST /v1/keys/rotate`` against the real app: a key_rotation job re-wraps every data key,
the data stays readable."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import ingest_patients, run_job

from veil.jobs import JobQueue
from veil.rights.access import export_subject


def test_admin_rotates_the_kek(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 6)
    before = api.ws.provider.current_version()
    admin = api.clients["admin"]
    r = admin.post("/v1/keys/rotate")
    assert r.status_code == 202, r.text
    assert (r.json()["kind"], r.json()["state"], r.json()["params"]) == ("key_rotation", "queued", {})
    job = run_job(api, admin, r.json()["id"])
    assert job["state"] == "succeeded", job
    body = job["result"]
    assert body["new_version"] != before and body["new_version"] == api.ws.provider.current_version()
    assert body["rewrapped"] >= 6 and body["resumed"] is False and before in body["retired"]
    assert api.ws.keystore.kek_versions_in_use() == {body["new_version"]: body["rewrapped"]}
    assert job["progress"]["done"] == job["progress"]["total"] == body["rewrapped"]
    entry = api.ws.audit.entries(action="keys.rotate")[-1]
    assert entry.details["new_kek"] == body["new_version"] and entry.details["rewrapped"] == body["rewrapped"]
    assert export_subject(api.ws, people[2].patient_id).datasets["patients"][0]["email"] == people[2].email


def test_only_admin_rotates(api: ApiEnv) -> None:
    for role in ("steward", "analyst", "dpo", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/keys/rotate").status_code == 403, role
    assert api.anon.post("/v1/keys/rotate").status_code == 401
    assert JobQueue(api.ws).list().items == []
