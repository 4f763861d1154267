"""The service's ASGI middleware: audit, body limits, security headers.

Pure ASGI (no ``BaseHTTPMiddleware``): uploads stream through untouched but counted.

* :class:`AuditMiddleware` writes one audit entry per request, after it is answered: the
  actor (key id, OIDC subject or ``anonymous``), its kind and role, the method and the
  route *template* (``/v1/purposes/{name}``, never the path's values or the query string),
  the scope, the purpose the route checked, and the status and outcome. Never a body, a
  header or a token. An exception no handler answered becomes a 500 problem here (its text
  is not logged, as it can quote personal data).
* :class:`BodyLimitMiddleware` refuses a body over the limit with 413, by its
  Content-Length before reading, or when the streamed bytes pass it. Uploads
  (``multipart/*``, ``application/octet-stream``) have their own, larger limit.
* :class:`SecurityHeadersMiddleware` adds the API's headers to every response: a CSP that
  allows nothing, ``nosniff``, no referrer, ``no-store``, and HSTS when served over TLS.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from veil.api.problems import problem_response, status_of
from veil.api.security import CallRecord, current_call
from veil.audit.log import AuditLog
from veil.errors import PayloadTooLargeError

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["AuditMiddleware", "BodyLimitMiddleware", "SecurityHeadersMiddleware"]

log = logging.getLogger("veil.api")

_DOC_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, tls: bool = False) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.tls or scope.get("scheme") == "https"
        docs = scope.get("path", "").startswith(_DOC_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"cache-control": b"no-store",
                    b"x-frame-options": b"DENY",
                    b"cross-origin-resource-policy": b"same-origin",
                }
                if not docs:  # the interactive docs page loads its scripts; the API loads nothing
                    extra[b"content-security-policy"] = b"default-src 'none'; frame-ancestors 'none'"
                if https:
                    extra[b"strict-transport-security"] = b"max-age=63072000; includeSubDomains"
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"the request body is over the limit of {limit} bytes")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    def _limit(self, scope: Scope) -> int:
        content_type = ""
        for key, value in scope.get("headers", []):
            if key == b"content-type":
                content_type = value.decode("latin-1").lower()
        upload = content_type.startswith(("multipart/", "application/octet-stream"))
        return self.max_upload if upload else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    err = _too_large(limit)
                    response = problem_response(Request(scope), status_of(err), err.code, err.message)
                    await response(scope, receive, send)
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # An HTTPException, not a VeilError: FastAPI turns any other exception
                    # raised while it reads a body into a 400.
                    raise HTTPException(413, detail=_too_large(limit).message)
            return message

        await self.app(scope, counted, send)


class AuditMiddleware:
    """Outermost of Veil's middleware: every request ends in one audit entry."""

    def __init__(self, app: ASGIApp, *, ws: Workspace, paths: dict[int, str]) -> None:
        self.app = app
        self.ws = ws
        #: the full path template of each API route (by the route object's id)
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = CallRecord()
        token = current_call.set(record)
        status = 500
        started = False

        async def send_status(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception as exc:
            request = Request(scope)
            if isinstance(exc, HTTPException) and exc.status_code == 413:
                response = problem_response(request, 413, "payload_too_large", str(exc.detail))
            else:
                log.error("internal error on %s: %s", scope.get("method"), type(exc).__name__)
                response = problem_response(request, 500, "internal_error", "internal error")
            if started:  # too late for an answer: the connection is cut
                raise
            status = response.status_code
            await response(scope, receive, send_status)
        finally:
            current_call.reset(token)
            await self._record(scope, record, status)

    async def _record(self, scope: Scope, record: CallRecord, status: int) -> None:
        from starlette.concurrency import run_in_threadpool

        try:
            await run_in_threadpool(self._append, scope, record, status)
        except Exception as exc:  # the answer is sent; a failed audit write must be seen
            log.error("could not audit-log a request: %s", type(exc).__name__)

    def _template(self, scope: Scope) -> str:
        """The matched route's path template (set in the scope by the router), never the
        request's own path, whose values can be personal data."""
        route = scope.get("route")
        if route is None:
            return "(no route)"
        return self.paths.get(id(route), str(getattr(route, "path", "(no route)")))

    def _append(self, scope: Scope, record: CallRecord, status: int) -> None:
        actor = record.actor
        details: dict[str, Any] = {
            "kind": actor.kind if actor is not None else None,
            "role": actor.role if actor is not None else None,
            "method": scope.get("method"),
            "route": self._template(scope),
            "scope": record.scope,
            "status": status,
            "outcome": _outcome(status),
        }
        audit = AuditLog(self.ws.engine, self.ws.keystore, actor.label if actor is not None else "anonymous")
        with self.ws.transaction() as conn:
            audit.append(conn, "api.request", purpose=record.purpose, details=details)


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "unauthenticated", 403: "forbidden", 429: "rate_limited"}.get(
        status, "refused" if status < 500 else "error"
    )
