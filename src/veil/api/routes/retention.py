"""``/v1/retention``: storage limitation, erase every subject no purpose still justifies keeping
(``veil retention enforce``; a ``retention`` job, :mod:`veil.jobs.kinds.retention`, runs
:func:`veil.rights.retention.enforce_retention`).

A data steward's task (``datasets:write``: the scope of whoever manages what the datasets
hold). ``dry_run`` only reports. The answer is 202 with the job; its result (subjects
checked, expired, erased, rows deleted) is at ``GET /v1/jobs/{id}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator

from veil import clock
from veil.api.deps import workspace
from veil.api.routes.jobs import JobOut
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.jobs import JobQueue
from veil.rights.retention import DEFAULT_GRACE_DAYS
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/retention", tags=["retention"], responses=problems(400, 503))


class RetentionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(False, description="Only report what would be erased.")
    as_of: str | None = Field(
        None, max_length=64, description="Evaluate at this ISO-8601 time (default now)."
    )
    grace_days: int = Field(
        DEFAULT_GRACE_DAYS, ge=0, le=36500, description="Days data without any lawful basis may be kept."
    )

    @field_validator("as_of")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value:
            clock.parse_ts(value)
        return value


@router.post(
    "/run",
    response_model=JobOut,
    status_code=202,
    summary="Erase every subject whose retention has passed (a retention job)",
)
def run(
    body: RetentionIn,
    actor: Annotated[Actor, Depends(require("datasets:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    return JobOut.of(JobQueue(ws).submit("retention", body.model_dump(exclude_none=True), actor.label))
