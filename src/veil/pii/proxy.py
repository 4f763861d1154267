"""The LLM privacy proxy: prompts leave masked, answers come back restored.

An OpenAI-compatible ``POST /v1/chat/completions`` sits between a client and an
upstream model API. Before forwarding, every message's text is run through the PII
engine and each detected value is replaced by a placeholder (``<PERSON_1>``,
``<EMAIL_ADDRESS_1>``); in the answer the placeholders are replaced by the values
again, in the JSON body or chunk by chunk in a server-sent-event stream::

    client ──"Mail Ada Lovelace"──▶ proxy ──"Mail <PERSON_1>"──▶ upstream
    client ◀─"Dear Ada Lovelace"─── proxy ◀─"Dear <PERSON_1>"─── upstream

The mapping lives in memory for one request only. Numbering follows the order in
which values first appear in the messages, so a conversation that is re-sent with
one more turn keeps its placeholders. Each request is audit-logged (``llm.proxy``)
with the model, the streaming flag and counts by entity type, never values.

Three plain pieces, usable without the web app:

- :class:`PlaceholderMap` masks text given the detected entities and restores it;
- :class:`StreamRestorer` restores a text that arrives in arbitrary chunks, holding
  back a possible placeholder cut at a chunk's end (``"Dear <PER"`` + ``"SON_1>"``);
- :func:`create_app` builds the FastAPI proxy from a workspace (or ``None``: no
  audit), a detector (``PiiEngine``) and the upstream base URL.

A placeholder is ``<`` + upper-case letters, digits and ``_`` + ``_N>``. Text that
already looks like one in the client's messages is never assigned to a value, so it
comes back verbatim.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from veil.errors import ConfigError
from veil.pii.entity import Entity
from veil.workspace import Workspace

__all__ = [
    "AUDIT_ACTION",
    "PLACEHOLDER_PATTERN",
    "Detector",
    "PlaceholderMap",
    "StreamRestorer",
    "create_app",
    "placeholder_tag",
]

AUDIT_ACTION = "llm.proxy"

#: What a placeholder looks like; its body never holds ``<`` or ``>``, so matches never overlap.
PLACEHOLDER_PATTERN = re.compile(r"<[A-Z0-9_]+_[0-9]+>")

_NON_TAG = re.compile(r"[^A-Z0-9]+")


class Detector(Protocol):
    """What the proxy needs from the PII engine (``veil.pii.engine.PiiEngine``)."""

    def detect_batch(self, texts: list[str]) -> list[list[Entity]]: ...


def placeholder_tag(entity_type: str) -> str:
    """The placeholder's name for an entity type: ``"email address"`` -> ``EMAIL_ADDRESS``."""
    return _NON_TAG.sub("_", entity_type.upper()).strip("_") or "PII"


def _merge(entities: Iterable[Entity], length: int) -> list[tuple[int, int, str]]:
    """Non-overlapping spans covering every detected character; a merged span takes the type
    of its longest (then highest-scoring) entity."""
    spans = sorted((e.start, min(e.end, length), e.type, e.score) for e in entities if e.start < length)
    merged: list[tuple[int, int, str]] = []
    best: tuple[int, float] = (0, 0.0)
    for start, end, type_, score in spans:
        rank = (end - start, score)
        if merged and start < merged[-1][1]:
            m_start, m_end, m_type = merged[-1]
            if rank > best:
                m_type, best = type_, rank
            merged[-1] = (m_start, max(m_end, end), m_type)
        else:
            merged.append((start, end, type_))
            best = rank
    return merged


class PlaceholderMap:
    """A reversible value <-> placeholder mapping for one request (or one conversation).

    The same value always gets the same placeholder; numbers count per tag from 1 in
    order of first appearance and skip any placeholder-shaped text the input already
    holds (see :meth:`reserve`).
    """

    def __init__(self) -> None:
        self._by_value: dict[str, str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._last: dict[str, int] = {}
        self._reserved: set[str] = set()
        self._counts: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._by_placeholder)

    def __repr__(self) -> str:  # never the values
        return f"PlaceholderMap({len(self)} placeholders)"

    @property
    def placeholders(self) -> Mapping[str, str]:
        """Placeholder -> original value (read-only view)."""
        return self._by_placeholder

    def counts(self) -> dict[str, int]:
        """How many spans of each entity type were masked so far."""
        return dict(sorted(self._counts.items()))

    def reserve(self, text: str) -> None:
        """Never assign the placeholder-shaped strings ``text`` already contains.

        Call it for every text of a request before masking any (``mask_all`` does), so a
        literal ``<PERSON_1>`` a user typed comes back as typed.
        """
        self._reserved.update(PLACEHOLDER_PATTERN.findall(text))

    def mask(self, text: str, entities: Iterable[Entity]) -> tuple[str, dict[str, str]]:
        """``text`` with every entity span replaced, and the placeholders it used -> values."""
        self.reserve(text)
        return self._mask(text, entities)

    def mask_all(self, texts: Sequence[str], entities: Sequence[Iterable[Entity]]) -> list[str]:
        """Mask several texts with one consistent numbering (``entities[i]`` belongs to ``texts[i]``)."""
        if len(texts) != len(entities):
            raise ValueError(f"{len(texts)} texts but {len(entities)} entity lists")
        for text in texts:
            self.reserve(text)
        return [self._mask(text, found)[0] for text, found in zip(texts, entities, strict=True)]

    def restore(self, text: str) -> str:
        """Put the values back; unknown placeholder-shaped text is left as it is."""
        if not self._by_placeholder:
            return text
        return PLACEHOLDER_PATTERN.sub(lambda m: self._by_placeholder.get(m[0], m[0]), text)

    def _mask(self, text: str, entities: Iterable[Entity]) -> tuple[str, dict[str, str]]:
        parts: list[str] = []
        used: dict[str, str] = {}
        pos = 0
        for start, end, type_ in _merge(entities, len(text)):
            value = text[start:end]
            placeholder = self._placeholder_for(value, type_)
            parts += (text[pos:start], placeholder)
            used[placeholder] = value
            self._counts[str(type_)] += 1
            pos = end
        parts.append(text[pos:])
        return "".join(parts), used

    def _placeholder_for(self, value: str, entity_type: str) -> str:
        placeholder = self._by_value.get(value)
        if placeholder is not None:
            return placeholder
        tag = placeholder_tag(entity_type)
        n = self._last.get(tag, 0)
        while True:
            n += 1
            placeholder = f"<{tag}_{n}>"
            if placeholder not in self._reserved:
                break
        self._last[tag] = n
        self._by_value[value] = placeholder
        self._by_placeholder[placeholder] = value
        return placeholder


class StreamRestorer:
    """Restore a text that arrives in chunks: ``feed`` each, then ``finish``.

    The emitted pieces concatenate to exactly ``placeholders.restore(whole_text)``. A
    chunk's tail from its last ``<`` is held back while it is a proper prefix of a known
    placeholder (``<PER``); it is released as soon as it completes or stops matching.
    """

    def __init__(self, placeholders: PlaceholderMap) -> None:
        self._map = placeholders
        self._known: list[str] = []
        self._known_size = -1
        self._pending = ""

    def __repr__(self) -> str:
        return f"StreamRestorer(holding {len(self._pending)} chars)"

    def feed(self, chunk: str) -> str:
        """Take the next chunk; return the restored text that is safe to emit now."""
        text = self._pending + chunk
        cut = self._hold_from(text)
        self._pending = text[cut:]
        return self._map.restore(text[:cut])

    def finish(self) -> str:
        """The end of the stream: whatever was held back, restored."""
        text, self._pending = self._pending, ""
        return self._map.restore(text)

    def _hold_from(self, text: str) -> int:
        start = text.rfind("<")
        if start < 0 or ">" in text[start:]:
            return len(text)
        if self._known_size != len(self._map):
            self._known = sorted(self._map.placeholders)
            self._known_size = len(self._known)
        tail = text[start:]
        i = bisect_left(self._known, tail)
        if i < len(self._known) and self._known[i].startswith(tail):
            return start
        return len(text)


# -- the web app -----------------------------------------------------------------------------

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
# Not forwarded upstream: httpx sets its own host, length and encodings.
_DROP_REQUEST = _HOP_BY_HOP | {"host", "content-length", "accept-encoding"}
# Not copied back: the body is re-encoded here, and the server sets date and server.
_DROP_RESPONSE = _HOP_BY_HOP | {"content-length", "content-encoding", "date", "server"}


def _problem(status: int, detail: str, code: str) -> JSONResponse:
    """An RFC 9457 problem document."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _request_headers(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST}


def _response_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower() not in _DROP_RESPONSE}


def _passthrough(response: httpx.Response) -> Response:
    return Response(response.content, status_code=response.status_code, headers=_response_headers(response))


def _text_slots(messages: list[Any]) -> list[tuple[dict[str, Any], str]]:
    """(container, key) of every text to mask: string contents and ``{"type": "text"}`` parts."""
    slots: list[tuple[dict[str, Any], str]] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str):
            slots.append((message, "content"))
        elif isinstance(content, list):
            slots.extend(
                (part, "text")
                for part in content
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
            )
    return slots


def _restore_completion(body: Any, placeholders: PlaceholderMap) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
        return
    for choice in body["choices"]:
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict) and isinstance(message.get("content"), str):
            message["content"] = placeholders.restore(message["content"])


class _SseRestorer:
    """Restores ``choices[].delta.content`` across the events of one chat-completion stream."""

    _TEMPLATE_KEYS = ("id", "object", "created", "model", "system_fingerprint", "service_tier")

    def __init__(self, placeholders: PlaceholderMap) -> None:
        self._map = placeholders
        self._choices: dict[int, StreamRestorer] = {}
        self._template: dict[str, Any] = {}

    def event(self, lines: list[str]) -> str:
        """One SSE event (its lines, without the blank line) -> the text to send on."""
        data = [line[5:].removeprefix(" ") for line in lines if line.startswith("data:")]
        other = [line for line in lines if not line.startswith("data:")]
        payload = "\n".join(data)
        if not data:
            return _sse(other, None)
        if payload.strip() == "[DONE]":
            return self.flush() + _sse(other, payload)
        try:
            chunk = json.loads(payload)
        except ValueError:
            return _sse(other, payload)
        if isinstance(chunk, dict):
            self._restore_chunk(chunk)
        return _sse(other, json.dumps(chunk, ensure_ascii=False, separators=(",", ":")))

    def flush(self) -> str:
        """An extra chunk with whatever is still held back (normally nothing)."""
        rests = [(index, r.finish()) for index, r in self._choices.items()]
        self._choices.clear()
        choices = [
            {"index": index, "delta": {"content": rest}, "finish_reason": None}
            for index, rest in rests
            if rest
        ]
        if not choices:
            return ""
        chunk = {**self._template, "choices": choices}
        return _sse([], json.dumps(chunk, ensure_ascii=False, separators=(",", ":")))

    def _restore_chunk(self, chunk: dict[str, Any]) -> None:
        self._template = {k: chunk[k] for k in self._TEMPLATE_KEYS if k in chunk}
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            return
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", 0)
            index = index if isinstance(index, int) else 0
            delta = choice.get("delta")
            if isinstance(delta, dict) and isinstance(delta.get("content"), str):
                restorer = self._choices.setdefault(index, StreamRestorer(self._map))
                delta["content"] = restorer.feed(delta["content"])
            if choice.get("finish_reason") is not None and index in self._choices:
                rest = self._choices.pop(index).finish()
                if rest:
                    if not isinstance(delta, dict):
                        delta = choice["delta"] = {}
                    delta["content"] = (delta.get("content") or "") + rest


def _sse(other: list[str], data: str | None) -> str:
    lines = list(other)
    if data is not None:
        lines += [f"data: {line}" for line in data.split("\n")]
    return "\n".join(lines) + "\n\n"


async def _restored_stream(response: httpx.Response, placeholders: PlaceholderMap) -> AsyncIterator[str]:
    restorer = _SseRestorer(placeholders)
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
        yield _sse([], json.dumps(error))
    finally:
        await response.aclose()


def create_app(
    ws: Workspace | None,
    engine: Detector,
    upstream_url: str,
    *,
    timeout: float = 600.0,
) -> FastAPI:
    """The proxy app. ``upstream_url`` is the upstream's base URL as an OpenAI client takes it
    (``https://api.openai.com/v1``): ``/v1/chat/completions`` goes to ``{upstream_url}/chat/completions``.

    ``ws`` receives one ``llm.proxy`` audit entry per chat request, written before the prompt
    is forwarded (a request whose entry cannot be written is refused); ``None`` audits nothing.
    """
    parts = urlsplit(upstream_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"the upstream must be an http(s) URL such as https://api.openai.com/v1, not {upstream_url!r}"
        )
    base = upstream_url.rstrip("/")
    upstream_host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    state: dict[str, httpx.AsyncClient] = {}
    # One detection at a time: NER pipelines are not documented as thread-safe, and detection
    # takes milliseconds where the upstream takes seconds.
    detect_lock = threading.Lock()

    def detect(texts: list[str]) -> list[list[Entity]]:
        with detect_lock:
            return engine.detect_batch(texts)

    def client() -> httpx.AsyncClient:
        if "client" not in state:
            state["client"] = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))
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

    def unreachable(exc: httpx.HTTPError) -> JSONResponse:
        if isinstance(exc, httpx.TimeoutException):
            return _problem(504, f"the upstream {upstream_host} did not answer in time", "upstream_timeout")
        return _problem(
            502,
            f"the upstream {upstream_host} cannot be reached ({type(exc).__name__})",
            "upstream_unreachable",
        )

    def audit(model: Any, stream: bool, messages: int, counts: dict[str, int]) -> None:
        if ws is None:
            return
        details = {
            "model": model if isinstance(model, str) else None,
            "stream": stream,
            "messages": messages,
            "entities": counts,
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
                f"{base}/models", headers=_request_headers(request), params=request.query_params
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
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _problem(400, "the request body is not JSON", "invalid_request")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _problem(
                400, "the request body must be a JSON object with a 'messages' list", "invalid_request"
            )
        stream = body.get("stream") is True
        placeholders = PlaceholderMap()
        slots = _text_slots(body["messages"])
        texts = [container[key] for container, key in slots]
        if texts:
            try:
                found = await run_in_threadpool(detect, texts)
            except Exception as exc:  # its text may quote the prompt: only the type is shown
                return _problem(
                    500, f"PII detection failed ({type(exc).__name__}); nothing was sent", "detection_failed"
                )
            for (container, key), masked in zip(slots, placeholders.mask_all(texts, found), strict=True):
                container[key] = masked
        try:
            await run_in_threadpool(
                audit, body.get("model"), stream, len(body["messages"]), placeholders.counts()
            )
        except Exception as exc:  # never forward what could not be recorded
            return _problem(
                503,
                f"the audit entry could not be written ({type(exc).__name__}); nothing was sent",
                "audit_failed",
            )
        headers = _request_headers(request)
        headers["content-type"] = "application/json"
        upstream = client().build_request(
            "POST",
            f"{base}/chat/completions",
            headers=headers,
            params=request.query_params,
            content=json.dumps(body, ensure_ascii=False).encode(),
        )
        try:
            response = await client().send(upstream, stream=True)
        except httpx.HTTPError as exc:
            return unreachable(exc)
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
        try:
            answer = response.json()
        except ValueError:
            return _passthrough(response)
        _restore_completion(answer, placeholders)
        return Response(
            json.dumps(answer, ensure_ascii=False).encode(),
            status_code=response.status_code,
            headers={**_response_headers(response), "content-type": "application/json"},
        )

    return app
