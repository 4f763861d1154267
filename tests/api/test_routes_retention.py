"""``POST /v1/retention/run`` against the real app: storage limitation (``veil retention enforce``)."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import grant, ingest_patients


def test_steward_runs_retention(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 4)
    grant(api, people[:1])
    # as of two years on, nothing justifies keeping anyone (research keeps data 365 days)
    body = {"as_of": "2099-01-01T00:00:00Z"}
    dry = api.clients["steward"].post("/v1/retention/run", json=body | {"dry_run": True})
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["expired"] == 4 and dry.json()["erased"] == 0
    now = api.clients["steward"].post("/v1/retention/run", json={})
    assert now.status_code == 200 and now.json()["expired"] == 0 and now.json()["subjects_checked"] == 4
    done = api.clients["admin"].post("/v1/retention/run", json=body)
    assert done.status_code == 200 and done.json()["erased"] == 4 and done.json()["status"] == "complete"
    assert done.json()["rows_deleted"] == {"patients": 4}
    assert len(api.ws.keystore.tombstones()) == 4


def test_refusals(api: ApiEnv) -> None:
    for role in ("analyst", "dpo", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/retention/run", json={"dry_run": True}).status_code == 403, role
    assert api.anon.post("/v1/retention/run", json={}).status_code == 401
    steward = api.clients["steward"]
    assert steward.post("/v1/retention/run", json={"as_of": "soon"}).status_code == 422
    assert steward.post("/v1/retention/run", json={"grace_days": -1}).status_code == 422
    assert steward.post("/v1/retention/run", json={"subjects": ["x"]}).status_code == 422
