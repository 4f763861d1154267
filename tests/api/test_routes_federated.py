"""``POST /v1/federated``: federated rounds as a job through the real app (a real Flower run
across the app's workspace and a second site listed in its ``veil.toml``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest
from tests.support.adult import load_adult as adult_rows
from tests.support.api import ApiEnv
from tests.support.api_ml import FEATURES, PURPOSE, ROWS, holder, load_adult, problem

from veil.consent.purpose import PurposeRegistry
from veil.jobs import JobQueue, Runner
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


@pytest.fixture
def federation(api: ApiEnv, tmp_path: Path) -> tuple[ApiEnv, Path]:
    """The app's workspace holds Adult rows 0..600 (with its DP policy); a second site the
    next 600, listed under [federated] sites."""
    load_adult(api, tmp_path)
    csv = tmp_path / "site-b.csv"
    pacsv.write_csv(adult_rows(2 * ROWS).slice(ROWS, ROWS), csv)
    other = Workspace.init(tmp_path / "site-b")
    try:
        Ingestor(other).run(csv, "adult", "person_id")
        PurposeRegistry(other).add(PURPOSE, "legitimate_interests", 365)
    finally:
        other.close()
    config = api.root / "veil.toml"
    listed = json.dumps(str(tmp_path / "site-b"))
    config.write_text(config.read_text(encoding="utf-8") + f"\n[federated]\nsites = [{listed}]\n")
    return api, tmp_path / "site-b"


def body(site: Path, **overrides: Any) -> dict[str, Any]:
    """Encodings from the app workspace's DP policy (bounds; keys of sex and income)."""
    return {
        "sites": [str(site)],
        "dataset": "adult",
        "purpose": PURPOSE,
        "target": "income",
        "features": FEATURES,
        "positive": ">50K",
        "rounds": 2,
        "local_epochs": 2,
        **overrides,
    }


@pytest.mark.slow
def test_a_steward_runs_federated_rounds_as_a_job_and_fetches_the_model(
    federation: tuple[ApiEnv, Path],
) -> None:
    api, site = federation
    steward = api.clients["steward"]
    r = steward.post("/v1/federated", json=body(site))
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "federated" and job["state"] == "queued"
    problem(steward.get(f"/v1/federated/{job['id']}/model"), 409, "conflict")  # not run yet
    assert Runner(api.ws).run_pending() == 1
    done = steward.get(f"/v1/jobs/{job['id']}").json()
    assert done["state"] == "succeeded", done
    assert done["progress"] == {"done": 2, "total": 2}
    assert [r["round"] for r in done["result"]["rounds"]] == [1, 2]
    assert done["result"]["rows"] == [ROWS, ROWS]
    r = steward.get(f"/v1/federated/{job['id']}/model")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    model = r.json()
    assert model["kind"] == "logistic_regression" and len(model["weight"]) == len(model["columns"])
    # Another steward's key does not see the job; an admin does.
    other = holder(api, "steward")
    problem(other.get(f"/v1/federated/{job['id']}/model"), 404, "not_found")
    assert api.clients["admin"].get(f"/v1/federated/{job['id']}/model").json() == model


@pytest.mark.parametrize("role", ["analyst", "dpo", "auditor", "service", "subject"])
def test_roles_without_federated_write_get_403(federation: tuple[ApiEnv, Path], role: str) -> None:
    api, site = federation
    problem(api.clients[role].post("/v1/federated", json=body(site)), 403, "forbidden")
    assert JobQueue(api.ws).list().items == []


def test_sites_the_workspace_does_not_list_and_bad_bodies_are_refused_before_queueing(
    federation: tuple[ApiEnv, Path], tmp_path: Path
) -> None:
    api, site = federation
    steward = api.clients["steward"]
    stranger = tmp_path / "elsewhere"
    detail = problem(steward.post("/v1/federated", json=body(stranger)), 400, "input_error")["detail"]
    assert "[federated] sites" in detail and str(stranger) not in detail  # never echoes a path
    problem(steward.post("/v1/federated", json=body(site, sites=["../../etc"])), 400, "input_error")
    problem(steward.post("/v1/federated", json={**body(site), "out": "/tmp/x.json"}), 422, "input_error")
    problem(steward.post("/v1/federated", json=body(site, rounds=0)), 422, "input_error")
    problem(steward.post("/v1/federated", json=body(site, dp_noise=1.0)), 400, "input_error")
    problem(steward.post("/v1/federated", json=body(site, sites=[])), 422, "input_error")
    problem(api.anon.post("/v1/federated", json=body(site)), 401, "unauthenticated")
    assert JobQueue(api.ws).list().items == []
