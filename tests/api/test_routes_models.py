"""``/v1/models``: list, show, retrain, delete, membership-inference audit and fairness."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.api import ApiEnv
from tests.support.api_ml import PURPOSE, load_adult, problem, train_body

from veil.dp.budget import BudgetLedger
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer


@pytest.fixture
def trained(api: ApiEnv, tmp_path: Path) -> ApiEnv:
    """Two small DP models, "lr-a" and "lr-b", trained through the library."""
    load_adult(api, tmp_path)
    for name in ("lr-a", "lr-b"):
        body = train_body(name)
        settings = TrainSettings(
            dataset=body["dataset"],
            purpose=body["purpose"],
            target=body["target"],
            features=tuple(body["features"]),
            epsilon=body["epsilon"],
            delta=body["delta"],
            epochs=body["epochs"],
            positive=body["positive"],
        )
        Trainer(api.ws).train(settings, name, seed=0)
    return api


def test_models_are_listed_a_page_at_a_time_and_shown(trained: ApiEnv) -> None:
    for role in ("analyst", "auditor", "dpo", "steward", "admin"):
        r = trained.clients[role].get("/v1/models", params={"limit": 1})
        assert r.status_code == 200, (role, r.text)
        page = r.json()
        assert [m["name"] for m in page["items"]] == ["lr-a"] and page["next_cursor"] == "lr-a"
    rest = trained.clients["analyst"].get("/v1/models", params={"limit": 1, "cursor": "lr-a"}).json()
    assert [m["name"] for m in rest["items"]] == ["lr-b"] and rest["next_cursor"] is None
    item = rest["items"][0]
    assert item["purpose"] == PURPOSE and item["epsilon"] == 3.0 and item["stale"] is False
    card = trained.clients["auditor"].get("/v1/models/lr-b").json()
    assert card["name"] == "lr-b" and card["encoded_features"] and card["version"] == 1
    problem(trained.clients["analyst"].get("/v1/models", params={"limit": 0}), 422, "input_error")
    problem(trained.clients["analyst"].get("/v1/models/nope"), 404, "not_found")


@pytest.mark.parametrize("role", ["service", "subject"])
def test_roles_without_models_read_get_403(trained: ApiEnv, role: str) -> None:
    problem(trained.clients[role].get("/v1/models"), 403, "forbidden")
    problem(trained.clients[role].get("/v1/models/lr-a"), 403, "forbidden")


def test_retrain_is_charged_again_and_delete_removes_at_once(trained: ApiEnv) -> None:
    for role in ("analyst", "dpo", "auditor", "service"):
        problem(trained.clients[role].post("/v1/models/lr-a/retrain", json={}), 403, "forbidden")
        problem(trained.clients[role].delete("/v1/models/lr-a"), 403, "forbidden")
    spent = BudgetLedger(trained.ws).show("adult").epsilon_spent
    r = trained.clients["steward"].post("/v1/models/lr-a/retrain", json={"seed": 1})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert BudgetLedger(trained.ws).show("adult").epsilon_spent == pytest.approx(spent + 3.0)
    problem(
        trained.clients["steward"].post("/v1/models/lr-a/retrain", json={"epochs": 9}), 422, "input_error"
    )
    r = trained.clients["steward"].delete("/v1/models/lr-b")
    assert r.status_code == 200 and r.json()["deleted"] is True and r.json()["version"] == 1
    assert not ModelRegistry(trained.ws).exists("lr-b")
    entry = next(e for e in trained.ws.audit.entries() if e.seq == r.json()["audit_seq"])
    assert entry.action == "ml.model.delete"
    problem(trained.clients["steward"].delete("/v1/models/lr-b"), 404, "not_found")


def test_membership_inference_audit_and_fairness_for_auditing_roles(trained: ApiEnv) -> None:
    for role in ("analyst", "steward", "auditor", "service"):
        problem(trained.clients[role].post("/v1/models/lr-a/audit", json={"shadows": 2}), 403, "forbidden")
        problem(
            trained.clients[role].post("/v1/models/lr-a/fairness", json={"sensitive": "sex"}),
            403,
            "forbidden",
        )
    r = trained.clients["dpo"].post("/v1/models/lr-a/audit", json={"shadows": 2, "max_rows": 200})
    assert r.status_code == 200, r.text
    audit = r.json()
    assert audit["model"] == "lr-a" and {a["attack"] for a in audit["attacks"]} >= {"loss-threshold"}
    assert all(0.0 <= a["auc"] <= 1.0 for a in audit["attacks"])
    r = trained.clients["dpo"].post(
        "/v1/models/lr-a/fairness", json={"sensitive": "sex", "min_group_size": 5}
    )
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["sensitive"] == "sex" and {g["group"] for g in report["groups"]} <= {"Female", "Male"}
    body = {"sensitive": "sex", "constraint": "parity"}
    problem(trained.clients["dpo"].post("/v1/models/lr-a/fairness", json=body), 422, "input_error")
    problem(
        trained.clients["dpo"].post("/v1/models/lr-a/fairness", json={"sensitive": "nope"}),
        404,
        "not_found",
    )
