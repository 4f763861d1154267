"""The staff requests queue (``/ui/requests``): data-subject requests with their statutory
clocks, overdue ones first; one request's clock and history; its actions.

Reading needs ``requests:read`` (DPO, admin, auditor); the actions ``requests:write``. The
actions are the library calls the API's ``/v1/requests`` routes make
(:class:`~veil.rights.requests.RequestRegistry`, :func:`~veil.rights.fulfilment.fulfil`):
verify (a state change), extend with the notice's reason (one of
:class:`~veil.rights.requests.ExtensionReason`, kept in the audit entry), fulfil (an access
package or an erasure with its signed receipt), deny with a reason from the fixed list.
Subjects appear by pseudonym only. Every form is a plain POST with the session's CSRF token,
answered by a redirect to the request's page with what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from veil import clock
from veil.api.security import Actor
from veil.errors import VeilError
from veil.rights.deadlines import Regime
from veil.rights.fulfilment import fulfil, package_again
from veil.rights.package import MEDIA_TYPES, PackageFormat
from veil.rights.requests import (
    FULFILLED_BY_VEIL,
    OPEN_STATES,
    TRANSITIONS,
    DenialReason,
    ExtensionReason,
    RequestRegistry,
    RequestState,
    RequestType,
    SubjectRequest,
)
from veil.web import session as web_session
from veil.web.deps import csrf, render, staff
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/ui/requests", include_in_schema=False)

RequestId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
Reader = Annotated[Actor, Depends(staff("requests:read"))]
Writer = Annotated[Actor, Depends(staff("requests:write"))]

#: The plain-language names of the states a staff member moves a request to.
STEP_LABELS: dict[RequestState, str] = {
    RequestState.VERIFYING: "Start verifying the requester's identity",
    RequestState.IN_PROGRESS: "Identity verified: start the work",
    RequestState.FULFILLED: "Mark as done (carried out by people)",
    RequestState.EXPIRED: "Close as expired (verification never completed)",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One request as the queue shows it."""

    req: SubjectRequest
    overdue: bool
    days_left: int


def _ws(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def _open_requests(ws: Workspace) -> list[SubjectRequest]:
    registry = RequestRegistry(ws)
    found: list[SubjectRequest] = []
    for state in sorted(OPEN_STATES):
        cursor: str | None = None
        while True:
            page = registry.list(state=state, limit=500, cursor=cursor)
            found.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
    return found


def _row(req: SubjectRequest, today: date) -> Row:
    now = clock.now()
    return Row(req, req.overdue(now), (date.fromisoformat(req.due_on) - today).days)


def _back(
    request: Request, request_id: str, *, message: str | None = None, error: VeilError | None = None
) -> RedirectResponse:
    """Back to the request's page, with what happened as the session's notice."""
    web_session.flash(request, f"Refused: {error.message} ({error.code})" if error else message or "")
    return RedirectResponse(f"/ui/requests/{request_id}", status_code=303)


@router.get("")
def queue(
    request: Request,
    actor: Reader,
    show: Annotated[Literal["open", "closed"], Query()] = "open",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    ws = _ws(request)
    today = clock.now().date()
    next_cursor: str | None = None
    if show == "open":
        rows = [_row(r, today) for r in _open_requests(ws)]
        rows.sort(key=lambda r: (not r.overdue, r.req.due_on, r.req.received_at))
    else:
        try:
            page = RequestRegistry(ws).list(limit=50, cursor=cursor)
        except VeilError:
            page = RequestRegistry(ws).list(limit=50)
        rows = [_row(r, today) for r in page.items if not r.is_open]
        next_cursor = page.next_cursor
    return render(
        request,
        "ui/requests.html",
        actor=actor,
        rows=rows,
        show=show,
        next_cursor=next_cursor,
        overdue=sum(r.overdue for r in rows),
        can_write="requests:write" in actor.scopes,
        types=list(RequestType),
        regimes=list(Regime),
    )


@router.post("", dependencies=[Depends(csrf)])
def record(
    request: Request,
    actor: Writer,
    subject: Annotated[str, Form(min_length=1, max_length=256)],
    type: Annotated[str, Form(max_length=32)],
    regime: Annotated[str, Form(max_length=8)] = "gdpr",
) -> Response:
    """Record a request received by other means (letter, e-mail, phone): the subject id typed
    here is stored only as its pseudonym."""
    try:
        req = RequestRegistry(_ws(request)).create(
            subject_id=subject.strip(), type=type, regime=regime, actor=actor.label
        )
    except VeilError as exc:
        web_session.flash(request, f"Refused: {exc.message} ({exc.code})")
        return RedirectResponse("/ui/requests", status_code=303)
    return _back(request, req.id, message=f"Recorded: the response is due on {req.due_on}.")


def _events(ws: Workspace, request_id: str) -> list[dict[str, Any]]:
    """The request's history, each extension with the notice's reason (from its audit entry)."""
    out = []
    for event in RequestRegistry(ws).events(request_id):
        notice = None
        if event.detail == "extended":
            entries = ws.audit.entries(since=event.audit_seq - 1, limit=1)
            if entries and entries[0].seq == event.audit_seq:
                notice = entries[0].details.get("notice_reason")
        out.append({"event": event, "notice": notice})
    return out


@router.get("/{request_id}")
def show_request(
    request: Request,
    request_id: RequestId,
    actor: Reader,
) -> Response:
    ws = _ws(request)
    try:
        req = RequestRegistry(ws).get(request_id)
    except VeilError as exc:
        return render(request, "ui/requests_missing.html", error=exc, status_code=404)
    today = clock.now().date()
    steps = [
        (state, label)
        for state, label in STEP_LABELS.items()
        if state in TRANSITIONS[req.state]
        and not (state is RequestState.FULFILLED and req.type in FULFILLED_BY_VEIL)
    ]
    can_write = "requests:write" in actor.scopes
    return render(
        request,
        "ui/requests_detail.html",
        actor=actor,
        req=req,
        row=_row(req, today),
        clocks=req.deadlines.to_dict(extended=req.extended_at is not None),
        events=_events(ws, request_id),
        steps=steps if can_write else [],
        can_write=can_write,
        can_deny=can_write and RequestState.DENIED in TRANSITIONS[req.state],
        can_extend=can_write and req.is_open and req.extended_at is None,
        can_fulfil=can_write and req.state is RequestState.IN_PROGRESS and req.type in FULFILLED_BY_VEIL,
        has_package=req.state is RequestState.FULFILLED and req.type.value in ("access", "portability"),
        denial_reasons=list(DenialReason),
        extension_reasons=list(ExtensionReason),
    )


@router.post("/{request_id}/transition", dependencies=[Depends(csrf)])
def transition(
    request: Request,
    request_id: RequestId,
    actor: Writer,
    state: Annotated[str, Form(max_length=32)],
) -> Response:
    try:
        req = RequestRegistry(_ws(request)).transition(request_id, state, actor=actor.label)
    except VeilError as exc:
        return _back(request, request_id, error=exc)
    return _back(request, request_id, message=f"The request is now {req.state.value.replace('_', ' ')}.")


@router.post("/{request_id}/deny", dependencies=[Depends(csrf)])
def deny(
    request: Request,
    request_id: RequestId,
    actor: Writer,
    reason: Annotated[str, Form(max_length=32)],
) -> Response:
    try:
        RequestRegistry(_ws(request)).transition(
            request_id, RequestState.DENIED, reason=reason, actor=actor.label
        )
    except VeilError as exc:
        return _back(request, request_id, error=exc)
    return _back(request, request_id, message=f"The request is denied ({reason}).")


@router.post("/{request_id}/extend", dependencies=[Depends(csrf)])
def extend(
    request: Request,
    request_id: RequestId,
    actor: Writer,
    reason: Annotated[str, Form(max_length=32)],
) -> Response:
    try:
        req = RequestRegistry(_ws(request)).extend(request_id, actor=actor.label, reason=reason)
    except VeilError as exc:
        return _back(request, request_id, error=exc)
    return _back(request, request_id, message=f"Extended: the response is now due on {req.due_on}.")


@router.post("/{request_id}/fulfil", dependencies=[Depends(csrf)])
def fulfil_request(
    request: Request,
    request_id: RequestId,
    actor: Writer,
    subject: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    try:
        done = fulfil(_ws(request), request_id, subject_id=subject.strip() or None, actor=actor.label)
    except VeilError as exc:
        return _back(request, request_id, error=exc)
    what = "the signed erasure receipt" if done.receipt is not None else "the package"
    return _back(request, request_id, message=f"Fulfilled: {what} is ready to download.")


@router.get("/{request_id}/receipt")
def receipt(request: Request, request_id: RequestId, actor: Reader) -> Response:
    """The signed erasure receipt, as a JSON file (verify it with ``veil receipt verify``)."""
    try:
        document = RequestRegistry(_ws(request)).receipt(request_id)
    except VeilError as exc:
        return render(request, "ui/requests_missing.html", error=exc, status_code=404)
    return JSONResponse(
        document,
        headers={
            "Content-Disposition": f'attachment; filename="veil-erasure-receipt-{request_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/{request_id}/package")
def package(
    request: Request,
    request_id: RequestId,
    actor: Writer,
    format: Annotated[Literal["json", "csv", "html"], Query()] = "json",
) -> Response:
    """A fulfilled access or portability request's package, to send to the subject (personal
    data: ``requests:write`` only; the export is audit-logged again)."""
    fmt: PackageFormat = format
    try:
        made = package_again(_ws(request), request_id)
    except VeilError as exc:
        return render(request, "ui/requests_missing.html", error=exc, status_code=404)
    return Response(
        made.render(fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="veil-package-{request_id}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )
