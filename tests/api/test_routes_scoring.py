"""``POST /v1/models/{name}/score``: encrypted scoring by the ``veil he`` protocol, over the real app.

The test plays the client: it makes a CKKS key pair, encodes and encrypts feature rows under
the public context, uploads both, and decrypts the answer with its secret context; the scores
match the model's plain logits. The server gets only the public context and ciphertexts.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.support.api import ApiEnv, TestClient
from tests.support.api_ml import holder, load_adult, problem, train_body

from veil.ml import he
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer

ROWS: dict[str, list[Any]] = {
    "age": [25, 47, 63, None],
    "education_num": [9, 13, 16, 10],
    "hours_per_week": [40, 50, 20, 60],
    "sex": ["Female", "Male", "Male", "Female"],
}


@pytest.fixture
def scored(api: ApiEnv, tmp_path: Path) -> tuple[ApiEnv, he.LinearModel]:
    """A DP logistic regression "lr" and, for the client, its input encoding (weights included)."""
    load_adult(api, tmp_path)
    body = train_body("lr")
    settings = TrainSettings(
        dataset="adult",
        purpose=body["purpose"],
        target="income",
        features=tuple(body["features"]),
        epsilon=3.0,
        delta=1e-5,
        epochs=2,
        positive=">50K",
    )
    Trainer(api.ws).train(settings, "lr", seed=0)
    return api, he.export_registered(api.ws, "lr")


@pytest.fixture(scope="module")
def keys() -> he.HeKeys:
    return he.HeKeys.generate(8192)


def _encrypt(keys: he.HeKeys, model: he.LinearModel) -> tuple[bytes, np.ndarray]:
    assert model.inputs is not None
    x = model.inputs.encode(ROWS, len(ROWS["age"]))
    return he.encrypt_batch(keys.public(), x, model.feature_names), x


def _post(client: TestClient, name: str, context: bytes, features: bytes) -> Any:
    files = {"context": ("public.ctx", context), "features": ("features.bin", features)}
    return client.post(f"/v1/models/{name}/score", files=files)


def test_a_service_holding_the_purpose_gets_scores_only_it_can_decrypt(
    scored: tuple[ApiEnv, he.LinearModel], keys: he.HeKeys
) -> None:
    api, model = scored
    blob, x = _encrypt(keys, model)
    r = _post(holder(api, "service"), "lr", keys.public_bytes(), blob)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["model"] == "lr" and out["samples"] == 4 and out["key_id"] == keys.key_id
    scores = base64.b64decode(out["scores"])
    assert np.allclose(he.decrypt_logits(keys, scores), model.decision_function(x), atol=1e-3)
    with pytest.raises(Exception, match="secret"):
        he.decrypt_logits(keys.public(), scores)  # the public context cannot read them
    entry = api.ws.audit.entries(action="ml.model.score")[-1]
    assert entry.details["samples"] == 4 and entry.details["encrypted"] is True


def test_refusals(scored: tuple[ApiEnv, he.LinearModel], keys: he.HeKeys) -> None:
    api, model = scored
    blob, _ = _encrypt(keys, model)
    # the fixture's service key holds only "research", not the model's purpose
    problem(_post(api.clients["service"], "lr", keys.public_bytes(), blob), 403, "purpose_not_granted")
    for role in ("analyst", "steward", "dpo", "auditor", "subject"):
        problem(_post(api.clients[role], "lr", keys.public_bytes(), blob), 403, "forbidden")
    problem(_post(api.anon, "lr", keys.public_bytes(), blob), 401, "unauthenticated")
    service = holder(api, "service")
    # the secret context is refused: the server must never hold it
    body = problem(_post(service, "lr", keys.secret_bytes(), blob), 400, "config_error")
    assert "public" in body["detail"]
    problem(_post(service, "nope", keys.public_bytes(), blob), 404, "not_found")
    other = he.HeKeys.generate(8192)
    problem(_post(service, "lr", other.public_bytes(), blob), 500, "crypto_error")
    problem(
        service.post("/v1/models/lr/score", files={"context": ("c", keys.public_bytes())}), 422, "input_error"
    )
    assert ModelRegistry(api.ws).card("lr").stale is False
