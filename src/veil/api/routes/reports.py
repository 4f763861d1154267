"""``/v1/reports``: records of processing (Art. 30), DPIAs (Art. 35) and their status
(``veil report``; :mod:`veil.reports`).

The DPO (``reports:write``; admin too) generates a report — it is recorded with the material
facts it rests on — and validates or refuses a DPIA with an opinion; auditors read the status
(``reports:read``). JSON here (``format=jsonld`` for W3C DPV, ``format=cnil`` for the CNIL PIA
software); HTML and PDF come from the CLI.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.reports.cnil import to_cnil
from veil.reports.dpia import assess_dpia
from veil.reports.dpv import to_jsonld
from veil.reports.facts import gather_facts
from veil.reports.processing import records_of_processing
from veil.reports.store import ReportStore
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/reports", tags=["reports"], responses=problems(400, 404, 409, 503))

ReportId = Annotated[str, Path(pattern=r"^rp_[0-9a-f]{16}$")]
Write = Annotated[Actor, Depends(require("reports:write"))]
Read = Annotated[Actor, Depends(require("reports:read"))]
Ws = Annotated[Workspace, Depends(workspace)]


class ProcessingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "jsonld"] = "json"


class DpiaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=64)
    format: Literal["json", "cnil"] = "json"


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["validated", "refused"]
    opinion: str = Field(min_length=1, max_length=8000)


class StatusOut(BaseModel):
    id: str
    kind: str
    scope: str
    generated_at: str
    status: str
    outdated: bool
    changed: list[str] = Field(description="The material facts that changed since it was generated.")


class DecisionOut(BaseModel):
    id: str
    status: str
    scope: str


@router.post("/processing", status_code=201, summary="Records of processing activities (Art. 30(1))")
def processing(body: ProcessingIn, actor: Write, ws: Ws) -> dict[str, Any]:
    facts = gather_facts(ws)
    report = records_of_processing(facts, ws.config.workspace_id)
    stored = ReportStore(ws).record("processing", "*", facts, report.to_dict())
    return to_jsonld(report) if body.format == "jsonld" else {"report_id": stored.id, **report.to_dict()}


@router.post("/dpia", status_code=201, summary="A data protection impact assessment (Art. 35)")
def dpia(body: DpiaIn, actor: Write, ws: Ws) -> dict[str, Any]:
    facts = gather_facts(ws)
    assessment = assess_dpia(facts, body.purpose)
    stored = ReportStore(ws).record("dpia", body.purpose, facts, assessment.to_dict())
    if body.format == "cnil":
        return to_cnil(
            assessment, name=f"{body.purpose} (Veil)", author=actor.label, dpo=facts.controller.get("dpo")
        )
    return {"report_id": stored.id, **assessment.to_dict()}


@router.get(
    "/status", response_model=list[StatusOut], summary="Which reports a material change made outdated"
)
def status(_: Read, ws: Ws) -> list[StatusOut]:
    return [StatusOut(**r.to_dict()) for r in ReportStore(ws).status()]


@router.post(
    "/{report_id}/decision", response_model=DecisionOut, summary="The DPO validates or refuses a DPIA"
)
def decide(report_id: ReportId, body: DecisionIn, actor: Write, ws: Ws) -> DecisionOut:
    rep = ReportStore(ws).decide(report_id, body.decision, body.opinion)
    return DecisionOut(id=rep.id, status=rep.status, scope=rep.scope)
