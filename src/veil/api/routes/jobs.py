"""``/v1/jobs``: status, progress and outcome of background jobs; cancel (``jobs:read``).

Long work (ingest, training, synthesis, retention) is submitted by its own route through
:class:`veil.jobs.JobQueue`, which answers ``202`` with :class:`JobOut` (``JobOut.of(record)``);
these routes read Veil's ``jobs`` table. A caller sees and cancels its own jobs (the job's
actor is the caller's ``Actor.label``); ``admin`` and ``dpo`` see and cancel every job.
Another caller's job is "not found" (404), never "forbidden".
"""

from __future__ import annotations

import secrets
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import Page, page, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.errors import ConflictError, NotFoundError
from veil.jobs import JobQueue, JobRecord, JobState
from veil.workspace import Workspace

__all__ = ["JobList", "JobOut", "job_output_file", "router", "succeeded_job"]

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=problems(400, 404, 409, 503))

#: Roles that see and cancel every job (oversight); the others only their own.
SEE_ALL = frozenset({"admin", "dpo"})

JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The job's id.")]


def job_output_file(ws: Workspace, folder: str, suffix: str) -> FilePath:
    """A new, unguessable file name in ``<workspace>/<folder>`` (made 0700) for a job's output."""
    where = ws.root / folder
    where.mkdir(mode=0o700, exist_ok=True)
    return where / f"{secrets.token_hex(16)}{suffix}"


def succeeded_job(ws: Workspace, actor: Actor, job_id: str, kind: str, what: str) -> JobRecord:
    """The caller's own job ``job_id`` (admin: any) of ``kind``, once it succeeded, for a route that
    hands out what the job wrote: another kind is 404, a purpose the caller may not use is
    refused, and a job still queued, running, failed or cancelled is 409 (``what`` names it)."""
    job = JobQueue(ws).get(job_id, actor=None if actor.role == "admin" else actor.label)
    if job.kind != kind:
        raise NotFoundError(f"job {job_id!r} is not a {kind} job")
    actor.check_purpose(str(job.params["purpose"]))
    if job.state is not JobState.SUCCEEDED:
        state = job.state.value
        raise ConflictError(f"{kind} job {job_id!r} is {state}: its {what} is there once it succeeded")
    return job


class JobProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done: int = Field(description="Units done (bytes read for an ingest; 0 or 1 for one-step work).")
    total: int | None = Field(description="Units in all; null while unknown.")


class JobError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="A stable error code (docs/errors.md).")
    message: str = Field(description="What went wrong and what to do; never a stack trace.")


class JobOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str = Field(description="ingest, training, synthesis, retention, ...")
    params: dict[str, Any] = Field(description="What the job runs with (names files, datasets, purposes).")
    state: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: JobProgress
    result: dict[str, Any] | None = Field(description="The library call's result once succeeded.")
    error: JobError | None = Field(description="Why it failed or was cancelled.")
    actor: str = Field(description="Who submitted it.")
    created_at: str
    started_at: str | None
    finished_at: str | None
    heartbeat_at: str | None = Field(description="The last sign of life of the worker running it.")
    cancel_requested: bool

    @classmethod
    def of(cls, record: JobRecord) -> JobOut:
        data = record.to_dict()
        data.pop("worker")
        return cls.model_validate(data)


class JobList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[JobOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


@router.get("", response_model=JobList, summary="List jobs, newest first (own jobs; admin and dpo: all)")
def list_jobs(
    actor: Annotated[Actor, Depends(require("jobs:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
    state: Annotated[JobState | None, Query(description="Only jobs in this state.")] = None,
) -> JobList:
    found = JobQueue(ws).list(
        state=state, actor=None if actor.role in SEE_ALL else actor.label, limit=at.limit, cursor=at.cursor
    )
    return JobList(items=[JobOut.of(r) for r in found.items], next_cursor=found.next_cursor)


@router.get("/{job_id}", response_model=JobOut, summary="Show a job: state, progress, result or error")
def show_job(
    job_id: JobId,
    actor: Annotated[Actor, Depends(require("jobs:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    return JobOut.of(JobQueue(ws).get(job_id, actor=None if actor.role in SEE_ALL else actor.label))


@router.post(
    "/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel a job: a queued one now, a running one at its next progress report",
)
def cancel_job(
    job_id: JobId,
    actor: Annotated[Actor, Depends(require("jobs:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    owner = None if actor.role in SEE_ALL else actor.label
    return JobOut.of(JobQueue(ws).cancel(job_id, actor=owner, by=actor.label))
