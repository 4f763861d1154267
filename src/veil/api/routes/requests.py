"""``/v1/requests`` (staff) and ``/v1/me/requests`` (the subject's own): data-subject requests
(``veil request``; :class:`veil.rights.requests.RequestRegistry`,
:func:`veil.rights.fulfilment.fulfil`).

Staff (``requests:read`` / ``requests:write``: DPO, admin; auditors read) record requests,
move them through their states, extend them and fulfil them: an access or portability
request answers with its package (JSON, with the Art. 15(1) information), an erasure with its
signed receipt (``GET /v1/requests/{id}/receipt``; verify it with ``veil receipt verify``).
Subject ids travel in request bodies, never in URLs; responses name subjects by pseudonym.

A subject's token (role ``subject``, ``self:read`` / ``self:write``) sees and makes only its
own requests: another subject's request, receipt or package answers 404 exactly as an id
that does not exist (no existence leak). The subject's view leaves out staff details (who
handled the request, the fulfilment's internals).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from veil import clock
from veil.api.deps import Page, page, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.errors import PermissionDeniedError
from veil.rights.deadlines import Regime
from veil.rights.fulfilment import fulfil, package_again
from veil.rights.package import MEDIA_TYPES, PackageFormat
from veil.rights.requests import DenialReason, RequestRegistry, RequestState, RequestType, SubjectRequest
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(tags=["requests"], responses=problems(400, 404, 409, 410, 503))

RequestId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The request's id.")]
Subject = Annotated[
    str, Field(min_length=1, max_length=256, description="Subject id (stored only as its pseudonym).")
]


class DeadlinesOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regime: Regime
    received: str
    confirm_by: str | None = Field(description="CCPA: confirm receipt by (10 business days); GDPR: null.")
    respond_by: str = Field(description="GDPR: one calendar month; CCPA: 45 days.")
    extension_notice_by: str = Field(description="The last day a notice of extension may be sent.")
    extended_respond_by: str
    due: str = Field(description="The response deadline in force (extended or not).")


class RequestOut(BaseModel):
    """A request as staff see it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    subject_pseudonym: str
    type: RequestType
    regime: Regime
    state: RequestState
    denial_reason: DenialReason | None
    received_at: str
    confirm_by: str | None
    confirmed_at: str | None
    due_on: str
    extended_at: str | None
    deadlines: DeadlinesOut
    overdue: bool
    created_by: str
    created_at: str
    updated_at: str
    closed_at: str | None
    result: dict[str, Any] | None = Field(description="The fulfilment's summary (no personal data).")
    has_receipt: bool


class EventOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int
    request_id: str
    ts: str
    actor: str
    from_state: str | None
    to_state: str
    detail: str | None
    audit_seq: int


class RequestDetail(RequestOut):
    events: list[EventOut] = Field(description="Every state change, oldest first, with its actor.")


class RequestList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[RequestOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    type: RequestType
    regime: Regime = Regime.GDPR
    received_at: AwareDatetime | None = Field(
        None, description="When it was received (default: now; not in the future)."
    )


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: RequestState
    reason: DenialReason | None = Field(None, description="Needed for, and only for, a denial.")


class FulfilIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject | None = Field(
        None, description="Only when Veil no longer holds the subject's id (checked against the request)."
    )


class FulfilOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request: RequestOut
    package: dict[str, Any] | None = Field(
        description="Access/portability: the package (schema: veil/rights/data/access_package.schema.json)."
    )
    receipt: dict[str, Any] | None = Field(description="Erasure: the signed receipt.")


class MyRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    regime: Regime = Regime.GDPR


class MyRequestOut(BaseModel):
    """A request as its subject sees it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    type: RequestType
    regime: Regime
    state: RequestState
    denial_reason: DenialReason | None
    received_at: str
    confirm_by: str | None
    due_on: str
    extended_at: str | None
    closed_at: str | None
    has_receipt: bool


class MyRequestList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[MyRequestOut]
    next_cursor: str | None


def _out(req: SubjectRequest) -> RequestOut:
    return RequestOut.model_validate(req.to_dict())


def _mine(req: SubjectRequest) -> MyRequestOut:
    data = req.to_dict()
    return MyRequestOut.model_validate({k: data[k] for k in MyRequestOut.model_fields})


def _own(actor: Actor) -> str:
    """The pseudonym a subject's token is bound to (a subject token without one gets nothing)."""
    if actor.subject is None:
        raise PermissionDeniedError("this token is not bound to a data subject")
    return actor.subject


PACKAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The package in the format asked for.",
        "content": {t: {} for t in MEDIA_TYPES.values()},
    }
}

# -- staff -------------------------------------------------------------------------------------


@router.get("/requests", response_model=RequestList, summary="List requests (?overdue=true: past a deadline)")
def list_requests(
    actor: Annotated[Actor, Depends(require("requests:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
    overdue: Annotated[bool, Query(description="Only open requests past a deadline now.")] = False,
    state: Annotated[RequestState | None, Query()] = None,
    type: Annotated[RequestType | None, Query()] = None,
) -> RequestList:
    now = clock.now()
    result = RequestRegistry(ws).list(
        state=state, type=type, overdue_at=now if overdue else None, limit=at.limit, cursor=at.cursor
    )
    items = [RequestOut.model_validate(r.to_dict(now)) for r in result.items]
    return RequestList(items=items, next_cursor=result.next_cursor)


@router.post("/requests", response_model=RequestOut, status_code=201, summary="Record a request")
def create_request(
    body: RequestIn,
    actor: Annotated[Actor, Depends(require("requests:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RequestOut:
    return _out(
        RequestRegistry(ws).create(
            subject_id=body.subject,
            type=body.type,
            regime=body.regime,
            received_at=body.received_at,
            actor=actor.label,
        )
    )


@router.get("/requests/{request_id}", response_model=RequestDetail, summary="A request and its history")
def show_request(
    request_id: RequestId,
    actor: Annotated[Actor, Depends(require("requests:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RequestDetail:
    registry = RequestRegistry(ws)
    req = registry.get(request_id)
    events = [e.to_dict() for e in registry.events(request_id)]
    return RequestDetail.model_validate({**req.to_dict(), "events": events})


@router.post(
    "/requests/{request_id}/transition", response_model=RequestOut, summary="Change a request's state"
)
def transition_request(
    request_id: RequestId,
    body: TransitionIn,
    actor: Annotated[Actor, Depends(require("requests:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RequestOut:
    return _out(RequestRegistry(ws).transition(request_id, body.state, reason=body.reason, actor=actor.label))


@router.post(
    "/requests/{request_id}/extend",
    response_model=RequestOut,
    summary="Extend the deadline as the notice is sent (once, within the first period)",
)
def extend_request(
    request_id: RequestId,
    actor: Annotated[Actor, Depends(require("requests:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RequestOut:
    return _out(RequestRegistry(ws).extend(request_id, actor=actor.label))


@router.post(
    "/requests/{request_id}/fulfil",
    response_model=FulfilOut,
    summary="Fulfil an access, portability or erasure request in progress",
)
def fulfil_request(
    request_id: RequestId,
    body: FulfilIn,
    actor: Annotated[Actor, Depends(require("requests:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> FulfilOut:
    done = fulfil(ws, request_id, subject_id=body.subject, actor=actor.label)
    return FulfilOut(
        request=_out(done.request),
        package=done.package.data if done.package is not None else None,
        receipt=done.receipt,
    )


@router.get("/requests/{request_id}/receipt", summary="The signed erasure receipt of a fulfilled erasure")
def request_receipt(
    request_id: RequestId,
    actor: Annotated[Actor, Depends(require("requests:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> dict[str, Any]:
    return RequestRegistry(ws).receipt(request_id)


# -- the subject's own -------------------------------------------------------------------------


@router.get("/me/requests", response_model=MyRequestList, summary="My requests")
def my_requests(
    actor: Annotated[Actor, Depends(require("self:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
) -> MyRequestList:
    result = RequestRegistry(ws).list(pseudonym=_own(actor), limit=at.limit, cursor=at.cursor)
    return MyRequestList(items=[_mine(r) for r in result.items], next_cursor=result.next_cursor)


@router.post("/me/requests", response_model=MyRequestOut, status_code=201, summary="Make a request")
def make_my_request(
    body: MyRequestIn,
    actor: Annotated[Actor, Depends(require("self:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> MyRequestOut:
    req = RequestRegistry(ws).create(
        pseudonym=_own(actor), type=body.type, regime=body.regime, actor=actor.label
    )
    return _mine(req)


@router.get("/me/requests/{request_id}", response_model=MyRequestOut, summary="One of my requests")
def my_request(
    request_id: RequestId,
    actor: Annotated[Actor, Depends(require("self:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> MyRequestOut:
    return _mine(RequestRegistry(ws).get(request_id, pseudonym=_own(actor)))


@router.get("/me/requests/{request_id}/receipt", summary="The signed receipt of my erasure")
def my_receipt(
    request_id: RequestId,
    actor: Annotated[Actor, Depends(require("self:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> dict[str, Any]:
    return RequestRegistry(ws).receipt(request_id, pseudonym=_own(actor))


@router.get(
    "/me/requests/{request_id}/package",
    summary="My data: the package of my fulfilled access or portability request",
    response_class=Response,
    responses=PACKAGE_RESPONSES,
)
def my_package(
    request_id: RequestId,
    actor: Annotated[Actor, Depends(require("self:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    format: Annotated[Literal["json", "csv", "html"], Query(description="json, csv or html.")] = "json",
) -> Response:
    fmt: PackageFormat = format
    package = package_again(ws, request_id, pseudonym=_own(actor))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        package.render(fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="veil-data-{stamp}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )
