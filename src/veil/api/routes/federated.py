"""``/v1/federated``: federated learning across site workspaces as a job (``federated:write``).

``POST /v1/federated`` answers 202 with the job (``GET /v1/jobs/{id}``: state, progress one
round at a time, the run's metrics once it succeeded); ``POST /v1/jobs/{id}/cancel`` cancels it
between rounds. The job does what ``veil federated`` does (:mod:`veil.jobs.kinds.federated`,
:func:`~veil.ml.federated.run_federated`): Flower's FedAvg on loopback, each site reading only
its lawful subjects for the purpose, only model parameters leaving a site. The serving
workspace is the first site; the others are the workspaces its administrator lists under
``[federated] sites`` in ``veil.toml`` (any other path is refused). The final model (JSON: the
shared encoding, weights and bias — no personal data) is at ``GET /v1/federated/{id}/model``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.jobs import JobOut, job_output_file, succeeded_job
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.jobs import JobQueue
from veil.jobs.kinds.federated import check_sites
from veil.workspace import Workspace

__all__ = ["FederatedRequest", "router"]

router = APIRouter(prefix="/federated", tags=["federated"], responses=problems(400, 404, 409, 501, 503))

#: The folder of a workspace where federated jobs started over the API write their models.
MODELS_DIR = "federated"

Name = Annotated[str, Field(min_length=1, max_length=128)]


class FederatedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sites: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        min_length=1,
        max_length=16,
        description="The other sites' workspace paths on the server (each listed under [federated] "
        "sites in the serving workspace's veil.toml); the serving workspace is the first site.",
    )
    dataset: str = Field(max_length=64, description="The dataset every site trains on (same name).")
    purpose: str = Field(max_length=64, description="Only each site's lawful subjects are read.")
    target: str = Field(max_length=128, description="Binary target column.")
    features: list[Name] = Field(min_length=1, max_length=256, description="Feature columns.")
    positive: str | None = Field(None, max_length=256, description="The target's positive value.")
    bounds: dict[str, list[float]] | None = Field(
        None, description="Column -> [low, high] of a numeric feature (default: site 1's DP policy)."
    )
    categories: dict[str, list[str]] | None = Field(
        None, description="Column -> its values, of a categorical feature (default: site 1's keys)."
    )
    rounds: int = Field(3, ge=1, le=100, description="FedAvg rounds.")
    local_epochs: int = Field(5, ge=1, le=100, description="Local epochs per round.")
    learning_rate: float = Field(0.5, gt=0, description="Local SGD step size.")
    holdout: float = Field(0.2, ge=0, lt=1, description="Share of each site's rows held out.")
    dp_clip: float | None = Field(None, gt=0, description="Clip each site's update to this L2 norm.")
    dp_noise: float = Field(0.0, ge=0, description="Gaussian noise multiplier (needs dp_clip).")
    secagg: bool = Field(False, description="Aggregate with SecAgg+ (needs three sites or more).")
    seed: int = 0
    timeout: float = Field(900.0, gt=0, le=86_400, description="Seconds the run may take.")


@router.post(
    "",
    status_code=202,
    summary="Train a logistic regression across sites with Flower as a job (progress per round)",
)
def federated(
    body: FederatedRequest,
    actor: Annotated[Actor, Depends(require("federated:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    actor.check_purpose(body.purpose)
    sites = [str(ws.root.resolve()), *body.sites]
    check_sites(ws, sites)
    params: dict[str, Any] = {**body.model_dump(exclude_none=True), "sites": sites}
    params["out"] = str(job_output_file(ws, MODELS_DIR, ".json"))
    return JobOut.of(JobQueue(ws).submit("federated", params, actor.label))


@router.get(
    "/{job_id}/model",
    response_class=FileResponse,
    responses={200: {"content": {"application/json": {}}, "description": "The final model (JSON)."}},
    summary="The model a succeeded federated job wrote (the caller's own job; admin: any)",
)
def federated_model(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The federated job's id.")],
    actor: Annotated[Actor, Depends(require("federated:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> FileResponse:
    job = succeeded_job(ws, actor, job_id, "federated", "model")
    name = f"{job.params['dataset']}-federated.json"
    return FileResponse(str(job.params["out"]), media_type="application/json", filename=name)
