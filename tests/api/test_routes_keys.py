"""``POST /v1/keys/rotate`` against the real app: every data key re-wrapped, data still readable."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import ingest_patients

from veil.rights.access import export_subject


def test_admin_rotates_the_kek(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 6)
    before = api.ws.provider.current_version()
    r = api.clients["admin"].post("/v1/keys/rotate")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["new_version"] != before and body["new_version"] == api.ws.provider.current_version()
    assert body["rewrapped"] >= 6 and body["resumed"] is False
    assert api.ws.keystore.kek_versions_in_use() == {body["new_version"]: body["rewrapped"]}
    entry = api.ws.audit.entries(action="keys.rotate")[-1]
    assert entry.details["new_kek"] == body["new_version"] and entry.details["rewrapped"] == body["rewrapped"]
    assert export_subject(api.ws, people[2].patient_id).datasets["patients"][0]["email"] == people[2].email


def test_only_admin_rotates(api: ApiEnv) -> None:
    for role in ("steward", "analyst", "dpo", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/keys/rotate").status_code == 403, role
    assert api.anon.post("/v1/keys/rotate").status_code == 401
