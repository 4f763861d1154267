"""``/v1/backups`` against the real app: backups in the configured folder, restored by name."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import grant, ingest_patients

from veil.consent.ledger import ConsentLedger
from veil.vault.dataset import DatasetCatalog


def _configure(api: ApiEnv, folder: Path) -> None:
    with (api.root / "veil.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[backup]\ndir = "{folder}"\n')


def test_create_list_and_restore(api: ApiEnv, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    _configure(api, folder)
    people = ingest_patients(api, tmp_path, 6)
    grant(api, people[:2])
    admin = api.clients["admin"]
    made = admin.post("/v1/backups")
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["name"].startswith("veil-") and body["name"].endswith(".vbk") and "/" not in body["name"]
    assert body["tables"]["consent_events"] == 2 and body["bytes"] > 0
    file = folder / body["name"]
    assert file.is_file() and file.stat().st_mode & 0o777 == 0o600
    assert people[0].email.encode() not in file.read_bytes()
    listed = admin.get("/v1/backups").json()
    assert [b["name"] for b in listed["items"]] == [body["name"]] and listed["next_cursor"] is None
    assert listed["items"][0]["belongs_to_workspace"] is True
    # after the backup: one subject erased, one more grant; the restore keeps the erasure
    assert (
        api.clients["dpo"].post("/v1/subjects/erase", json={"subject": people[0].patient_id}).status_code
        == 200
    )
    grant(api, people[2:3])
    restored = admin.post("/v1/backups/restore", json={"name": body["name"]})
    assert restored.status_code == 200, restored.text
    assert restored.json()["erasures_replayed"] == 1
    ledger = ConsentLedger(api.ws)
    assert (
        ledger.count_consenting("research") == 1
    )  # people[1]; people[0] stays erased; people[2] rolled back
    catalog = DatasetCatalog(api.ws)
    assert catalog.row_count(catalog.get("patients")) == 5


def test_refusals(api: ApiEnv, tmp_path: Path) -> None:
    admin = api.clients["admin"]
    unset = admin.post("/v1/backups")
    assert unset.status_code >= 400 and unset.json()["code"] == "config_error"
    assert "[backup] dir" in unset.json()["detail"]
    _configure(api, tmp_path / "backups")
    for role in ("steward", "analyst", "dpo", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/backups").status_code == 403, role
        assert api.clients[role].get("/v1/backups").status_code == 403, role
        assert api.clients[role].post("/v1/backups/restore", json={"name": "x.vbk"}).status_code == 403, role
    assert api.anon.post("/v1/backups").status_code == 401
    # no client-chosen paths: not in the body, not through the name
    evil = tmp_path / "evil.vbk"
    made = admin.post("/v1/backups", json={"path": str(evil)})  # the route takes no body: ignored
    assert made.status_code == 201 and not evil.exists()
    assert (tmp_path / "backups" / made.json()["name"]).is_file()
    assert admin.post("/v1/backups/restore", json={"name": "../ws/veil.db"}).status_code == 422
    assert admin.post("/v1/backups/restore", json={"name": "x.vbk", "path": "/etc"}).status_code == 422
    missing = admin.post("/v1/backups/restore", json={"name": "veil-none.vbk"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    not_backup = admin.post("/v1/backups/restore", json={"name": "veil.db"})
    assert not_backup.status_code == 400 and not_backup.json()["code"] == "input_error"


def test_a_folder_inside_the_workspace_is_refused(api: ApiEnv) -> None:
    _configure(api, api.root / "backups")
    r = api.clients["admin"].post("/v1/backups")
    assert r.status_code >= 400 and r.json()["code"] == "backup_error"
