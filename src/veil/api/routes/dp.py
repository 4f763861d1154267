"""``/v1/dp`` and ``/v1/budgets``: DP queries and synthetic copies, and the datasets' privacy budgets.

A query or synthesis runs under a purpose the caller must hold (an analyst's granted
purposes: :meth:`~veil.api.security.Actor.check_purpose`) and is charged to the dataset's
budget by the library (:class:`~veil.dp.query.DpQuery`, :class:`~veil.dp.synthesis.Synthesizer`,
the same as ``veil query`` / ``veil synth``; a synthesis runs as a job), which reads only what the
:class:`~veil.vault.release.Release` gate lets that purpose see. A budget is a dataset's: one
analyst spending a dataset's budget leaves every other dataset's as it was.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import Page, page, workspace
from veil.api.routes.jobs import JobOut, job_output_file, succeeded_job
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.dp.budget import BudgetLedger
from veil.dp.engines import ENGINES
from veil.jobs import JobQueue
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(tags=["dp"], responses=problems(400, 404, 409, 501, 503))

PARQUET = "application/vnd.apache.parquet"
#: The folder of a workspace where synthesis jobs started over the API write their copies.
SYNTHETIC_DIR = "synthetic"

DatasetName = Annotated[str, Path(max_length=64, description="Dataset.")]


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(
        max_length=20_000, description='e.g. "SELECT state, COUNT(*) FROM people GROUP BY state"'
    )
    dataset: str = Field(max_length=64)
    purpose: str = Field(max_length=64, description="A purpose the caller holds; only lawful subjects count.")
    epsilon: float = Field(gt=0, description="Privacy loss the query may spend.")
    delta: float = Field(0.0, ge=0, lt=1, description="For private group selection (undeclared keys).")
    engine: str = Field("duckdb", description=f"Where the plan runs: {', '.join(ENGINES)}.")


class QueryResponse(BaseModel):
    """The library's result (:class:`veil.dp.query.DpResult`): each noisy column c with c_ci95."""

    dataset: str
    purpose: str
    engine: str
    rows: list[dict[str, Any]]
    epsilon_spent: float
    delta_spent: float
    budget_remaining: dict[str, float]
    audit_seq: int
    seconds: float
    mechanisms: list[dict[str, Any]]


class SynthRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(max_length=64)
    purpose: str = Field(max_length=64)
    epsilon: float = Field(gt=0)
    delta: float = Field(0.0, ge=0, lt=1, description="Needed when category values are not declared.")
    columns: list[str] | None = Field(None, description="Columns to copy (default: all the purpose allows).")
    rows: int | None = Field(None, ge=1, le=100_000, description="Synthetic rows (default: about as many).")
    seed: int | None = None


class BudgetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    epsilon: float = Field(ge=0, description="Total epsilon the dataset may spend.")
    delta: float = Field(0.0, ge=0, lt=1, description="Total delta the dataset may spend.")


class BudgetResponse(BaseModel):
    dataset: str
    epsilon: float
    delta: float
    epsilon_spent: float
    delta_spent: float
    epsilon_remaining: float
    delta_remaining: float
    charges: int
    accounting: str
    epsilon_spent_basic: float


class ChargeOut(BaseModel):
    seq: int
    dataset: str
    ts: str
    actor: str
    kind: str
    purpose: str
    epsilon: float
    delta: float
    rho: float | None
    epsilon_other: float | None
    audit_seq: int


class ChargePage(BaseModel):
    items: list[ChargeOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


@router.post("/dp/query", summary="Answer an aggregate SQL query with differential privacy")
def query(
    body: QueryRequest,
    actor: Annotated[Actor, Depends(require("dp:query"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> QueryResponse:
    from veil.dp.query import DpQuery  # the DP stack (OpenDP, DuckDB, sqlglot): on the first query

    actor.check_purpose(body.purpose)
    result = DpQuery(ws).run(
        body.sql, body.dataset, body.purpose, body.epsilon, body.delta, engine=body.engine
    )
    return QueryResponse.model_validate(result.to_dict())


@router.post(
    "/dp/synth",
    status_code=202,
    summary="Start a DP synthetic copy of a dataset (MST) as a job; GET .../data when it succeeded",
)
def synth(
    body: SynthRequest,
    actor: Annotated[Actor, Depends(require("dp:synth"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    actor.check_purpose(body.purpose)
    out = job_output_file(ws, SYNTHETIC_DIR, ".parquet")
    params = {**body.model_dump(exclude_none=True), "out": str(out)}
    return JobOut.of(JobQueue(ws).submit("synthesis", params, actor.label))


@router.get(
    "/dp/synth/{job_id}/data",
    response_class=FileResponse,
    responses={200: {"content": {PARQUET: {}}, "description": "The synthetic rows (Parquet)."}},
    summary="The synthetic copy a succeeded synthesis job wrote (the caller's own job; admin: any)",
)
def synth_data(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The synthesis job's id.")],
    actor: Annotated[Actor, Depends(require("dp:synth"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> FileResponse:
    job = succeeded_job(ws, actor, job_id, "synthesis", "data")
    return FileResponse(
        str(job.params["out"]), media_type=PARQUET, filename=f"{job.params['dataset']}-synthetic.parquet"
    )


@router.get("/budgets/{dataset}", summary="A dataset's privacy budget: total, spent, remaining")
def budget_show(
    dataset: DatasetName,
    actor: Annotated[Actor, Depends(require("budgets:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> BudgetResponse:
    return BudgetResponse.model_validate(BudgetLedger(ws).show(dataset).to_dict())


@router.get("/budgets/{dataset}/charges", summary="The charges to a dataset's budget, oldest first")
def budget_charges(
    dataset: DatasetName,
    actor: Annotated[Actor, Depends(require("budgets:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
) -> ChargePage:
    after = int(at.cursor) if at.cursor is not None and at.cursor.isdigit() else 0
    ledger = BudgetLedger(ws)
    ledger.show(dataset)  # NotFoundError for a dataset without a budget
    rows = ledger.history(dataset, after=after, limit=at.limit + 1)
    items = rows[: at.limit]
    more = len(rows) > at.limit
    return ChargePage.model_validate({"items": items, "next_cursor": str(items[-1]["seq"]) if more else None})


@router.put("/budgets/{dataset}", summary="Set a dataset's total privacy budget (spent budget stays spent)")
def budget_set(
    dataset: DatasetName,
    body: BudgetRequest,
    actor: Annotated[Actor, Depends(require("budgets:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> BudgetResponse:
    return BudgetResponse.model_validate(BudgetLedger(ws).set(dataset, body.epsilon, body.delta).to_dict())
