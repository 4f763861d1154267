"""The HTTP service: :func:`create_app` builds the FastAPI app over one open workspace.

Every route lives under ``/v1`` and comes from :data:`veil.api.routes.ROUTERS`. The app
owns its workspace (opened here, closed at shutdown); routes reach it through
:func:`veil.api.deps.workspace`. Middleware, outermost first: security headers, the audit
entry of every request, the body-size limit, then CORS only when ``[service]
cors_origins`` names origins (closed by default). Errors are RFC 9457 problem JSON
(:mod:`veil.api.problems`). The OpenAPI 3.1 schema (``/v1/openapi.json``) names each
operation's scope (``x-veil-scope``), its bearer security and its problem responses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import compile_path

from veil import __version__
from veil.api import problems
from veil.api.middleware import AuditMiddleware, BodyLimitMiddleware, SecurityHeadersMiddleware
from veil.api.routes import ROUTERS
from veil.api.security import AUTHENTICATED, SCOPE_ATTR, Authenticator, RequestAuditLog
from veil.api.settings import ServiceSettings
from veil.jobs import Runner
from veil.web.app import install_web
from veil.workspace import Workspace

__all__ = ["API_PREFIX", "api_routes", "app_routes", "create_app", "route_scope"]

API_PREFIX = "/v1"

_PROBLEMS = {
    "401": "No valid credentials (code unauthenticated).",
    "403": "The role lacks the route's scope (forbidden) or the purpose is not granted.",
    "413": "The request body is over the limit (payload_too_large).",
    "422": "The request does not match the schema (input_error).",
    "429": "Rate limit reached (rate_limited); see Retry-After.",
    "500": "Internal error (internal_error); no details are given.",
}


def api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every API route of ``app`` (under ``/v1``) with its full path (``/v1/purposes/{name}``);
    the pages' routes (``/ui``, ``/portal``: :mod:`veil.web`) are not API routes."""
    return [(path, route) for path, route in app_routes(app) if path.startswith(API_PREFIX + "/")]


def app_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every route of ``app``, the pages' included, with its full path (``/v1/purposes/{name}``).

    FastAPI 0.138 keeps an included router as one ``_IncludedRouter`` entry of ``app.routes``
    whose routes it lists with ``effective_route_contexts()``; the matrix test fails (too
    few routes) if a FastAPI upgrade changes that.
    """
    found: list[tuple[str, APIRoute]] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, route))
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                if isinstance(context.original_route, APIRoute):
                    found.append((str(context.path), context.original_route))
    return found


def route_scope(route: APIRoute) -> str | None:
    """The one scope a route declares (via :func:`veil.api.security.require`), or None."""
    found = []
    todo = [route.dependant]
    while todo:
        dep = todo.pop()
        scope = getattr(dep.call, SCOPE_ATTR, None)
        if scope is not None:
            found.append(str(scope))
        todo += dep.dependencies
    return found[0] if len(found) == 1 else None


def create_app(root: Path, *, settings: ServiceSettings | None = None) -> FastAPI:
    """The service over the workspace at ``root`` (opened now, closed at shutdown)."""
    settings = settings if settings is not None else ServiceSettings.load(root)
    ws = Workspace.open(root)
    # library calls made for a request audit-log the request's caller
    ws.audit = RequestAuditLog(ws.engine, ws.keystore, ws.actor)
    try:
        authenticator = Authenticator(ws, settings)
    except BaseException:
        ws.close()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The job runner of this process: fails jobs dead workers left running, then runs queued ones.
        runner = Runner(ws)
        runner.start()
        try:
            yield
        finally:
            runner.stop()
            ws.close()

    app = FastAPI(
        title="Veil",
        version=__version__,
        summary="Personal data under control: purposes, consent, subject rights, DP analytics.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.workspace = ws
    app.state.methods_of = lambda path: _methods_of(app, path)
    app.state.settings = settings
    app.state.authenticator = authenticator
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    install_web(app)  # the pages: /ui (staff), /portal (data subjects), /static
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(
        BodyLimitMiddleware, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes
    )
    app.add_middleware(AuditMiddleware, ws=ws, paths={id(r): p for p, r in app_routes(app)})
    app.add_middleware(SecurityHeadersMiddleware, tls=settings.tls)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _methods_of(app: FastAPI, path: str) -> list[str]:
    """The methods the routes of ``path`` answer (for a 405's Allow header)."""
    methods: set[str] = set()
    for template, route in app_routes(app):
        if compile_path(template)[0].match(path):
            methods |= route.methods or set()
    return sorted(methods)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus each operation's scope, bearer security and problem answers."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = problems.Problem.model_json_schema()
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (vk_...), a Veil access token or an OIDC token.",
        }
    }
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, route in api_routes(app):
        if not route.include_in_schema:
            continue
        scope = route_scope(route)
        for method in route.methods or ():
            operation = schema["paths"].get(path, {}).get(method.lower())
            if operation is None:
                continue
            operation["x-veil-scope"] = scope
            operation["security"] = [{"bearer": []}]
            responses = operation.setdefault("responses", {})
            wanted = list(_PROBLEMS)
            if scope == AUTHENTICATED:
                wanted.remove("403")
            for status in wanted:
                responses[status] = {"description": _PROBLEMS[status], "content": problem}
            for status, answer in responses.items():  # every 4xx/5xx FastAPI added is a problem too
                if status.startswith(("4", "5")):
                    answer["content"] = problem
    app.openapi_schema = schema
    return schema
