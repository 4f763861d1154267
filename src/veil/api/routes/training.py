"""``POST /v1/training``: train a binary classifier with DP-SGD (``training:write``), as a job.

Answers 202 with the job (``GET /v1/jobs/{id}``: state, progress, the model card once it
succeeded). The job does what ``veil train`` does (:class:`~veil.ml.trainer.Trainer`: every
data-free check, then the charge to the dataset's budget, then training on the lawful subjects
the purpose may use); the model goes to the workspace's registry (``/v1/models``). The purpose
must be one the caller holds. The body is the ``training`` job's parameters
(:mod:`veil.jobs.kinds.training`), checked before the job is queued.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.jobs import JobOut
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.jobs import JobQueue
from veil.workspace import Workspace

__all__ = ["TrainRequest", "router"]

router = APIRouter(tags=["training"], responses=problems(400, 404, 409, 501, 503))


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


@router.post(
    "/training",
    status_code=202,
    summary="Train a classifier with DP-SGD as a job (charged to the dataset's budget first)",
)
def train(
    body: TrainRequest,
    actor: Annotated[Actor, Depends(require("training:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    actor.check_purpose(body.purpose)
    return JobOut.of(JobQueue(ws).submit("training", body.model_dump(exclude_none=True), actor.label))
