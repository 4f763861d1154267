"""``POST /v1/retention/run`` against the real app: storage limitation (``veil retention enforce``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.api import ApiEnv
from tests.support.patients_api import grant, ingest_patients, run_job


def test_steward_runs_retention(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 4)
    grant(api, people[:1])

    def run(role: str, body: dict[str, Any]) -> dict[str, Any]:
        r = api.clients[role].post("/v1/retention/run", json=body)
        assert r.status_code == 202, r.text
        assert r.json()["kind"] == "retention" and r.json()["state"] == "queued"
        job = run_job(api, api.clients[role], r.json()["id"])
        assert job["state"] == "succeeded", job
        result: dict[str, Any] = job["result"]
        return result

    # as of 2099, nothing justifies keeping anyone (research keeps data 365 days)
    later = {"as_of": "2099-01-01T00:00:00Z"}
    dry = run("steward", later | {"dry_run": True})
    assert dry["dry_run"] is True and dry["expired"] == 4 and dry["erased"] == 0
    now = run("steward", {})
    assert now["expired"] == 0 and now["subjects_checked"] == 4
    done = run("admin", later)
    assert done["erased"] == 4 and done["status"] == "complete" and done["rows_deleted"] == {"patients": 4}
    assert len(api.ws.keystore.tombstones()) == 4


def test_refusals(api: ApiEnv) -> None:
    for role in ("analyst", "dpo", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/retention/run", json={"dry_run": True}).status_code == 403, role
    assert api.anon.post("/v1/retention/run", json={}).status_code == 401
    steward = api.clients["steward"]
    assert steward.post("/v1/retention/run", json={"as_of": "soon"}).status_code == 422
    assert steward.post("/v1/retention/run", json={"grace_days": -1}).status_code == 422
    assert steward.post("/v1/retention/run", json={"subjects": ["x"]}).status_code == 422
