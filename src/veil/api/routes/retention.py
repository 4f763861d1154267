"""``/v1/retention``: storage limitation, erase every subject no purpose still justifies keeping
(``veil retention enforce``; :func:`veil.rights.retention.enforce_retention`).

A data steward's task (``datasets:write``: the scope of whoever manages what the datasets
hold). ``dry_run`` only reports. An erasure left pending by a busy store answers 202
(keys destroyed; the next Veil command completes it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from veil import clock
from veil.api.deps import workspace
from veil.api.security import Actor, require
from veil.rights.retention import DEFAULT_GRACE_DAYS, enforce_retention
from veil.workspace import Workspace

__all__ = ["router"]

PENDING = "Keys destroyed; a busy store is still to forget them (completed by the next request)."

router = APIRouter(prefix="/retention", tags=["retention"])


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

    def when(self) -> datetime | None:
        return clock.parse_ts(self.as_of) if self.as_of else None


class RetentionOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: str
    dry_run: bool
    subjects_checked: int
    expired: int
    erased: int
    rows_deleted: dict[str, int]
    expired_pseudonyms: list[str]
    status: Literal["complete", "pending"]
    pending: dict[str, str]


@router.post(
    "/run",
    response_model=RetentionOut,
    summary="Erase every subject whose retention has passed",
    responses={202: {"model": RetentionOut, "description": PENDING}},
)
def run(
    body: RetentionIn,
    response: Response,
    actor: Annotated[Actor, Depends(require("datasets:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RetentionOut:
    result = enforce_retention(ws, dry_run=body.dry_run, as_of=body.when(), grace_days=body.grace_days)
    if result.status == "pending":
        response.status_code = 202
    return RetentionOut.model_validate(result.to_dict())
