"""What every page shares: who is signed in and may they, the CSRF check, rendering.

* :func:`staff` ``(scope)`` — the dependency of a staff page: the session's
  :class:`~veil.api.security.Actor`; no staff session redirects to ``/ui/sign-in`` (303, the
  page asked for kept in ``next``); a role without ``scope`` (the API's scopes, roles.toml)
  answers the 403 page. The actor and scope are recorded for the request's audit entry, and
  library calls made for the page audit-log that actor (as the API's routes do).
* :func:`subject_actor` ``()`` — the same for the portal: a data subject's session, else a
  redirect to ``/portal/sign-in``.
* :func:`csrf` — the dependency of every POST form: the form field ``csrf_token`` must equal
  the session's token (compared in constant time); without a session it must equal the
  pre-session cookie ``veil_csrf`` (sign-in forms). Anything else answers the 403 page.
* :func:`render` — a template with the context every page needs (the actor, the CSRF token,
  the navigation for the role, the session's pending notice) and the page headers
  (:data:`PAGE_CSP`, ``no-store``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from veil.api.roles import matrix
from veil.api.security import Actor, current_call
from veil.web import session as web_session

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "NAV",
    "PAGE_CSP",
    "CsrfRefused",
    "NavItem",
    "PageForbidden",
    "SignInRequired",
    "csrf",
    "csrf_token",
    "landing",
    "nav_for",
    "render",
    "staff",
    "subject_actor",
    "templates",
]

#: The Content-Security-Policy of every page: nothing inline, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
CSRF_FIELD = "csrf_token"
#: The pre-session CSRF cookie (double submit) of forms shown before sign-in.
CSRF_COOKIE = "veil_csrf"

STAFF_SIGN_IN = "/ui/sign-in"
SUBJECT_SIGN_IN = "/portal/sign-in"

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    #: a role sees the link when it holds any of these scopes
    scopes: tuple[str, ...]


#: The staff navigation; a role sees the links whose scope it holds.
NAV: tuple[NavItem, ...] = (
    NavItem("Overview", "/ui", ("audit:read", "requests:read")),
    NavItem("Requests", "/ui/requests", ("requests:read",)),
    NavItem("Datasets", "/ui/datasets", ("datasets:read",)),
    NavItem("DP query", "/ui/query", ("dp:query",)),
    NavItem("Audit log", "/ui/audit", ("audit:read",)),
)


class SignInRequired(Exception):
    """No suitable session: answered by a redirect to ``sign_in`` (see veil.web.app)."""

    def __init__(self, sign_in: str, next_path: str) -> None:
        super().__init__(sign_in)
        self.sign_in = sign_in
        self.next_path = next_path


class PageForbidden(Exception):
    """The role lacks the page's scope: answered by the 403 page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CsrfRefused(PageForbidden):
    """A POST without the right CSRF token."""


def _record(actor: Actor, scope: str | None) -> None:
    record = current_call.get(None)
    if record is not None:
        record.actor = actor
        record.scope = scope


def _next_path(request: Request) -> str:
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return path


def staff(scope: str) -> Callable[[Request], Actor]:
    """The dependency of a staff page that needs ``scope`` (see the module docstring)."""
    if scope not in matrix().scopes:
        raise ValueError(f"unknown scope {scope!r}: scopes are listed in veil/api/roles.toml")

    def dependency(request: Request) -> Actor:
        session = web_session.current(request)
        if session is None or session.actor.role == "subject":
            raise SignInRequired(STAFF_SIGN_IN, _next_path(request))
        actor = session.actor
        _record(actor, scope)
        if scope not in actor.scopes:
            raise PageForbidden(f"Your role ({actor.role}) does not hold the scope {scope}.")
        return actor

    dependency.__name__ = f"staff_{scope.replace(':', '_')}"
    return dependency


def any_staff(*scopes: str) -> Callable[[Request], Actor]:
    """Like :func:`staff`, for a page any of ``scopes`` opens (the overview)."""
    for scope in scopes:
        if scope not in matrix().scopes:
            raise ValueError(f"unknown scope {scope!r}")

    def dependency(request: Request) -> Actor:
        session = web_session.current(request)
        if session is None or session.actor.role == "subject":
            raise SignInRequired(STAFF_SIGN_IN, _next_path(request))
        actor = session.actor
        held = [s for s in scopes if s in actor.scopes]
        _record(actor, held[0] if held else scopes[0])
        if not held:
            raise PageForbidden(f"Your role ({actor.role}) holds none of the scopes {', '.join(scopes)}.")
        return actor

    return dependency


def subject_actor() -> Callable[[Request], Actor]:
    """The dependency of a portal page: the signed-in data subject's actor."""

    def dependency(request: Request) -> Actor:
        session = web_session.current(request)
        if session is None or session.actor.role != "subject" or session.actor.subject is None:
            raise SignInRequired(SUBJECT_SIGN_IN, _next_path(request))
        _record(session.actor, "self:read" if request.method == "GET" else "self:write")
        return session.actor

    return dependency


def csrf_token(request: Request) -> str:
    """The token a form of this page must send back: the session's, or before sign-in the
    pre-session cookie's (made here if the browser has none; :func:`render` sets it)."""
    session = web_session.current(request)
    if session is not None:
        return session.csrf_token
    token = getattr(request.state, "pre_csrf", None) or request.cookies.get(CSRF_COOKIE, "")
    if not token or len(token) > 64:
        token = secrets.token_urlsafe(32)
        request.state.pre_csrf = token
        request.state.set_pre_csrf = True
    return str(token)


async def csrf(request: Request) -> None:
    """Refuse (403 page) a form POST whose ``csrf_token`` is not this browser's."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    sent_text = sent if isinstance(sent, str) else ""
    session = web_session.current(request)
    expected = session.csrf_token if session is not None else request.cookies.get(CSRF_COOKIE, "")
    if not expected or not sent_text or not hmac.compare_digest(sent_text.encode(), expected.encode()):
        raise CsrfRefused(
            "The form was refused: it did not carry this session's security token. "
            "Reload the page and try again."
        )


def sign_in_url(base: str, next_path: str) -> str:
    return f"{base}?next={quote(next_path, safe='/')}"


def page_headers(response: Response) -> Response:
    """The headers of every page (also set on redirects and error pages)."""
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def nav_for(actor: Actor | None) -> list[NavItem]:
    if actor is None or actor.role == "subject":
        return []
    return [item for item in NAV if any(scope in actor.scopes for scope in item.scopes)]


def landing(actor: Actor) -> str:
    """Where a staff member lands after sign-in: the first page of the navigation they may open."""
    items = nav_for(actor)
    return items[0].path if items else "/ui"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with the page context (see the module docstring)."""
    session = web_session.current(request)
    actor = session.actor if session is not None else None
    token = csrf_token(request)
    notice = web_session.pop_flash(request)
    ctx: dict[str, Any] = {
        "actor": actor,
        "csrf_token": token,
        "nav": nav_for(actor),
        "notice": notice,
        "current_path": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    if getattr(request.state, "set_pre_csrf", False):
        secure = bool(getattr(getattr(request.app.state, "settings", None), "tls", False))
        response.set_cookie(
            CSRF_COOKIE,
            token,
            path="/",
            secure=secure or request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
    page_headers(response)
    return response
