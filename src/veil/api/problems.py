"""RFC 9457 problem details for every error the API answers.

A :class:`~veil.errors.VeilError` becomes ``application/problem+json`` with its code's HTTP
status from :data:`veil.errors.CODES`; a body that does not match the route's schema is 422
``input_error`` (naming the fields, never their values); anything else is 500
``internal_error`` with a fixed message: an exception's text can quote personal data, and a
stack trace helps only an attacker.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from veil.errors import CODES, ProxyRefusal, RateLimitedError, VeilError

__all__ = ["PROBLEM_JSON", "Problem", "install", "problem_response", "status_of"]

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://veil.dev/errors/"
log = logging.getLogger("veil.api")


class Problem(BaseModel):
    """An RFC 9457 problem: ``code`` is Veil's stable error code (docs/errors.md)."""

    model_config = ConfigDict(extra="forbid")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str


def status_of(exc: VeilError) -> int:
    if isinstance(exc, ProxyRefusal):
        return exc.status
    spec = CODES.get(exc.code)
    return spec.http_status if spec is not None else 500


def problem_response(
    request: Request, status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    spec = CODES.get(code)
    body = Problem(
        type=TYPE_BASE + code,
        title=spec.meaning if spec is not None else code,
        status=status,
        detail=detail,
        code=code,
        instance=request.url.path,
    )
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _veil_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VeilError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimitedError) else None
    if exc.code == "unauthenticated":
        headers = {"WWW-Authenticate": 'Bearer realm="veil"'}
    return problem_response(request, status_of(exc), exc.code, exc.message, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Name where and what, never the input (it can be personal data).
    parts = []
    for err in exc.errors()[:20]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return problem_response(request, 422, "input_error", "invalid request: " + "; ".join(parts))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "input_error", 413: "payload_too_large"}.get(exc.status_code, "veil_error")
    detail = {404: "no such route", 405: "method not allowed on this route"}.get(
        exc.status_code, str(exc.detail)
    )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # every method of the path (the router names only its first route's)
        methods = getattr(request.app.state, "methods_of", None)
        if methods is not None:
            headers["Allow"] = ", ".join(methods(request.url.path))
    return problem_response(request, exc.status_code, code, detail, headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # Never the exception's text: SQLAlchemy appends the statement's parameters.
    log.error("database error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return problem_response(request, 503, "database_error", "the data store reported an error; retry later")


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return problem_response(request, 500, "internal_error", "internal error")


def install(app: FastAPI) -> None:
    import sqlalchemy.exc

    app.add_exception_handler(VeilError, _veil_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(sqlalchemy.exc.OperationalError, _database_error)
    app.add_exception_handler(Exception, _internal_error)


def problem_schema() -> dict[str, Any]:
    return Problem.model_json_schema()
