"""``POST /v1/training``: DP-SGD training through the real app, on a small Adult dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.api import ApiEnv
from tests.support.api_ml import PURPOSE, holder, load_adult, problem, train_body

from veil.dp.budget import BudgetLedger
from veil.ml.registry import ModelRegistry


@pytest.fixture
def adult(api: ApiEnv, tmp_path: Path) -> ApiEnv:
    load_adult(api, tmp_path)
    return api


def test_a_steward_trains_a_dp_model_charged_to_the_budget(adult: ApiEnv) -> None:
    r = adult.clients["steward"].post("/v1/training", json=train_body("lr"))
    assert r.status_code == 200, r.text
    card = r.json()
    assert card["name"] == "lr" and card["purpose"] == PURPOSE and card["model"] == "logreg"
    assert card["epsilon"] == 3.0 and card["train_subjects"] > 0
    assert ModelRegistry(adult.ws).card("lr").version == 1
    assert BudgetLedger(adult.ws).show("adult").epsilon_spent == pytest.approx(3.0)


@pytest.mark.parametrize("role", ["analyst", "dpo", "auditor", "service", "subject"])
def test_roles_without_training_write_get_403(adult: ApiEnv, role: str) -> None:
    problem(adult.clients[role].post("/v1/training", json=train_body("lr")), 403, "forbidden")
    assert not ModelRegistry(adult.ws).exists("lr")


def test_privacy_must_be_asked_for_and_unknown_fields_are_refused(adult: ApiEnv) -> None:
    steward = adult.clients["steward"]
    body = problem(steward.post("/v1/training", json=train_body("lr", epsilon=None)), 400, "input_error")
    assert "no_dp" in body["detail"] or "--no-dp" in body["detail"]
    problem(steward.post("/v1/training", json=train_body("lr", no_dp=True)), 400, "input_error")
    problem(steward.post("/v1/training", json={**train_body("lr"), "budget": 99}), 422, "input_error")
    problem(steward.post("/v1/training", json=train_body("lr", model="forest")), 422, "input_error")
    problem(steward.post("/v1/training", json=train_body("lr", dataset="nope")), 404, "not_found")
    problem(steward.post("/v1/training", json=train_body("lr", epsilon=50.0)), 403, "budget_exceeded")
    assert BudgetLedger(adult.ws).show("adult").charges == 0
    problem(adult.anon.post("/v1/training", json=train_body("lr")), 401, "unauthenticated")


def test_no_dp_training_is_asked_for_by_name_and_not_charged(adult: ApiEnv) -> None:
    r = holder(adult, "admin").post(
        "/v1/training", json=train_body("plain", epsilon=None, delta=0.0, no_dp=True)
    )
    assert r.status_code == 200, r.text
    assert r.json()["epsilon"] == "none"
    assert BudgetLedger(adult.ws).show("adult").charges == 0
