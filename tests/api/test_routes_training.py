"""``POST /v1/training``: DP-SGD training through the real app, on a small Adult dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.api import ApiEnv
from tests.support.api_ml import PURPOSE, holder, load_adult, problem, train_body

from veil.dp.budget import BudgetLedger
from veil.jobs import JobQueue, Runner
from veil.ml.registry import ModelRegistry


@pytest.fixture
def adult(api: ApiEnv, tmp_path: Path) -> ApiEnv:
    load_adult(api, tmp_path)
    return api


def _run(api: ApiEnv, job: dict[str, Any], role: str = "steward") -> dict[str, Any]:
    """Run the queued jobs here (the app's runner is not started by these tests); the job now."""
    assert job["state"] == "queued" and job["kind"] == "training"
    assert Runner(api.ws).run_pending() == 1
    r = api.clients[role].get(f"/v1/jobs/{job['id']}")
    assert r.status_code == 200, r.text
    done: dict[str, Any] = r.json()
    return done


def test_a_steward_trains_a_dp_model_as_a_job_charged_to_the_budget(adult: ApiEnv) -> None:
    r = adult.clients["steward"].post("/v1/training", json=train_body("lr"))
    assert r.status_code == 202, r.text
    job = _run(adult, r.json())
    assert job["state"] == "succeeded" and job["progress"] == {"done": 1, "total": 1}
    card = job["result"]
    assert card["name"] == "lr" and card["purpose"] == PURPOSE and card["model"] == "logreg"
    assert card["epsilon"] == 3.0 and card["train_subjects"] > 0
    assert ModelRegistry(adult.ws).card("lr").version == 1
    assert BudgetLedger(adult.ws).show("adult").epsilon_spent == pytest.approx(3.0)


@pytest.mark.parametrize("role", ["analyst", "dpo", "auditor", "service", "subject"])
def test_roles_without_training_write_get_403(adult: ApiEnv, role: str) -> None:
    problem(adult.clients[role].post("/v1/training", json=train_body("lr")), 403, "forbidden")
    assert not ModelRegistry(adult.ws).exists("lr")


def test_bad_requests_are_refused_before_queueing_and_data_errors_fail_the_job(adult: ApiEnv) -> None:
    steward = adult.clients["steward"]
    body = problem(steward.post("/v1/training", json=train_body("lr", epsilon=None)), 400, "input_error")
    assert "no_dp" in body["detail"]
    problem(steward.post("/v1/training", json=train_body("lr", no_dp=True)), 400, "input_error")
    problem(steward.post("/v1/training", json={**train_body("lr"), "budget": 99}), 422, "input_error")
    problem(steward.post("/v1/training", json=train_body("lr", model="forest")), 422, "input_error")
    problem(adult.anon.post("/v1/training", json=train_body("lr")), 401, "unauthenticated")
    assert JobQueue(adult.ws).list().items == []
    job = _run(adult, steward.post("/v1/training", json=train_body("lr", epsilon=50.0)).json())
    assert job["state"] == "failed" and job["error"]["code"] == "budget_exceeded"
    job = _run(adult, steward.post("/v1/training", json=train_body("lr", dataset="nope")).json())
    assert job["state"] == "failed" and job["error"]["code"] == "not_found"
    assert BudgetLedger(adult.ws).show("adult").charges == 0
    assert not ModelRegistry(adult.ws).exists("lr")


def test_no_dp_training_is_asked_for_by_name_and_not_charged(adult: ApiEnv) -> None:
    admin = holder(adult, "admin")
    r = admin.post("/v1/training", json=train_body("plain", epsilon=None, delta=0.0, no_dp=True))
    assert r.status_code == 202, r.text
    assert Runner(adult.ws).run_pending() == 1
    job = admin.get(f"/v1/jobs/{r.json()['id']}").json()
    assert job["state"] == "succeeded" and job["result"]["epsilon"] == "none"
    assert BudgetLedger(adult.ws).show("adult").charges == 0
