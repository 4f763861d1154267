"""The portal's sign-in: a one-time code sent to a contact Veil already holds.

``GET /portal/sign-in`` asks for the subject id; ``POST /portal/sign-in`` issues a code
(:class:`veil.identity.otp.OneTimeCodes`) and, when Veil holds the subject and an e-mail
address for them (:func:`veil.identity.contact.subject_contact`), hands the code to the
:class:`~veil.notify.Outbox` (sent on a background thread); then it redirects to
``/portal/sign-in/code`` with the challenge in a short-lived cookie. ``POST
/portal/sign-in/code`` checks the code; on success a ``veil.web.session`` session is made
whose :class:`~veil.api.security.Actor` has the role ``subject`` and the subject's pseudonym.

Anti-enumeration: whether or not the subject exists, the answer is the same redirect with
the same body, and it is sent no sooner than :data:`FLOOR_S` after the request arrived (the
work, the lookup and the code row, is the same either way and well under the floor; the
e-mail goes out afterwards). Limits: :data:`PER_CLIENT` code requests and
:data:`CHECKS_PER_CLIENT` tries a minute per client address, and
:data:`veil.identity.otp.PER_SUBJECT` codes per subject per quarter hour.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from veil.api.ratelimit import RateLimiter
from veil.errors import RateLimitedError
from veil.identity.contact import is_email, subject_contact
from veil.identity.contact_index import ContactIndex
from veil.identity.otp import TTL, Check, OneTimeCodes, Outcome
from veil.notify import Message, Outbox, sender_from_config
from veil.web.deps import csrf
from veil.web.portal_render import page
from veil.web.portal_session import sign_in_subject
from veil.workspace import Workspace

__all__ = ["CHALLENGE_COOKIE", "FLOOR_S", "PortalSignIn", "router"]

log = logging.getLogger(__name__)

#: The least time a code request takes to answer (seconds), whoever is asked for.
FLOOR_S = 0.6
PER_CLIENT = 5
CHECKS_PER_CLIENT = 10
#: The contact index is brought up to date at most this often (seconds).
REFRESH_EVERY_S = 30.0
CHALLENGE_COOKIE = "veil_portal_challenge"
_COOKIE_PATH = "/portal/sign-in"

router = APIRouter(prefix="/portal", include_in_schema=False)


class PortalSignIn:
    """The sign-in's state in one app: the outbox and the per-client limits."""

    def __init__(self, ws: Workspace, outbox: Outbox | None, *, floor_s: float = FLOOR_S) -> None:
        self.ws = ws
        self.outbox = outbox
        self.floor_s = floor_s
        self.codes = OneTimeCodes(ws)
        self.per_client = RateLimiter(PER_CLIENT)
        self.checks = RateLimiter(CHECKS_PER_CLIENT)
        self.contacts = ContactIndex(ws)
        self._indexed_at = -REFRESH_EVERY_S
        self._refreshing = threading.Lock()

    @classmethod
    def of(cls, request: Request) -> PortalSignIn:
        app = request.app
        found: PortalSignIn | None = getattr(app.state, "portal_signin", None)
        if found is None:
            ws: Workspace = app.state.workspace
            sender = sender_from_config(ws.root)
            found = cls(ws, Outbox(sender) if sender is not None else None)
            app.state.portal_signin = found
        return found

    def start(self, identifier: str, client: str) -> str:
        """Issue a code for ``identifier`` (a subject id, or the e-mail address Veil holds for
        them); the challenge id (RateLimitedError past a limit)."""
        self.per_client.hit(f"portal:{client}")
        given = identifier.strip()
        with self._refreshing:  # one refresh at a time in this process
            now = time.monotonic()
            if now - self._indexed_at >= REFRESH_EVERY_S:  # whatever was entered: the same work
                self.contacts.refresh()
                self._indexed_at = now
        if is_email(given):
            found = self.contacts.lookup(given)
            # an address Veil does not hold gets a row (and limits) of its own, like an unknown id
            pseudonym = found if found is not None else self.ws.pseudonymize("\x00email:" + given.lower())
        else:
            pseudonym = self.ws.pseudonymize(given)
        contact = subject_contact(self.ws, pseudonym)
        email = contact.email if contact is not None else None
        deliverable = email is not None and self.outbox is not None
        issued = self.codes.issue(pseudonym, deliverable=deliverable)
        if email is not None and self.outbox is not None:
            minutes = int(TTL.total_seconds() // 60)
            self.outbox.put(
                Message(
                    email,
                    "Your sign-in code",
                    f"Your code to see and control your data: {issued.code}\n\n"
                    f"It is valid for {minutes} minutes and for three tries. If you did not ask for it, "
                    "ignore this message: nobody can sign in without the code.\n",
                )
            )
        return issued.challenge

    def check(self, challenge: str, code: str, client: str) -> Check:
        """Try ``code``; a sign-in, and a code burned by wrong tries, are audit-logged."""
        self.checks.hit(f"portal-check:{client}")
        result = self.codes.verify(challenge, code)
        if result.outcome in (Outcome.SIGNED_IN, Outcome.BURNED):
            with self.ws.transaction() as conn:
                self.ws.audit.append(
                    conn,
                    "portal.sign_in" if result.outcome is Outcome.SIGNED_IN else "portal.code_burned",
                    subjects=[result.pseudonym] if result.pseudonym is not None else (),
                    details={"method": "one-time code by e-mail"},
                )
        return result


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


_NO_SENDER = (
    "This portal cannot send sign-in codes: no e-mail server is configured ([notify.smtp] in "
    "veil.toml). Ask the organisation for your data another way."
)


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    if PortalSignIn.of(request).outbox is None:
        return page(request, "portal/sign_in.html", status_code=503, message=_NO_SENDER, unavailable=True)
    return page(request, "portal/sign_in.html")


@router.post("/sign-in", dependencies=[Depends(csrf)])
async def send_code(request: Request, identifier: Annotated[str, Form(max_length=256)] = "") -> Response:
    started = time.monotonic()
    signin = PortalSignIn.of(request)
    if signin.outbox is None:
        return page(request, "portal/sign_in.html", status_code=503, message=_NO_SENDER, unavailable=True)
    challenge: str | None = None
    limited: RateLimitedError | None = None
    if identifier.strip():
        try:
            challenge = await run_in_threadpool(signin.start, identifier, _client(request))
        except RateLimitedError as exc:
            limited = exc
    await asyncio.sleep(max(0.0, signin.floor_s - (time.monotonic() - started)))
    if limited is not None:
        retry = limited.retry_after or 60
        return page(
            request,
            "portal/sign_in.html",
            status_code=429,
            headers={"Retry-After": str(retry)},
            message=f"Too many codes were asked for. Wait {retry} seconds, then try again.",
        )
    if challenge is None:
        return page(request, "portal/sign_in.html", status_code=400, message="Enter your subject id.")
    response = RedirectResponse("/portal/sign-in/code", status_code=303)
    response.set_cookie(
        CHALLENGE_COOKIE,
        challenge,
        max_age=int(TTL.total_seconds()),
        path=_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=bool(getattr(request.app.state.settings, "tls", False)),
    )
    return response


@router.get("/sign-in/code")
def code_form(request: Request) -> Response:
    return page(request, "portal/code.html")


_MESSAGES = {
    Outcome.WRONG: "That code is not right. You have {left} more tr{ies}.",
    Outcome.BURNED: "That code is not right, and it was the last try. Ask for a new code.",
    Outcome.INVALID: "That code has expired or was already used. Ask for a new code.",
}


@router.post("/sign-in/code", dependencies=[Depends(csrf)])
def check_code(request: Request, code: Annotated[str, Form(max_length=16)] = "") -> Response:
    signin = PortalSignIn.of(request)
    challenge = request.cookies.get(CHALLENGE_COOKIE, "")
    try:
        result = signin.check(challenge[:64], code, _client(request))
    except RateLimitedError as exc:
        retry = exc.retry_after or 60
        return page(
            request,
            "portal/code.html",
            status_code=429,
            headers={"Retry-After": str(retry)},
            message=f"Too many tries. Wait {retry} seconds, then try again.",
        )
    if result.outcome is Outcome.SIGNED_IN and result.pseudonym is not None:
        response = RedirectResponse("/portal", status_code=303)
        response.delete_cookie(CHALLENGE_COOKIE, path=_COOKIE_PATH)
        sign_in_subject(request, response, result.pseudonym)
        return response
    left = result.tries_left
    message = _MESSAGES[result.outcome].format(left=left, ies="y" if left == 1 else "ies")
    return page(request, "portal/code.html", status_code=400, message=message)
