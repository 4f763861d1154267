"""The web pages: :func:`install_web` mounts them on the service's FastAPI app.

``veil.api.app.create_app`` calls :func:`install_web` once, after the API's routers. It adds:

* the session store (``app.state.web_sessions``, :mod:`veil.web.session`);
* ``/static`` — the package's own CSS (and any vendored script), nothing from elsewhere;
* every router of :data:`ROUTERS`: staff pages under ``/ui``, the data subjects' portal under
  ``/portal``. **A helper adding pages appends its router to ROUTERS here** (one import, one
  list entry); the routers are left out of the OpenAPI schema (``include_in_schema=False``);
* the page answers for errors under ``/ui`` and ``/portal``: no session redirects to the
  sign-in page, a role without the page's scope gets the 403 page, a bad CSRF token the 403
  page, and a Veil error, a 404 or a 422 an HTML page of its status; everywhere else the
  API's problem JSON answers as before. Pages carry :data:`veil.web.deps.PAGE_CSP`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from veil.api.problems import status_of
from veil.errors import RateLimitedError, VeilError
from veil.web import overview, portal, portal_signin, signin, ui_audit, ui_datasets, ui_query, ui_requests
from veil.web.deps import PageForbidden, SignInRequired, page_headers, render, sign_in_url
from veil.web.session import SessionPolicy, SessionStore

__all__ = ["PAGE_PREFIXES", "ROUTERS", "install_web"]

STATIC = Path(__file__).resolve().parent / "static"

#: The routers of the pages (see the module docstring: append yours here).
ROUTERS: list[APIRouter] = [
    portal_signin.router,
    portal.router,
    signin.router,
    overview.router,
    ui_requests.router,
    ui_datasets.router,
    ui_query.router,
    ui_audit.router,
]

#: Paths answered with pages (errors included) rather than problem JSON.
PAGE_PREFIXES = ("/ui", "/portal")

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


async def _answer(handler: Handler, request: Request, exc: Exception) -> Response:
    """The API's own answer to ``exc`` (its handlers may be sync or async)."""
    result = handler(request, exc)
    if inspect.isawaitable(result):
        return await result
    return result


def _is_page(request: Request) -> bool:
    path = request.url.path
    return any(path == p or path.startswith(p + "/") for p in PAGE_PREFIXES)


def install_web(app: FastAPI, *, policy: SessionPolicy | None = None) -> None:
    """Mount the pages on ``app`` (whose ``state.workspace`` is open; see the module docstring)."""
    app.state.web_sessions = SessionStore(app.state.workspace, policy)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return page_headers(RedirectResponse(sign_in_url(exc.sign_in, exc.next_path), status_code=303))

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageForbidden)
        return render(request, "error.html", status_code=403, title="Not allowed", message=exc.message)

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(PageForbidden, forbidden)
    _page_errors(app)


def _page_errors(app: FastAPI) -> None:
    """Errors on page paths answer an HTML page; elsewhere the API's handler answers."""
    api_veil: Handler = app.exception_handlers[VeilError]
    api_http: Handler = app.exception_handlers[StarletteHTTPException]
    api_validation: Handler = app.exception_handlers[RequestValidationError]

    async def veil_error(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await _answer(api_veil, request, exc)
        assert isinstance(exc, VeilError)
        status = status_of(exc)
        response = render(
            request, "error.html", status_code=status, title=_TITLES.get(status, "Error"), message=exc.message
        )
        if isinstance(exc, RateLimitedError):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    async def http_error(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await _answer(api_http, request, exc)
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        message = "There is no such page." if status == 404 else "This page cannot answer that request."
        response = render(
            request, "error.html", status_code=status, title=_TITLES.get(status, "Error"), message=message
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def validation_error(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await _answer(api_validation, request, exc)
        return render(
            request,
            "error.html",
            status_code=422,
            title="Check what was sent",
            message="Some of what was sent is not valid; go back, check the form and try again.",
        )

    app.add_exception_handler(VeilError, veil_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)


_TITLES = {
    400: "Cannot do that",
    401: "Sign in again",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "Conflict",
    413: "Too large",
    422: "Check what was sent",
    429: "Too many tries",
}
