"""Staff sign-in and sign-out: ``/ui/sign-in`` takes an API key or an OIDC token, pasted.

The credential is checked by the API's :class:`~veil.api.security.Authenticator` (the same
keys, tokens, OIDC issuer and roles as ``Authorization: Bearer``); it is never stored: the
session holds the actor it names. A failed try counts against the client's failure budget
(the API's), and answers the same page whatever was wrong. A data subject's key is refused
here (the portal is theirs). An OIDC session ends no later than its token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from veil import clock
from veil.api.security import Authenticator, current_call
from veil.errors import AuthenticationError
from veil.web import session as web_session
from veil.web.deps import csrf, landing, page_headers, render

__all__ = ["router", "safe_next"]

router = APIRouter(prefix="/ui", include_in_schema=False)

REFUSED = "That key or token was not accepted. Check it and try again."


def safe_next(value: str | None) -> str | None:
    """Where to go after sign-in: a path under ``/ui`` only (no open redirect), else None."""
    if not value or not (value == "/ui" or value.startswith(("/ui/", "/ui?"))) or "\\" in value:
        return None
    return value


@router.get("/sign-in")
def sign_in_page(request: Request, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return render(request, "ui/sign_in.html", next_path=safe_next(next) or "", error=None)


@router.post("/sign-in", dependencies=[Depends(csrf)])
def sign_in(
    request: Request,
    credential: Annotated[str, Form(max_length=8192)],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    authenticator: Authenticator = request.app.state.authenticator
    client = request.client.host if request.client is not None else None
    target = safe_next(next)
    shown = target or ""
    try:
        authenticator.failures.hit(f"signin:{client}")  # raises RateLimitedError (429 page) when spent
        actor = authenticator.authenticate(credential.strip(), client)
    except AuthenticationError:
        return render(request, "ui/sign_in.html", status_code=401, next_path=shown, error=REFUSED)
    if actor.role == "subject":
        return render(
            request,
            "ui/sign_in.html",
            status_code=403,
            next_path=shown,
            error="This is a data subject's key: sign in at the portal (/portal) instead.",
        )
    record = current_call.get(None)
    if record is not None:
        record.actor = actor
    not_after = None
    if actor.kind in ("oidc", "token"):
        exp = jwt.decode(credential.strip(), options={"verify_signature": False}).get("exp")
        if isinstance(exp, int | float):
            not_after = clock.format_ts(datetime.fromtimestamp(exp, UTC))
    response = RedirectResponse(target or landing(actor), status_code=303)
    web_session.start(request, response, actor, not_after=not_after)
    return page_headers(response)


@router.post("/sign-out", dependencies=[Depends(csrf)])
def sign_out(request: Request) -> Response:
    session = web_session.current(request)
    record = current_call.get(None)
    if record is not None and session is not None:
        record.actor = session.actor
    response = RedirectResponse("/ui/sign-in", status_code=303)
    web_session.end(request, response)
    return page_headers(response)
