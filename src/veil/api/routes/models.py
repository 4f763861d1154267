"""``/v1/models``: the trained models — list and show (``models:read``), retrain and delete
(``models:write``), membership-inference audit and group fairness (``models:audit``).

Each handler calls the library function its CLI command calls (:class:`~veil.ml.registry.ModelRegistry`,
:class:`~veil.ml.trainer.Trainer`, :func:`~veil.ml.model_audit.audit_model`,
:func:`~veil.ml.model_audit.fairness`); the work that reads training rows (retrain, audit,
fairness) runs under the model's own purpose, which a purpose-bound caller must hold.
A model card holds no personal data: names, settings, privacy, accuracy, counts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import Page, page, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.ml.registry import ModelRegistry
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/models", tags=["models"], responses=problems(400, 404, 409, 501, 503))

ModelName = Annotated[str, Path(max_length=128, description="Registry name of the model.")]


class ModelSummary(BaseModel):
    name: str
    dataset: str
    purpose: str
    model: str
    target: str
    epsilon: float | Literal["none"]
    delta: float | Literal["none"]
    accuracy: float | None
    train_subjects: int
    version: int
    shards: int
    stale: bool
    erased_subjects: int
    created_at: str


class ModelPage(BaseModel):
    items: list[ModelSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class RetrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = Field(None, description="Seed (row choice, split, init, noise).")


class DeleteResponse(BaseModel):
    model: str
    version: int
    deleted: bool
    audit_seq: int


class AuditRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shadows: int = Field(8, ge=2, le=64, description="Shadow models for LiRA (even).")
    max_rows: int = Field(2000, ge=4, le=100_000, description="Most subjects the attack reads.")
    seed: int = 0


class FairnessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sensitive: str = Field(
        max_length=128, description="Column to group by (allowed for the model's purpose)."
    )
    mitigate: bool = Field(False, description="Train again with reweighing (a DP model is charged again).")
    constraint: Literal["demographic_parity", "equalized_odds"] = "demographic_parity"
    name: str | None = Field(None, max_length=128, description="Registry name of the mitigated model.")
    replace: bool = False
    min_group_size: int = Field(30, ge=1)
    seed: int = 0


def _purpose_held(name: str, actor: Actor, ws: Workspace) -> str:
    """``name`` once the caller may act for the model's purpose (NotFoundError for an unknown model)."""
    actor.check_purpose(ModelRegistry(ws).card(name).purpose)
    return name


def _retrainable(
    name: ModelName,
    actor: Annotated[Actor, Depends(require("models:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> str:
    return _purpose_held(name, actor, ws)


def _auditable(
    name: ModelName,
    actor: Annotated[Actor, Depends(require("models:audit"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> str:
    return _purpose_held(name, actor, ws)


#: The path's model, for the routes that read its training rows under the model's purpose (which
#: a purpose-bound caller must hold): retrain (``models:write``); audit, fairness (``models:audit``).
Retrainable = Annotated[str, Depends(_retrainable)]
Auditable = Annotated[str, Depends(_auditable)]


@router.get("", summary="Trained models with their privacy, accuracy and stale flag")
def list_models(
    actor: Annotated[Actor, Depends(require("models:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
) -> ModelPage:
    rows = sorted(
        (c.summary() for c in ModelRegistry(ws).cards() if at.cursor is None or c.name > at.cursor),
        key=lambda r: str(r["name"]),
    )
    items = rows[: at.limit]
    more = len(rows) > at.limit
    return ModelPage.model_validate({"items": items, "next_cursor": items[-1]["name"] if more else None})


@router.get("/{name}", summary="A model's card")
def show_model(
    name: ModelName,
    actor: Annotated[Actor, Depends(require("models:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> dict[str, Any]:
    return ModelRegistry(ws).card(name).to_dict()


@router.post(
    "/{name}/retrain", summary="Retrain a model with its recorded settings (a DP retrain is charged)"
)
def retrain_model(
    name: Retrainable, body: RetrainRequest, ws: Annotated[Workspace, Depends(workspace)]
) -> dict[str, Any]:
    from veil.ml.trainer import Trainer  # torch: loaded by the routes that train

    return Trainer(ws).retrain(name, seed=body.seed).to_dict()


@router.delete("/{name}", summary="Delete a model at once: weights, card, training-subject list")
def delete_model(
    name: ModelName,
    actor: Annotated[Actor, Depends(require("models:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> DeleteResponse:
    deleted, seq = ModelRegistry(ws).delete(name)
    return DeleteResponse(model=name, version=deleted.version, deleted=True, audit_seq=seq)


@router.post("/{name}/audit", summary="Membership inference against a model (loss threshold, LiRA)")
def audit_model(
    name: Auditable, body: AuditRequest, ws: Annotated[Workspace, Depends(workspace)]
) -> dict[str, Any]:
    from veil.ml.model_audit import audit_model as run_audit  # scikit-learn, torch

    return run_audit(ws, name, shadows=body.shadows, max_rows=body.max_rows, seed=body.seed).to_dict()


@router.post("/{name}/fairness", summary="Group fairness of a model's held-out predictions (Fairlearn)")
def model_fairness(
    name: Auditable, body: FairnessRequest, ws: Annotated[Workspace, Depends(workspace)]
) -> dict[str, Any]:
    from veil.ml.model_audit import fairness  # Fairlearn, torch

    options = body.model_dump(exclude={"sensitive", "name"})
    return fairness(ws, name, body.sensitive, mitigated_name=body.name, **options).to_dict()
