"""``/v1/consent``: record grants and withdrawals, import many, read a subject's state
(``veil consent grant|withdraw|import|show``; :class:`veil.consent.ledger.ConsentLedger`).

Subject ids travel in request bodies, never in URLs (URLs end up in access logs and
proxies). Answers carry the ledger's events without their evidence (which is sealed
under the subject's key): ``has_evidence`` says whether there is some. The rules of the
ledger apply unchanged: a withdrawal wins over every grant recorded before it, and a
grant dated before a recorded withdrawal does not bring consent back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator

from veil import clock
from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.consent.ledger import ConsentAction, ConsentEvent, ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/consent", tags=["consent"], responses=problems(400, 404, 409, 410, 503))

#: The most events one import request may carry (larger imports: several requests, or the CLI).
MAX_IMPORT = 10_000
Subject = Annotated[
    str, Field(min_length=1, max_length=256, description="Subject id (as in the subject column).")
]
PurposeName = Annotated[str, Field(min_length=1, max_length=64, description="Purpose name.")]
Evidence = Annotated[
    str | None, Field(None, max_length=2000, description="e.g. a form id (sealed under the subject's key).")
]


def _when(value: str | None) -> datetime | None:
    """An ISO-8601 date or time (naive: UTC), as ``--at`` takes it; a bad one is a 422."""
    return clock.parse_ts(value) if value else None


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    purpose: PurposeName
    evidence: Evidence
    at: str | None = Field(
        None,
        max_length=64,
        description="When it happened (ISO-8601; default now). May lie in the past, not in the future.",
    )

    @field_validator("at")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        _when(value)
        return value


class EventOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(description="Place in the record order.")
    purpose: str
    action: ConsentAction
    ts: str = Field(description="The stated time.")
    recorded_at: str
    has_evidence: bool

    @classmethod
    def of(cls, e: ConsentEvent) -> EventOut:
        return cls(
            seq=e.seq,
            purpose=e.purpose,
            action=e.action,
            ts=e.ts,
            recorded_at=e.recorded_at,
            has_evidence=e.evidence is not None,
        )


class ImportRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    purpose: PurposeName
    action: Literal["grant", "withdraw"]
    timestamp: str | None = Field(None, max_length=64, description="ISO-8601 (default: now).")
    evidence: Evidence


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[ImportRow] = Field(min_length=1, max_length=MAX_IMPORT)


class ImportOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: int
    subjects: int
    skipped_erased: int = Field(description="Events of erased subjects, not recorded.")


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    purpose: PurposeName | None = Field(None, description="One purpose (default: every purpose).")


class StateOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: dict[str, bool] = Field(
        description="Purpose -> granted now (purposes with events, or the one asked)."
    )
    history: list[EventOut] = Field(description="The subject's events for those purposes, in record order.")


def _record(ws: Workspace, action: ConsentAction, body: ConsentIn) -> EventOut:
    event = ConsentLedger(ws).record(
        body.subject, body.purpose, action, evidence=body.evidence, at=_when(body.at)
    )
    return EventOut.of(event)


@router.post("/grants", response_model=EventOut, status_code=201, summary="Record a grant of consent")
def grant(
    body: ConsentIn,
    actor: Annotated[Actor, Depends(require("consent:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> EventOut:
    return _record(ws, ConsentAction.GRANT, body)


@router.post(
    "/withdrawals", response_model=EventOut, status_code=201, summary="Record a withdrawal of consent"
)
def withdraw(
    body: ConsentIn,
    actor: Annotated[Actor, Depends(require("consent:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> EventOut:
    return _record(ws, ConsentAction.WITHDRAW, body)


@router.post("/import", response_model=ImportOut, summary="Import consent events (all or nothing)")
def import_events(
    body: ImportIn,
    actor: Annotated[Actor, Depends(require("consent:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> ImportOut:
    rows: list[tuple[str, dict[str, Any]]] = [
        (f"events[{i}]", row.model_dump()) for i, row in enumerate(body.events)
    ]
    result = ConsentLedger(ws).import_events(rows, source="api")
    return ImportOut(events=result.events, subjects=result.subjects, skipped_erased=result.skipped_erased)


@router.post("/state", response_model=StateOut, summary="A subject's consent state and history")
def state(
    body: StateIn,
    actor: Annotated[Actor, Depends(require("consent:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> StateOut:
    if body.purpose is not None:
        PurposeRegistry(ws).get(body.purpose)  # an unknown purpose is a 404
    history, granted = ConsentLedger(ws).standing(body.subject, body.purpose)
    return StateOut(state=granted, history=[EventOut.of(e) for e in history])
