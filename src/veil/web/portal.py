"""The data-subject portal's pages (``/portal``): what Veil holds about the signed-in
subject, how it was used, their consents, their requests, exports and erasure receipts.

Every page and form acts for the session's subject only: the pseudonym comes from the
session (:func:`veil.web.portal_session.current_subject`), never from a URL or a form, and a
request id that is not theirs answers 404 exactly like one that does not exist. The work is
done by :mod:`veil.web.portal_actions` (the library calls the API makes). Forms are plain
POSTs with the session's CSRF token, answered by a redirect (no JavaScript needed).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from veil.consent.ledger import ConsentAction, ConsentLedger, derive_state
from veil.errors import ConflictError, NotFoundError, SubjectErasedError
from veil.rights.package import MEDIA_TYPES, PackageFormat
from veil.rights.requests import RequestRegistry, RequestState, RequestType, SubjectRequest
from veil.web import portal_actions as actions
from veil.web import session as web_session
from veil.web.portal_render import page
from veil.web.portal_session import Subject, check_csrf, current_subject, sign_out_subject
from veil.web.portal_usage import describe_model, describe_uses

__all__ = ["router"]

router = APIRouter(prefix="/portal", include_in_schema=False)

Me = Annotated[Subject, Depends(current_subject)]
RequestId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
PurposeName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
LinkKey = Annotated[str, Path(pattern=r"^[0-9a-f]{40}$")]


def _not_found(request: Request) -> Response:
    return page(request, "portal/not_found.html", status_code=404)


def _back(request: Request, path: str, message: str) -> RedirectResponse:
    """Back to ``path``, showing ``message`` there (the session's notice)."""
    web_session.flash(request, message)
    return RedirectResponse(path, status_code=303)


@router.get("")
def home(request: Request, me: Me) -> Response:
    export = actions.my_export(me.ws, me.pseudonym)
    if export is not None:
        usage, trained = export.usage, export.models
    else:
        usage, trained = actions.uses_after_erasure(me.ws, me.pseudonym)
    uses = describe_uses(usage)
    models = [describe_model(m) for m in trained]
    notices = actions.my_breach_notices(me.ws, me.pseudonym)
    return page(request, "portal/home.html", export=export, uses=uses, models=models, notices=notices)


@router.get("/consent")
def consent(request: Request, me: Me) -> Response:
    history = ConsentLedger(me.ws).history_of(me.pseudonym)
    return page(
        request,
        "portal/consent.html",
        purposes=actions.consent_purposes(me.ws),
        state=derive_state(history),
        history=[e.to_dict() for e in history],
    )


@router.post("/consent/{purpose}/{action}", dependencies=[Depends(check_csrf)])
def change_consent(
    request: Request, me: Me, purpose: PurposeName, action: Literal["grant", "withdraw"]
) -> Response:
    try:
        actions.change_consent(me.ws, me.pseudonym, purpose, ConsentAction(action), actor=me.label)
    except NotFoundError:
        return _not_found(request)
    except (ConflictError, SubjectErasedError) as exc:
        return _back(request, "/portal/consent", str(exc))
    done = "given" if action == "grant" else "withdrawn; it takes effect at the next use of your data"
    return _back(request, "/portal/consent", f"Your consent to {purpose} is {done}.")


@router.get("/requests")
def requests(request: Request, me: Me) -> Response:
    mine = actions.my_requests(me.ws, me.pseudonym)
    return page(request, "portal/requests.html", requests=mine)


@router.post("/requests", dependencies=[Depends(check_csrf)])
def make_request(
    request: Request, me: Me, type: Annotated[Literal["access", "portability", "erasure"], Form()]
) -> Response:
    kind = RequestType(type)
    try:
        if kind is RequestType.ERASURE:
            req = actions.request_erasure(me.ws, me.pseudonym, actor=me.label)
        else:
            req = actions.request_export(me.ws, me.pseudonym, kind, actor=me.label)
    except ConflictError as exc:
        return _back(request, "/portal/requests", str(exc))
    except NotFoundError:
        return _back(request, "/portal/requests", "Veil holds no data about you any more.")
    return RedirectResponse(f"/portal/requests/{req.id}", status_code=303)


@router.get("/requests/{request_id}")
def show_request(request: Request, me: Me, request_id: RequestId) -> Response:
    try:
        req = actions.my_request(me.ws, me.pseudonym, request_id)
    except NotFoundError:
        return _not_found(request)
    fulfilled = req.state is RequestState.FULFILLED
    has_package = fulfilled and req.type in (RequestType.ACCESS, RequestType.PORTABILITY)
    link = None
    if req.type is RequestType.ERASURE:
        link = _link(request, req.id)
    return _request_page(
        request, req, package=has_package, link=link, download=f"/portal/requests/{req.id}/receipt"
    )


def _link(request: Request, request_id: str) -> str:
    ws = request.app.state.workspace
    return f"/portal/receipts/{request_id}/{actions.receipt_link_key(ws, request_id)}"


def _request_page(
    request: Request, req: SubjectRequest, *, package: bool, link: str | None, download: str
) -> Response:
    receipt = None
    check = None
    if req.state is RequestState.FULFILLED and req.type is RequestType.ERASURE:
        ws = request.app.state.workspace
        receipt = RequestRegistry(ws).receipt(req.id)
        check = actions.check_receipt(ws, receipt)
    return page(
        request,
        "portal/request.html",
        req=req,
        package=package,
        receipt=receipt,
        check=check,
        link=link,
        download=download,
    )


@router.get("/receipts/{request_id}/{link_key}")
def receipt_link(request: Request, request_id: RequestId, link_key: LinkKey) -> Response:
    """An erasure request's status and receipt by its link: no session (the erasure ends it)."""
    try:
        req = actions.receipt_by_link(request.app.state.workspace, request_id, link_key)
    except NotFoundError:
        return _not_found(request)
    download = f"/portal/receipts/{request_id}/{link_key}/download"
    return _request_page(request, req, package=False, link=None, download=download)


@router.get("/receipts/{request_id}/{link_key}/download")
def receipt_link_download(request: Request, request_id: RequestId, link_key: LinkKey) -> Response:
    ws = request.app.state.workspace
    try:
        actions.receipt_by_link(ws, request_id, link_key)
        receipt = RequestRegistry(ws).receipt(request_id)
    except NotFoundError:
        return _not_found(request)
    return _receipt_file(request_id, receipt)


@router.get("/requests/{request_id}/package")
def download_package(
    request: Request,
    me: Me,
    request_id: RequestId,
    format: Annotated[Literal["json", "csv", "html"], Query()] = "json",
) -> Response:
    fmt: PackageFormat = format
    try:
        package = actions.my_package(me.ws, me.pseudonym, request_id)
    except NotFoundError:
        return _not_found(request)
    return Response(
        package.render(fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="veil-data-{request_id[:8]}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/requests/{request_id}/receipt")
def download_receipt(request: Request, me: Me, request_id: RequestId) -> Response:
    try:
        receipt = actions.my_receipt(me.ws, me.pseudonym, request_id)
    except NotFoundError:
        return _not_found(request)
    return _receipt_file(request_id, receipt)


def _receipt_file(request_id: str, receipt: dict[str, Any]) -> Response:
    return Response(
        json.dumps(receipt, indent=2, sort_keys=True).encode(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="veil-erasure-receipt-{request_id[:8]}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/sign-out", dependencies=[Depends(check_csrf)])
def sign_out(request: Request, me: Me) -> Response:
    response = RedirectResponse("/portal/sign-in", status_code=303)
    sign_out_subject(request, response)
    return response
