"""``/v1/subjects``: a data subject's export (Art. 15/20) and erasure (Art. 17), for staff
(``veil subject export|erase``; :func:`veil.rights.access.export_subject`,
:func:`veil.rights.erasure.erase_subject` with every erasure participant).

The export is the subject's personal data, decrypted: only ``subjects:read`` (admin, DPO)
gets it. Subject ids travel in request bodies, never in URLs. An erasure whose keys are
destroyed but a store was busy answers 202 with ``status: pending`` (the next Veil
command, or this request again, completes it); a complete one answers 200.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.workspace import Workspace

__all__ = ["router"]

PENDING = "Keys destroyed; a busy store is still to forget them (completed by the next request)."

router = APIRouter(prefix="/subjects", tags=["subjects"], responses=problems(400, 404, 503))

Subject = Annotated[
    str, Field(min_length=1, max_length=256, description="Subject id (as in the subject column).")
]


class SubjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject


class EraseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    reason: str = Field(
        "subject_request", min_length=1, max_length=200, description="Why (recorded in the audit log)."
    )


class ExportOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str
    pseudonym: str
    status: Literal["active", "erased", "not_held"]
    erased_at: str | None
    created_at: str | None
    last_seen_at: str | None
    datasets: dict[str, list[dict[str, Any]]] = Field(description="Dataset -> the subject's rows, decrypted.")
    consent_history: list[dict[str, Any]]
    consent_state: dict[str, bool]
    usage: list[dict[str, Any]] = Field(description="Usage receipt: every audit entry that included them.")
    erasure_pending: list[str]
    models: list[dict[str, Any]] = Field(description="Models trained on the subject, and what they keep.")


class EraseOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pseudonym: str
    already_erased: bool
    key_destroyed: bool
    status: Literal["complete", "pending"]
    rows_deleted: dict[str, int]
    consent_events_deleted: int
    audit_seq: int
    pending: dict[str, str] = Field(description="Store -> why it is still to do (empty when complete).")
    participants: dict[str, dict[str, Any]] = Field(description="Store -> what it removed.")
    erasure_ids: list[str]


@router.post("/export", response_model=ExportOut, summary="Everything held about a subject (decrypted)")
def export(
    body: SubjectIn,
    actor: Annotated[Actor, Depends(require("subjects:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> ExportOut:
    return ExportOut.model_validate(export_subject(ws, body.subject).to_dict())


@router.post(
    "/erase",
    response_model=EraseOut,
    summary="Erase a subject: destroy their data key, delete their rows, keep a tombstone",
    responses={202: {"model": EraseOut, "description": PENDING}},
)
def erase(
    body: EraseIn,
    response: Response,
    actor: Annotated[Actor, Depends(require("subjects:erase"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> EraseOut:
    result = erase_subject(ws, body.subject, reason=body.reason)
    if result.status == "pending":
        response.status_code = 202
    return EraseOut.model_validate(result.to_dict())
