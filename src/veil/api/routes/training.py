"""``POST /v1/training``: train a binary classifier with DP-SGD (``training:write``).

What ``veil train`` does (:class:`~veil.ml.trainer.Trainer`: every data-free check, then the
charge to the dataset's budget, then training on the lawful subjects the purpose may use);
the model goes to the workspace's registry (``/v1/models``). The purpose must be one the
caller holds. The body is the ``training`` job's parameters (:mod:`veil.jobs.kinds.training`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.security import Actor, require
from veil.workspace import Workspace

__all__ = ["TrainRequest", "router"]

router = APIRouter(tags=["training"])


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(max_length=64)
    purpose: str = Field(max_length=64, description="Only lawful subjects and allowed columns are used.")
    target: str = Field(max_length=128, description="Binary target column.")
    features: list[str] | None = Field(None, description="Feature columns (default: all allowed).")
    model: Literal["logreg", "mlp"] = "logreg"
    epsilon: float | None = Field(None, gt=0, description="Privacy loss training may spend (DP).")
    delta: float = Field(0.0, ge=0, lt=1)
    no_dp: bool = Field(False, description="Train without DP (not charged; audited). Excludes epsilon.")
    epochs: int | None = Field(None, ge=1, le=10_000)
    batch_size: int = Field(256, ge=1, le=100_000)
    learning_rate: float | None = Field(None, gt=0)
    max_grad_norm: float = Field(1.0, gt=0)
    positive: str | None = Field(None, description="The target's positive value.")
    holdout: float = Field(0.2, gt=0, lt=1, description="Share of lawful subjects held out.")
    shards: int = Field(1, ge=1, le=64, description="SISA: K models on disjoint subject shards.")
    name: str | None = Field(
        None, max_length=128, description="Registry name (default DATASET-TARGET-MODEL)."
    )
    replace: bool = False
    seed: int | None = None


@router.post("/training", summary="Train a classifier with DP-SGD, charged to the dataset's budget first")
def train(
    body: TrainRequest,
    actor: Annotated[Actor, Depends(require("training:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> dict[str, Any]:
    from veil.ml.settings import TrainSettings, default_model_name, privacy_of
    from veil.ml.trainer import Trainer  # torch: loaded by the routes that train

    actor.check_purpose(body.purpose)
    epsilon, delta = privacy_of(body.epsilon, body.delta, no_dp=body.no_dp)
    settings = TrainSettings(
        dataset=body.dataset,
        purpose=body.purpose,
        target=body.target,
        model=body.model,
        features=tuple(body.features) if body.features is not None else None,
        epsilon=epsilon,
        delta=delta,
        epochs=body.epochs,
        batch_size=body.batch_size,
        learning_rate=body.learning_rate,
        max_grad_norm=body.max_grad_norm,
        positive=body.positive,
        shards=body.shards,
        test_fraction=body.holdout,
    )
    name = body.name or default_model_name(settings)
    return Trainer(ws).train(settings, name, replace=body.replace, seed=body.seed).to_dict()
