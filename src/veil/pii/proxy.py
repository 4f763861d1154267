"""The LLM privacy proxy: prompts leave masked, answers come back restored.

An OpenAI-compatible ``POST /v1/chat/completions`` sits between a client and an
upstream model API. Before forwarding, *every string of the request* is run through the
PII engine and each detected value is replaced by a placeholder (``<PERSON_1>``,
``<EMAIL_ADDRESS_1>``); in the answer the placeholders are replaced by the values again —
in the content, refusals and tool-call arguments, in the JSON body or chunk by chunk in a
server-sent-event stream::

    client ──"Mail Ada Lovelace"──▶ proxy ──"Mail <PERSON_1>"──▶ upstream
    client ◀─"Dear Ada Lovelace"─── proxy ◀─"Dear <PERSON_1>"─── upstream

The pieces:

- :mod:`veil.pii.proxy_schema` walks the request schema (messages, content parts,
  tool-call JSON arguments, tools and their JSON schemas, ``user``, ``metadata``, unknown
  fields) and refuses what cannot be inspected (images, audio, files, data URLs);
- :mod:`veil.pii.proxy_detect` detects for a whole request in a worker thread, one
  segment at a time in first-come-first-served turns, so one 10 MB prompt does not stall
  the other clients;
- :mod:`veil.pii.proxy_restore` puts the values back into the answer, whole or streamed;
- :mod:`veil.pii.proxy_text` holds :class:`PlaceholderMap` and :class:`StreamRestorer`;
- this module is the web app: :func:`create_app` with :class:`ProxySettings`.

The proxy defends itself as a local service: only ``Host`` headers naming loopback (or
configured hosts) are served (DNS rebinding), browsers' cross-origin requests are refused
(``Origin`` / ``Sec-Fetch-Site``; a POST must be ``application/json``, so no "simple"
cross-site form or ``text/plain`` POST gets through), request bodies are limited (413), and
an optional bearer token is checked in constant time. Only an allow-list of request
headers and the ``api-version`` query parameter are forwarded.

The mapping lives in memory for one request only. Each request is audit-logged
(``llm.proxy``) with the model, the streaming flag, counts by entity type and the number
of strings inspected, never values.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from veil.errors import ConfigError
from veil.pii.proxy_detect import Detector, FairTurns, RequestDetector
from veil.pii.proxy_restore import SseRestorer, restore_completion
from veil.pii.proxy_schema import MediaPolicy, ProxyRefusal, UnknownPolicy, WalkedRequest, mask_request
from veil.pii.proxy_text import PLACEHOLDER_PATTERN, PlaceholderMap, StreamRestorer, placeholder_tag
from veil.workspace import Workspace

__all__ = [
    "AUDIT_ACTION",
    "DEFAULT_MAX_BODY",
    "PLACEHOLDER_PATTERN",
    "Detector",
    "PlaceholderMap",
    "ProxySettings",
    "StreamRestorer",
    "create_app",
    "placeholder_tag",
]

AUDIT_ACTION = "llm.proxy"

#: Default request size limit (bytes).
DEFAULT_MAX_BODY = 16 * 1024 * 1024

_LOOPBACK_NAMES = frozenset({"localhost"})


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """How the proxy treats requests. The defaults are the safe choices."""

    media: MediaPolicy = "refuse"  # images, audio, files, data URLs: refuse or forward unmasked
    unknown_fields: UnknownPolicy = "mask"  # fields the proxy does not know: mask or refuse
    max_body_bytes: int = DEFAULT_MAX_BODY
    #: The proxy's own bearer token; when set, the client's Authorization is checked against
    #: it and NOT forwarded (the upstream gets ``upstream_api_key``, if any).
    token: str | None = field(default=None, repr=False)
    upstream_api_key: str | None = field(default=None, repr=False)
    allowed_hosts: tuple[str, ...] = ()  # Host names served besides loopback
    allowed_origins: tuple[str, ...] = ()  # browser origins allowed to call the proxy
    timeout: float = 600.0
    segment_chars: int = 20_000  # detection work unit (fairness between requests)

    def __post_init__(self) -> None:
        if self.media not in ("refuse", "forward"):
            raise ConfigError("media must be 'refuse' or 'forward'")
        if self.unknown_fields not in ("mask", "refuse"):
            raise ConfigError("unknown_fields must be 'mask' or 'refuse'")
        if self.max_body_bytes < 1024:
            raise ConfigError("the request size limit must be at least 1 KiB")
        if self.token is not None and len(self.token) < 16:
            raise ConfigError("the proxy token must be at least 16 characters")
        if self.timeout <= 0:
            raise ConfigError("the upstream timeout must be positive")


# -- guards: the proxy as a local service ---------------------------------------------------


def _problem(status: int, detail: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An RFC 9457 problem document."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def _hostname(host: str) -> str:
    """The name in a ``Host`` header, without port, lower-case, without a trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    else:
        name, sep, port = host.rpartition(":")
        if not sep or not port.isdigit():
            name = host
    return name.rstrip(".")


def _is_loopback(name: str) -> bool:
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


class _Guard:
    """ASGI middleware: Host, Origin, token, content type and size, before any route runs."""

    def __init__(self, app: ASGIApp, settings: ProxySettings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = frozenset(_hostname(h) for h in settings.allowed_hosts)
        self.origins = frozenset(o.rstrip("/") for o in settings.allowed_origins)
        self.token = _digest(settings.token) if settings.token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check(scope, Headers(scope=scope))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check(self, scope: Scope, headers: Headers) -> Response | None:
        name = _hostname(headers.get("host", ""))
        if not name or not (_is_loopback(name) or name in self.hosts):
            return _problem(
                421,
                "this proxy does not serve that Host (only loopback names and the hosts given "
                "with --allowed-host): a foreign Host header is how DNS rebinding reaches a local service",
                "foreign_host",
            )
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        if (origin is not None and origin.rstrip("/") not in self.origins) or (
            origin is None and site in ("cross-site", "same-site")
        ):
            return _problem(
                403,
                "cross-origin requests from a browser are refused (allow an origin with --allow-origin)",
                "cross_origin",
            )
        method = scope["method"]
        if scope["path"] == "/healthz" or (method == "OPTIONS" and origin is not None):
            return None
        if self.token is not None:
            scheme, _, credential = headers.get("authorization", "").partition(" ")
            given = _digest(credential.strip())
            if not (scheme.lower() == "bearer" and hmac.compare_digest(given, self.token)):
                return _problem(
                    401,
                    "this proxy needs its bearer token (Authorization: Bearer <token>, the client's api_key)",
                    "unauthorized",
                    {"www-authenticate": 'Bearer realm="veil-proxy"'},
                )
        if method == "POST":
            media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if media_type != "application/json":
                return _problem(
                    415,
                    "the request body must be sent as Content-Type: application/json",
                    "unsupported_media_type",
                )
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return _problem(400, "the Content-Length header is not a number", "invalid_request")
            if int(length) > self.settings.max_body_bytes:
                return _too_large(self.settings.max_body_bytes)
        return None


def _too_large(limit: int) -> JSONResponse:
    return _problem(
        413,
        f"the request body is larger than the proxy's limit of {limit} bytes (--max-body-mb)",
        "request_too_large",
    )


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it grows past ``limit`` (chunked uploads have no length)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# -- forwarding -------------------------------------------------------------------------------

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Request headers forwarded upstream: what OpenAI-compatible APIs need, nothing a client
# could use to smuggle data past the masking.
_FORWARD = frozenset(
    {
        "accept",
        "authorization",
        "api-key",
        "user-agent",
        "openai-organization",
        "openai-project",
        "openai-beta",
    }
)
_FORWARD_PREFIXES = ("x-stainless-",)
_CREDENTIALS = frozenset({"authorization", "api-key"})
_FORWARD_PARAMS = frozenset({"api-version"})
# Not copied back: the body is re-encoded here, and the server sets date and server.
_DROP_RESPONSE = _HOP_BY_HOP | {"content-length", "content-encoding", "date", "server"}


def _response_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower() not in _DROP_RESPONSE}


def _passthrough(response: httpx.Response) -> Response:
    return Response(response.content, status_code=response.status_code, headers=_response_headers(response))


async def _restored_stream(response: httpx.Response, placeholders: PlaceholderMap) -> AsyncIterator[str]:
    restorer = SseRestorer(placeholders)
    event: list[str] = []
    try:
        async for line in response.aiter_lines():
            if line:
                event.append(line)
            elif event:
                yield restorer.event(event)
                event = []
        if event:
            yield restorer.event(event)
        yield restorer.flush()
    except httpx.HTTPError as exc:
        yield restorer.flush()
        error = {
            "error": {
                "message": f"the upstream stream broke off ({type(exc).__name__})",
                "type": "veil_proxy",
            }
        }
        yield f"data: {json.dumps(error)}\n\n"
    finally:
        await response.aclose()


def _restore_body(content: bytes, placeholders: PlaceholderMap) -> bytes | None:
    try:
        answer = json.loads(content)
    except (ValueError, RecursionError):
        return None
    restore_completion(answer, placeholders)
    return json.dumps(answer, ensure_ascii=False).encode()


def create_app(
    ws: Workspace | None,
    engine: Detector,
    upstream_url: str,
    *,
    settings: ProxySettings | None = None,
) -> FastAPI:
    """The proxy app. ``upstream_url`` is the upstream's base URL as an OpenAI client takes it
    (``https://api.openai.com/v1``): ``/v1/chat/completions`` goes to ``{upstream_url}/chat/completions``.

    ``ws`` receives one ``llm.proxy`` audit entry per chat request, written before the prompt
    is forwarded (a request whose entry cannot be written is refused); ``None`` audits nothing.
    """
    config = settings if settings is not None else ProxySettings()
    parts = urlsplit(upstream_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"the upstream must be an http(s) URL such as https://api.openai.com/v1, not {upstream_url!r}"
        )
    base = upstream_url.rstrip("/")
    upstream_host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    detector = RequestDetector(engine, segment_chars=config.segment_chars, turns=FairTurns())
    state: dict[str, httpx.AsyncClient] = {}

    def client() -> httpx.AsyncClient:
        if "client" not in state:
            state["client"] = httpx.AsyncClient(timeout=httpx.Timeout(config.timeout, connect=10.0))
        return state["client"]

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if "client" in state:
            await state.pop("client").aclose()

    app = FastAPI(
        title="Veil LLM privacy proxy",
        summary="OpenAI-compatible chat completions with personal data masked before it leaves.",
        lifespan=lifespan,
    )
    if config.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    app.add_middleware(_Guard, settings=config)

    def upstream_headers(request: Request) -> dict[str, str]:
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in _FORWARD or k.lower().startswith(_FORWARD_PREFIXES)
        }
        if config.token is not None:  # the client's Authorization was the proxy's token
            headers.pop("authorization", None)
            headers.pop("api-key", None)
            if config.upstream_api_key:
                headers["authorization"] = f"Bearer {config.upstream_api_key}"
        return headers

    def upstream_params(request: Request) -> dict[str, str]:
        return {k: v for k, v in request.query_params.items() if k in _FORWARD_PARAMS}

    def unreachable(exc: httpx.HTTPError) -> JSONResponse:
        if isinstance(exc, httpx.TimeoutException):
            return _problem(504, f"the upstream {upstream_host} did not answer in time", "upstream_timeout")
        return _problem(
            502,
            f"the upstream {upstream_host} cannot be reached ({type(exc).__name__})",
            "upstream_unreachable",
        )

    def prepare(raw: bytes, headers: dict[str, str]) -> tuple[WalkedRequest, bytes]:
        """Parse, mask and serialise the request (in a worker thread: all of it is CPU work).

        The forwarded header values (credentials apart) are masked in place too: a client
        can write anything into ``OpenAI-Organization`` or ``User-Agent``."""
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise ProxyRefusal("the request body is not JSON", status=400, code="invalid_request") from None
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            raise ProxyRefusal(
                "the request body must be a JSON object with a 'messages' list",
                status=400,
                code="invalid_request",
            )
        inspected = {k: v for k, v in headers.items() if k not in _CREDENTIALS}
        walked = mask_request(
            body, detector.detect, media=config.media, unknown=config.unknown_fields, headers=inspected
        )
        headers.update(inspected)
        return walked, json.dumps(walked.body, ensure_ascii=False).encode()

    def audit(walked: WalkedRequest) -> None:
        if ws is None:
            return
        model = walked.body.get("model")
        details = {
            "model": model if isinstance(model, str) else None,
            "stream": walked.body.get("stream") is True,
            "messages": len(walked.body["messages"]),
            "entities": walked.placeholders.counts(),
            "strings": walked.strings,
            "media_forwarded": walked.media_forwarded,
            "upstream": upstream_host,
        }
        with ws.transaction() as conn:
            ws.audit.append(conn, AUDIT_ACTION, details=details)

    @app.get("/healthz", summary="Liveness check")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models", summary="The upstream's model list, passed through", response_model=None)
    async def models(request: Request) -> Response:
        try:
            response = await client().get(
                f"{base}/models", headers=upstream_headers(request), params=upstream_params(request)
            )
        except httpx.HTTPError as exc:
            return unreachable(exc)
        return _passthrough(response)

    @app.post(
        "/v1/chat/completions",
        summary="Chat completion with PII masked on the way out and restored on the way back",
        response_model=None,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object", "required": ["messages"]}}},
            }
        },
    )
    async def chat_completions(request: Request) -> Response:
        raw = await _read_body(request, config.max_body_bytes)
        if raw is None:
            return _too_large(config.max_body_bytes)
        headers = upstream_headers(request)
        try:
            walked, payload = await run_in_threadpool(prepare, raw, headers)
        except ProxyRefusal as refusal:
            return _problem(refusal.status, refusal.message, refusal.code)
        except Exception as exc:  # its text may quote the prompt: only the type is shown
            return _problem(
                500, f"PII detection failed ({type(exc).__name__}); nothing was sent", "detection_failed"
            )
        try:
            await run_in_threadpool(audit, walked)
        except Exception as exc:  # never forward what could not be recorded
            return _problem(
                503,
                f"the audit entry could not be written ({type(exc).__name__}); nothing was sent",
                "audit_failed",
            )
        headers["content-type"] = "application/json"
        upstream = client().build_request(
            "POST",
            f"{base}/chat/completions",
            headers=headers,
            params=upstream_params(request),
            content=payload,
        )
        try:
            response = await client().send(upstream, stream=True)
        except httpx.HTTPError as exc:
            return unreachable(exc)
        placeholders = walked.placeholders
        is_sse = response.headers.get("content-type", "").startswith("text/event-stream")
        if response.is_success and is_sse:
            return StreamingResponse(
                _restored_stream(response, placeholders),
                status_code=response.status_code,
                headers=_response_headers(response),
                media_type="text/event-stream",
            )
        try:
            await response.aread()
        except httpx.HTTPError as exc:
            return unreachable(exc)
        finally:
            await response.aclose()
        if not response.is_success:
            return _passthrough(response)
        restored = await run_in_threadpool(_restore_body, response.content, placeholders)
        if restored is None:
            return _passthrough(response)
        return Response(
            restored,
            status_code=response.status_code,
            headers={**_response_headers(response), "content-type": "application/json"},
        )

    return app
