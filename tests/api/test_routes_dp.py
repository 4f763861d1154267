"""``/v1/dp/query``, ``/v1/dp/synth`` and ``/v1/budgets``: real data, real keys, the real app."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.support.api import GRANTED_PURPOSE, ApiEnv

from dp.factory import STATES, write_people
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.identity.keys import ApiKeys
from veil.jobs import Runner
from veil.vault.ingest import Ingestor

SQL = "SELECT state, COUNT(*) AS n FROM {ds} GROUP BY state"


def _dataset(api: ApiEnv, tmp_path: Path, name: str, subjects: int = 300, budget: float = 10.0) -> None:
    """``name``: people with a consent for the granted purpose from every other subject."""
    Ingestor(api.ws).run(write_people(tmp_path / f"{name}.csv", subjects), name, "person_id")
    PolicyStore(api.ws).update(
        name,
        max_rows_per_subject=3,
        bounds={"income": (0, 250_000), "age": (18, 90), "visits": (0, 12)},
        keys={"state": STATES},
    )
    BudgetLedger(api.ws).set(name, budget, 1e-5)


@pytest.fixture
def people(api: ApiEnv, tmp_path: Path) -> ApiEnv:
    _dataset(api, tmp_path, "people")
    _dataset(api, tmp_path, "visits", budget=5.0)
    ledger = ConsentLedger(api.ws)
    for i in range(0, 300, 2):
        ledger.record(f"P{i:07d}", GRANTED_PURPOSE, "grant")
    PurposeRegistry(api.ws).add("marketing", "consent", 30, "not granted to the analyst")
    return api


def _query(dataset: str = "people", purpose: str = GRANTED_PURPOSE, epsilon: float = 0.5) -> dict[str, Any]:
    return {"sql": SQL.format(ds=dataset), "dataset": dataset, "purpose": purpose, "epsilon": epsilon}


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["code"] == code
    assert set(body) == {"type", "title", "status", "detail", "code", "instance"}
    return body


def test_an_analyst_queries_under_a_granted_purpose_and_the_budget_is_charged(people: ApiEnv) -> None:
    r = people.clients["analyst"].post("/v1/dp/query", json=_query())
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["dataset"] == "people" and result["purpose"] == GRANTED_PURPOSE
    assert {row["state"] for row in result["rows"]} == set(STATES)  # declared keys: every group
    assert all({"state", "n", "n_ci95"} <= set(row) for row in result["rows"])
    assert result["epsilon_spent"] == 0.5
    assert result["budget_remaining"]["epsilon"] == pytest.approx(9.5)
    budget = BudgetLedger(people.ws).show("people")
    assert budget.charges == 1 and budget.epsilon_spent == pytest.approx(0.5)
    entry = next(e for e in people.ws.audit.entries() if e.seq == result["audit_seq"])
    assert entry.action == "dp.query" and entry.purpose == GRANTED_PURPOSE


def test_an_analyst_is_refused_a_purpose_not_granted_and_nothing_is_charged(people: ApiEnv) -> None:
    r = people.clients["analyst"].post("/v1/dp/query", json=_query(purpose="marketing"))
    body = _problem(r, 403, "purpose_not_granted")
    assert "marketing" in body["detail"] and body["instance"] == "/v1/dp/query"
    assert BudgetLedger(people.ws).show("people").charges == 0
    # an admin is not purpose-bound
    assert people.clients["admin"].post("/v1/dp/query", json=_query(purpose="marketing")).status_code == 200


@pytest.mark.parametrize("role", ["steward", "dpo", "auditor", "service", "subject"])
def test_roles_without_dp_query_get_403(people: ApiEnv, role: str) -> None:
    _problem(people.clients[role].post("/v1/dp/query", json=_query()), 403, "forbidden")
    assert BudgetLedger(people.ws).show("people").charges == 0


def test_no_credentials_401_and_unknown_fields_422(people: ApiEnv) -> None:
    _problem(people.anon.post("/v1/dp/query", json=_query()), 401, "unauthenticated")
    body = _problem(
        people.clients["analyst"].post("/v1/dp/query", json={**_query(), "budget": 100}), 422, "input_error"
    )
    assert "budget" in body["detail"]
    _problem(
        people.clients["analyst"].post("/v1/dp/query", json={**_query(), "epsilon": -1}), 422, "input_error"
    )


def test_library_errors_are_problems(people: ApiEnv) -> None:
    analyst = people.clients["analyst"]
    _problem(analyst.post("/v1/dp/query", json=_query(dataset="nope")), 404, "not_found")
    bad = {**_query(), "sql": "SELECT state, MAX(age) FROM people GROUP BY state"}
    _problem(analyst.post("/v1/dp/query", json=bad), 400, "unsupported_sql")
    _problem(analyst.post("/v1/dp/query", json=_query(epsilon=11.0)), 403, "budget_exceeded")
    assert BudgetLedger(people.ws).show("people").charges == 0


def test_one_datasets_exhausted_budget_does_not_block_another(people: ApiEnv) -> None:
    """An analyst spends all of "visits"; "people" still answers them and another analyst."""
    analyst = people.clients["analyst"]
    assert analyst.post("/v1/dp/query", json=_query("visits", epsilon=5.0)).status_code == 200
    _problem(analyst.post("/v1/dp/query", json=_query("visits", epsilon=0.1)), 403, "budget_exceeded")
    assert analyst.post("/v1/dp/query", json=_query("people", epsilon=1.0)).status_code == 200
    other = people.client(ApiKeys(people.ws).create("analyst", purposes=[GRANTED_PURPOSE]).token)
    assert other.post("/v1/dp/query", json=_query("people", epsilon=1.0)).status_code == 200
    assert BudgetLedger(people.ws).show("people").epsilon_spent == pytest.approx(2.0)
    assert BudgetLedger(people.ws).show("visits").epsilon_remaining == 0.0


def test_budgets_are_read_by_readers_and_set_by_writers(people: ApiEnv) -> None:
    for role in ("analyst", "auditor", "dpo", "steward", "admin"):
        r = people.clients[role].get("/v1/budgets/people")
        assert r.status_code == 200, (role, r.text)
        assert r.json()["epsilon"] == 10.0 and r.json()["epsilon_remaining"] == 10.0
    for role in ("service", "subject"):
        _problem(people.clients[role].get("/v1/budgets/people"), 403, "forbidden")
    r = people.clients["dpo"].put("/v1/budgets/people", json={"epsilon": 12.0, "delta": 1e-5})
    assert r.status_code == 200 and r.json()["epsilon"] == 12.0
    assert BudgetLedger(people.ws).show("people").epsilon == 12.0
    for role in ("analyst", "auditor", "steward"):
        _problem(people.clients[role].put("/v1/budgets/people", json={"epsilon": 99.0}), 403, "forbidden")
    _problem(
        people.clients["dpo"].put("/v1/budgets/people", json={"epsilon": 1, "spent": 0}), 422, "input_error"
    )
    _problem(people.clients["dpo"].get("/v1/budgets/nope"), 404, "not_found")
    people.clients["analyst"].post("/v1/dp/query", json=_query(epsilon=1.0))
    # spent budget is never given back: a total below it is a conflict
    _problem(people.clients["dpo"].put("/v1/budgets/people", json={"epsilon": 0.5}), 409, "conflict")


def test_budget_charges_are_paginated(people: ApiEnv) -> None:
    analyst = people.clients["analyst"]
    for eps in (0.1, 0.2, 0.3):
        assert analyst.post("/v1/dp/query", json=_query(epsilon=eps)).status_code == 200
    first = analyst.get("/v1/budgets/people/charges", params={"limit": 2}).json()
    assert [c["epsilon"] for c in first["items"]] == [0.1, 0.2] and first["next_cursor"]
    rest = analyst.get(
        "/v1/budgets/people/charges", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [c["epsilon"] for c in rest["items"]] == [0.3] and rest["next_cursor"] is None
    assert all(
        c["kind"] == "query" and c["purpose"] == GRANTED_PURPOSE for c in first["items"] + rest["items"]
    )
    _problem(analyst.get("/v1/budgets/people/charges", params={"limit": 501}), 422, "input_error")


@pytest.mark.slow
def test_synth_is_a_job_whose_parquet_only_its_caller_downloads(people: ApiEnv) -> None:
    body = {
        "dataset": "people",
        "purpose": GRANTED_PURPOSE,
        "epsilon": 2.0,
        "columns": ["state", "age"],
        "seed": 1,
    }
    analyst = people.clients["analyst"]
    _problem(analyst.post("/v1/dp/synth", json={**body, "purpose": "marketing"}), 403, "purpose_not_granted")
    _problem(people.clients["steward"].post("/v1/dp/synth", json=body), 403, "forbidden")
    _problem(analyst.post("/v1/dp/synth", json={**body, "out": "/tmp/x.parquet"}), 422, "input_error")
    r = analyst.post("/v1/dp/synth", json=body)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "synthesis" and job["state"] == "queued"
    _problem(analyst.get(f"/v1/dp/synth/{job['id']}/data"), 409, "conflict")  # not done yet
    assert Runner(people.ws).run_pending() == 1
    done = analyst.get(f"/v1/jobs/{job['id']}").json()
    assert done["state"] == "succeeded", done
    assert done["result"]["columns"] == ["state", "age"] and done["result"]["epsilon_spent"] == 2.0
    r = analyst.get(f"/v1/dp/synth/{job['id']}/data")
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(r.content))
    assert table.column_names == ["state", "age"] and table.num_rows == done["result"]["rows"] > 0
    assert set(table.column("state").drop_null().to_pylist()) <= set(STATES)
    assert BudgetLedger(people.ws).history("people")[0]["kind"] == "synth"
    # another analyst (same purpose) does not see this job; an admin does
    other = people.client(ApiKeys(people.ws).create("analyst", purposes=[GRANTED_PURPOSE]).token)
    _problem(other.get(f"/v1/dp/synth/{job['id']}/data"), 404, "not_found")
    assert people.clients["admin"].get(f"/v1/dp/synth/{job['id']}/data").status_code == 200
