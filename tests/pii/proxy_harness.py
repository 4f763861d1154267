"""A fake OpenAI-compatible upstream served for real on loopback, for the proxy tests.

It records the exact headers and bytes it receives and answers, by model name:

* ``fake-model``: every text it was given, one per line (streamed in 3-character chunks
  when asked to, so every placeholder reaches the proxy cut across chunks);
* ``tool-echo``: two tool calls whose JSON arguments hold the texts it was given and the
  arguments of the tool calls in the conversation (streamed interleaved, 3 characters a
  chunk);
* ``function-echo``: the same through the legacy ``function_call``;
* ``rate-limited``: a 429 problem; ``breaks-midway``: a stream that is cut off.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

__all__ = ["CHUNK", "Upstream", "echo", "echo_texts", "free_port", "serve", "tool_arguments", "upstream_app"]

CHUNK = 3


@dataclass
class Upstream:
    """What the fake upstream received: (headers, raw body) per request."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    sent_chunks: list[str] = field(default_factory=list)

    def all_bytes(self) -> bytes:
        return b"\n".join(json.dumps(h).encode() + b"\n" + body for h, body in self.requests)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests if body]


def echo_texts(messages: list[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [
                p["text"] for p in content if p.get("type") == "text" and isinstance(p.get("text"), str)
            ]
    return texts


def echo(messages: list[dict[str, Any]]) -> str:
    """The fake model's answer: every text it was given, one per line."""
    return "\n".join(echo_texts(messages))


def tool_arguments(messages: list[dict[str, Any]]) -> list[Any]:
    """The parsed arguments of every tool call in the conversation (the text if not JSON)."""
    found: list[Any] = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            arguments = call["function"]["arguments"]
            try:
                found.append(json.loads(arguments))
            except ValueError:
                found.append(arguments)
    return found


def upstream_app(record: Upstream) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions", response_model=None)
    async def chat(request: Request) -> Response:
        raw = await request.body()
        record.requests.append((dict(request.headers), raw))
        body = json.loads(raw)
        model = body["model"]
        if model == "rate-limited":
            error = {"error": {"message": "slow down", "type": "rate_limit_error", "code": "rate_limited"}}
            return JSONResponse(error, status_code=429, headers={"retry-after": "7"})
        base = {"id": "chatcmpl-fake", "created": 1700000000, "model": model}
        messages = body["messages"]
        answer = echo(messages)
        calls: list[dict[str, Any]] = []
        if model in ("tool-echo", "function-echo"):
            texts = echo_texts(messages)
            first = json.dumps({"texts": texts, "calls": tool_arguments(messages)}, ensure_ascii=False)
            second = json.dumps({"first": texts[0] if texts else ""}, ensure_ascii=False)
            calls = [
                {"id": "call_1", "type": "function", "function": {"name": "record", "arguments": first}},
                {"id": "call_2", "type": "function", "function": {"name": "note", "arguments": second}},
            ]
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": None if calls else answer}
            if model == "tool-echo":
                message["tool_calls"] = calls
            elif model == "function-echo":
                message["function_call"] = calls[0]["function"]
            finish = "tool_calls" if model == "tool-echo" else "function_call" if calls else "stop"
            return JSONResponse(
                {
                    **base,
                    "object": "chat.completion",
                    "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )

        def event(delta: dict[str, Any], finish: str | None = None) -> str:
            chunk = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(chunk)}\n\n"

        async def events() -> AsyncIterator[str]:
            if model == "tool-echo":
                yield event({"role": "assistant", "content": None})
                for i, call in enumerate(calls):
                    head = {"index": i, "id": call["id"], "type": "function"}
                    yield event(
                        {
                            "tool_calls": [
                                {**head, "function": {"name": call["function"]["name"], "arguments": ""}}
                            ]
                        }
                    )
                per_call = [
                    [(i, arguments[j : j + CHUNK]) for j in range(0, len(arguments), CHUNK)]
                    for i, arguments in enumerate(c["function"]["arguments"] for c in calls)
                ]
                # The two calls' argument chunks interleaved, as parallel tool calls may come.
                interleaved = [
                    p for group in itertools.zip_longest(*per_call) for p in group if p is not None
                ]
                for i, piece in interleaved:
                    record.sent_chunks.append(piece)
                    yield event({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
                yield event({}, "tool_calls")
            elif model == "function-echo":
                arguments = calls[0]["function"]["arguments"]
                yield event({"role": "assistant", "function_call": {"name": "record", "arguments": ""}})
                for j in range(0, len(arguments), CHUNK):
                    record.sent_chunks.append(arguments[j : j + CHUNK])
                    yield event({"function_call": {"arguments": arguments[j : j + CHUNK]}})
                yield event({}, "function_call")
            else:
                yield event({"role": "assistant", "content": ""})
                for i in range(0, len(answer), CHUNK):
                    piece = answer[i : i + CHUNK]
                    record.sent_chunks.append(piece)
                    yield event({"content": piece})
                    if model == "breaks-midway" and i >= 20 * CHUNK:
                        raise ConnectionAbortedError("the fake upstream drops the stream")
                yield event({}, "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/v1/models")
    async def models(request: Request) -> dict[str, Any]:
        record.requests.append((dict(request.headers), b""))
        return {
            "object": "list",
            "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "veil-tests"}],
        }

    return app


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port, in a thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
