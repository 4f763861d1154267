"""``/v1/breaches``: the breach register (``veil breach``; :class:`veil.breach.register.BreachRegister`).

The DPO (``breach:write``; admin too) opens a breach with what leaked, assesses it (which
subjects and categories, sealed or in clear, ENISA severity), adds phased updates, records the
notification to the supervisory authority (a late one needs the reason) and closes it; the
Art. 33(3) draft is ``GET /v1/breaches/{id}/draft``, and ``POST /v1/breaches/{id}/tell`` shows
each exposed subject their notice in the portal. Auditors read (``breach:read``). Answers name
counts and categories, never a subject.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.breach.notice import authority_notice
from veil.breach.register import BreachRecord, BreachRegister
from veil.breach.severity import Circumstances
from veil.vault.backup_folder import BackupFolder
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/breaches", tags=["breaches"], responses=problems(400, 404, 409, 503))

BreachId = Annotated[str, Path(pattern=r"^br_[0-9a-f]{16}$", description="The breach's id.")]
Loss = Literal["none", "partial", "full"]


class CircumstancesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confidentiality: Loss = "partial"
    integrity: Loss = "none"
    availability: Loss = "none"
    malicious: bool = False


class BreachIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=4000, description="What happened, without personal data.")
    leaks: list[Annotated[str, Field(min_length=1, max_length=600)]] = Field(
        min_length=1,
        max_length=50,
        description="What leaked: dataset:NAME, data-store, key-store, kek:VERSION, backup:NAME (a file "
        "of the service's backup folder), "
        "release:SEQ, access:ACTOR@FROM..TO",
    )
    aware_at: AwareDatetime | None = Field(
        None, description="When the controller became aware (default now)."
    )
    circumstances: CircumstancesIn = CircumstancesIn()


class AssessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ease: Literal["negligible", "limited", "significant", "maximum"] | None = None
    ease_reason: str = Field("", max_length=2000)
    dpc_adjustment: float = Field(0.0, ge=-3, le=3)
    dpc_reason: str = Field("", max_length=2000)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000)


class NotifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime | None = None
    delay_reason: str = Field("", max_length=4000)


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=4000)


class EventOut(BaseModel):
    seq: int
    ts: str
    actor: str
    kind: str
    note: str
    audit_seq: int


class BreachOut(BaseModel):
    id: str
    title: str
    state: str
    aware_at: str
    notify_by: str
    hours_left: float | None
    overdue: bool
    late: bool
    leaks: list[str]
    circumstances: dict[str, Any]
    assessment: dict[str, Any] | None = Field(description="Counts, categories and severity (no subject).")
    severity: float | None
    band: str | None
    notified_at: str | None
    delay_reason: str | None
    not_notified_reason: str | None
    opened_by: str
    opened_at: str
    closed_at: str | None
    events: list[EventOut]

    @classmethod
    def of(cls, r: BreachRecord) -> BreachOut:
        data = r.to_dict()
        data["events"] = [EventOut(**e) for e in data["events"]]
        return cls(**{k: v for k, v in data.items() if k in cls.model_fields})


class TellOut(BaseModel):
    breach: str
    subjects_told: int


Write = Annotated[Actor, Depends(require("breach:write"))]
Read = Annotated[Actor, Depends(require("breach:read"))]
Ws = Annotated[Workspace, Depends(workspace)]


@router.get("", response_model=list[BreachOut], summary="The breach register")
def list_breaches(
    _: Read,
    ws: Ws,
    state: Annotated[Literal["open", "assessed", "notified", "closed"] | None, Query()] = None,
    overdue: Annotated[bool, Query(description="Only those past 72 hours and not notified.")] = False,
) -> list[BreachOut]:
    return [BreachOut.of(r) for r in BreachRegister(ws).list(state=state, overdue=overdue)]


def _server_side(ws: Workspace, leaks: list[str]) -> list[str]:
    """A backup is named as the service names it (its backup folder), never by a client's path."""
    out = []
    for leak in leaks:
        kind, _, value = leak.partition(":")
        if kind.strip() == "backup":
            out.append("backup:" + str(BackupFolder.configured(ws.root).file(value.strip())))
        else:
            out.append(leak)
    return out


@router.post("", response_model=BreachOut, status_code=201, summary="Record a breach (Art. 33(5))")
def open_breach(body: BreachIn, actor: Write, ws: Ws) -> BreachOut:
    record = BreachRegister(ws, actor.label).open(
        body.title,
        _server_side(ws, body.leaks),
        aware_at=body.aware_at,
        circumstances=Circumstances(**body.circumstances.model_dump()),
    )
    return BreachOut.of(record)


@router.get("/{breach_id}", response_model=BreachOut, summary="One breach with its events")
def show_breach(breach_id: BreachId, _: Read, ws: Ws) -> BreachOut:
    return BreachOut.of(BreachRegister(ws).get(breach_id))


@router.post("/{breach_id}/assess", response_model=BreachOut, summary="Who and what leaked; ENISA severity")
def assess_breach(breach_id: BreachId, body: AssessIn, actor: Write, ws: Ws) -> BreachOut:
    record = BreachRegister(ws, actor.label).assess(breach_id, **body.model_dump())
    return BreachOut.of(record)


@router.post("/{breach_id}/updates", response_model=BreachOut, summary="Phased information (Art. 33(4))")
def update_breach(breach_id: BreachId, body: NoteIn, actor: Write, ws: Ws) -> BreachOut:
    return BreachOut.of(BreachRegister(ws, actor.label).update(breach_id, body.note))


@router.post(
    "/{breach_id}/notify", response_model=BreachOut, summary="Record the notification to the authority"
)
def notify_breach(breach_id: BreachId, body: NotifyIn, actor: Write, ws: Ws) -> BreachOut:
    record = BreachRegister(ws, actor.label).notify(breach_id, at=body.at, delay_reason=body.delay_reason)
    return BreachOut.of(record)


@router.post("/{breach_id}/close", response_model=BreachOut, summary="Close a breach")
def close_breach(breach_id: BreachId, body: CloseIn, actor: Write, ws: Ws) -> BreachOut:
    return BreachOut.of(BreachRegister(ws, actor.label).close(breach_id, reason=body.reason))


@router.get("/{breach_id}/draft", summary="The draft notification to the authority (Art. 33(3)(a)-(d))")
def draft_breach(breach_id: BreachId, _: Read, ws: Ws) -> dict[str, Any]:
    return authority_notice(ws, BreachRegister(ws).get(breach_id))


@router.post(
    "/{breach_id}/tell", response_model=TellOut, summary="Show exposed subjects their notice (Art. 34)"
)
def tell_subjects(breach_id: BreachId, actor: Write, ws: Ws) -> TellOut:
    return TellOut(breach=breach_id, subjects_told=BreachRegister(ws, actor.label).tell_subjects(breach_id))
