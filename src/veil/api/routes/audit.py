"""``/v1/audit``: read the tamper-evident audit log, page by page, and verify it
(``veil audit log|verify``; :class:`veil.audit.log.AuditLog`).

Entries hold pseudonym digests and counts, never personal data. Pages follow the
sequence numbers: ``next_cursor`` is the last entry's ``seq``. A verification that finds
damage is an answer (``ok: false`` with the first bad entry and why), not an error.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import MAX_LIMIT, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"], responses=problems(400, 503))


class EntryOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int
    ts: str
    actor: str
    action: str
    purpose: str | None
    dataset: str | None
    subject_count: int
    subjects_digest: str | None = Field(description="SHA-256 over the pseudonyms the entry included.")
    details: dict[str, Any]
    prev_hash: str
    hash: str


class EntryList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[EntryOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class VerifyOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str | None
    anchor_seq: int | None = Field(description="The entry the key-store anchor vouches for.")


@router.get("/entries", response_model=EntryList, summary="Audit entries in sequence order")
def entries(
    actor: Annotated[Actor, Depends(require("audit:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Entries per page (at most 500).")] = 50,
    cursor: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{1,18}$",
            description="The `next_cursor` of the previous page (a sequence number).",
        ),
    ] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="Only this action, e.g. subject.erase.")
    ] = None,
    by: Annotated[
        str | None, Query(alias="actor", max_length=128, description="Only this actor, e.g. api_key:<id>.")
    ] = None,
    purpose: Annotated[str | None, Query(max_length=64, description="Only this purpose.")] = None,
    subject: Annotated[
        str | None, Query(max_length=64, description="Only entries that included this subject pseudonym.")
    ] = None,
) -> EntryList:
    found = ws.audit.entries(
        since=int(cursor or 0), limit=limit + 1, action=action, actor=by, purpose=purpose, subject=subject
    )
    items = found[:limit]
    next_cursor = str(items[-1].seq) if len(found) > limit else None
    return EntryList(items=[EntryOut.model_validate(e.to_dict()) for e in items], next_cursor=next_cursor)


@router.get("/verify", response_model=VerifyOut, summary="Check the hash chain, its MAC'd head and anchor")
def verify(
    actor: Annotated[Actor, Depends(require("audit:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> VerifyOut:
    return VerifyOut.model_validate(ws.audit.verify().to_dict())
