"""A small Adult dataset behind the API for the training, models and scoring route tests.

The purpose ``analytics`` (legitimate interests: every subject is lawful, no consent to
record) is held by a purpose-bound key made here (``service_for``); the fixture's analyst and
service keys hold only ``research``, so they are refused it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.adult import ADULT_KEYS, adult_csv
from tests.support.api import ApiEnv, TestClient

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.identity.keys import ApiKeys
from veil.vault.ingest import Ingestor

PURPOSE = "analytics"
ROWS = 600
FEATURES = ["age", "education_num", "hours_per_week", "sex"]
BOUNDS = {"age": (17.0, 90.0), "education_num": (1.0, 16.0), "hours_per_week": (1.0, 99.0)}


def load_adult(api: ApiEnv, tmp_path: Path) -> None:
    Ingestor(api.ws).run(adult_csv(tmp_path / "adult.csv", ROWS), "adult", "person_id")
    PurposeRegistry(api.ws).add(PURPOSE, "legitimate_interests", 365, "API tests")
    PolicyStore(api.ws).update(
        "adult", bounds=BOUNDS, keys={"sex": tuple(ADULT_KEYS["sex"]), "income": tuple(ADULT_KEYS["income"])}
    )
    BudgetLedger(api.ws).set("adult", 20.0, 1e-4)


def train_body(name: str, **overrides: Any) -> dict[str, Any]:
    """A quick DP logistic regression (two epochs) on four features."""
    body: dict[str, Any] = {
        "dataset": "adult",
        "purpose": PURPOSE,
        "target": "income",
        "features": FEATURES,
        "epsilon": 3.0,
        "delta": 1e-5,
        "epochs": 2,
        "positive": ">50K",
        "name": name,
        "seed": 0,
    }
    return {**body, **overrides}


def holder(api: ApiEnv, role: str) -> TestClient:
    """A client of a ``role`` key granted :data:`PURPOSE`."""
    return api.client(ApiKeys(api.ws).create(role, purposes=[PURPOSE]).token)


def problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code and body["status"] == status
    assert set(body) == {"type", "title", "status", "detail", "code", "instance"}
    return body
