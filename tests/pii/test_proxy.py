"""The LLM privacy proxy, driven by the real ``openai`` client against a fake upstream.

The fake upstream is a real HTTP server on a loopback port: it records the exact bytes it
receives and answers by echoing the (masked) message texts back, streamed in 3-character
chunks when asked to, so every placeholder reaches the proxy cut across chunks.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import typer
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from veil.cli.proxy import register
from veil.errors import ConfigError
from veil.pii.engine import PiiEngine
from veil.pii.entity import Entity
from veil.pii.proxy import AUDIT_ACTION, PLACEHOLDER_PATTERN, PlaceholderMap, StreamRestorer, create_app
from veil.workspace import Workspace

NAMES = ["Ada Lovelace", "Charles Babbage"]
EMAIL = "ada.lovelace@example.com"
PHONE = "+1 415 555 0132"
# Every original value, and the parts of the names: none may reach the upstream.
SECRETS = [*NAMES, EMAIL, PHONE, "Lovelace", "Babbage", "415 555"]

SYSTEM = "You are a helpful assistant. Keep answers short."
PROMPT = f"My name is Ada Lovelace. Please write to me at {EMAIL} or call me on {PHONE}."
FOLLOW_UP = "Also draft a short note from Ada Lovelace to her friend Charles Babbage."
API_KEY = "sk-test-0123456789"
CHUNK = 3


# -- a fake upstream, served for real --------------------------------------------------------
@dataclass
class Upstream:
    """What the fake upstream received: (headers, raw body) per request."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    sent_chunks: list[str] = field(default_factory=list)

    def all_bytes(self) -> bytes:
        return b"\n".join(json.dumps(h).encode() + b"\n" + body for h, body in self.requests)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests if body]


def _texts(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [p["text"] for p in content if p.get("type") == "text"]
    return []


def echo(messages: list[dict[str, Any]]) -> str:
    """The fake model's answer: every text it was given, one per line."""
    return "\n".join(t for m in messages for t in _texts(m))


def upstream_app(record: Upstream) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions", response_model=None)
    async def chat(request: Request) -> Response:
        raw = await request.body()
        record.requests.append((dict(request.headers), raw))
        body = json.loads(raw)
        if body["model"] == "rate-limited":
            error = {"error": {"message": "slow down", "type": "rate_limit_error", "code": "rate_limited"}}
            return JSONResponse(error, status_code=429, headers={"retry-after": "7"})
        answer = echo(body["messages"])
        base = {"id": "chatcmpl-fake", "created": 1700000000, "model": body["model"]}
        if not body.get("stream"):
            return JSONResponse(
                {
                    **base,
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": answer},
                            "finish_reason": "stop",
                        }
                    ],
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
            yield event({"role": "assistant", "content": ""})
            for i in range(0, len(answer), CHUNK):
                piece = answer[i : i + CHUNK]
                record.sent_chunks.append(piece)
                yield event({"content": piece})
                if body["model"] == "breaks-midway" and i >= 20 * CHUNK:
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
def serve(app: FastAPI) -> Iterator[str]:
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


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


@pytest.fixture
def upstream() -> Iterator[tuple[Upstream, str]]:
    record = Upstream()
    with serve(upstream_app(record)) as url:
        yield record, f"{url}/v1"


@pytest.fixture
def proxy_url(ws: Workspace, engine: PiiEngine, upstream: tuple[Upstream, str]) -> Iterator[str]:
    with serve(create_app(ws, engine, upstream[1])) as url:
        yield url


@pytest.fixture
def client(proxy_url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{proxy_url}/v1", api_key=API_KEY, max_retries=0, timeout=60) as c:
        yield c


def conversation() -> list[Any]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": PROMPT},
        {"role": "assistant", "content": "Sure. What else?"},
        {"role": "user", "content": [{"type": "text", "text": FOLLOW_UP}]},
    ]


def original_answer() -> str:
    return "\n".join([SYSTEM, PROMPT, "Sure. What else?", FOLLOW_UP])


def assert_no_secrets(data: bytes) -> None:
    for value in SECRETS:
        for form in {value.encode(), json.dumps(value)[1:-1].encode()}:
            assert form not in data, f"{value!r} reached the upstream"


# -- end to end through the real openai client ---------------------------------------------
def test_masks_before_upstream_and_restores_the_answer(
    client: openai.OpenAI, upstream: tuple[Upstream, str], ws: Workspace
) -> None:
    record, _ = upstream
    answer = client.chat.completions.create(
        model="fake-model",
        messages=conversation(),
        temperature=0.25,
        extra_body={"veil_extra": {"n": [1, 2]}},
    )

    assert answer.choices[0].message.content == original_answer()
    assert_no_secrets(record.all_bytes())
    ((headers, _),) = record.requests
    assert headers["authorization"] == f"Bearer {API_KEY}"
    (sent,) = record.bodies()
    assert sent["model"] == "fake-model"
    assert sent["temperature"] == 0.25
    assert sent["veil_extra"] == {"n": [1, 2]}
    assert sent["messages"][0]["content"] == SYSTEM  # nothing personal: unchanged
    prompt, follow_up = sent["messages"][1]["content"], sent["messages"][3]["content"][0]["text"]
    for tag in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"):
        assert f"<{tag}_1>" in prompt
    # The same value gets the same placeholder across messages; another value another one.
    ada = prompt[prompt.index("<PERSON_") :].split(">")[0] + ">"
    assert ada in follow_up
    assert len(set(PLACEHOLDER_PATTERN.findall(follow_up))) == 2


def test_streaming_restores_placeholders_split_across_chunks(
    client: openai.OpenAI, upstream: tuple[Upstream, str]
) -> None:
    record, _ = upstream
    stream = client.chat.completions.create(model="fake-model", messages=conversation(), stream=True)
    pieces = [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]

    assert "".join(pieces) == original_answer()
    assert_no_secrets(record.all_bytes())
    # The upstream really cut placeholders: no 3-character chunk can hold a whole one.
    upstream_text = "".join(record.sent_chunks)
    assert "<PERSON_1>" in upstream_text
    assert not any(PLACEHOLDER_PATTERN.search(c) for c in record.sent_chunks)
    assert any("<" in c and ">" not in c for c in record.sent_chunks)


def test_each_request_is_audited_without_values(client: openai.OpenAI, ws: Workspace) -> None:
    client.chat.completions.create(model="fake-model", messages=conversation())
    for _ in client.chat.completions.create(model="fake-model", messages=conversation(), stream=True):
        pass

    entries = ws.audit.entries(action=AUDIT_ACTION)
    assert [e.details["stream"] for e in entries] == [False, True]
    for entry in entries:
        assert entry.details["model"] == "fake-model"
        assert entry.details["messages"] == 4
        counts = entry.details["entities"]
        assert counts["PERSON"] >= 3 and counts["EMAIL_ADDRESS"] == 1 and counts["PHONE_NUMBER"] == 1
    assert_no_secrets(json.dumps([e.to_dict() for e in ws.audit.entries()]).encode())
    assert ws.audit.verify().ok


def test_upstream_errors_pass_through_with_their_status(
    client: openai.OpenAI, upstream: tuple[Upstream, str]
) -> None:
    record, _ = upstream
    for stream in (False, True):
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="rate-limited", messages=conversation(), stream=stream)
        assert caught.value.status_code == 429
        assert caught.value.response.headers["retry-after"] == "7"
        assert caught.value.body == {
            "message": "slow down",
            "type": "rate_limit_error",
            "code": "rate_limited",
        }
    assert len(record.requests) == 2
    assert_no_secrets(record.all_bytes())


def test_a_stream_that_breaks_off_ends_with_an_error_event(
    client: openai.OpenAI, upstream: tuple[Upstream, str]
) -> None:
    record, _ = upstream
    received: list[str] = []
    with pytest.raises(openai.APIError, match="broke off"):
        for chunk in client.chat.completions.create(
            model="breaks-midway", messages=conversation(), stream=True
        ):
            received.append(chunk.choices[0].delta.content or "")
    # Everything sent before the break arrives; the cut placeholder is flushed as it came.
    assert "".join(received) == "".join(record.sent_chunks)
    assert "".join(received).endswith("My name is <PE")
    assert_no_secrets(record.all_bytes())


def test_nothing_is_sent_when_the_audit_entry_cannot_be_written(
    client: openai.OpenAI, upstream: tuple[Upstream, str], ws: Workspace
) -> None:
    record, _ = upstream
    with ws.engine.begin() as conn:  # a broken data store: the append fails
        conn.exec_driver_sql("DROP TABLE audit_log")
    with pytest.raises(openai.APIStatusError) as caught:
        client.chat.completions.create(model="fake-model", messages=conversation())
    assert caught.value.status_code == 503
    assert caught.value.response.headers["content-type"] == "application/problem+json"
    assert record.requests == []


def test_unreachable_upstream_is_a_502_problem(ws: Workspace, engine: PiiEngine) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with serve(create_app(ws, engine, dead)) as url:
        with (
            openai.OpenAI(base_url=f"{url}/v1", api_key=API_KEY, max_retries=0) as c,
            pytest.raises(openai.InternalServerError) as caught,
        ):
            c.chat.completions.create(model="fake-model", messages=conversation())
        assert caught.value.status_code == 502
        response = httpx.post(f"{url}/v1/chat/completions", json={"model": "m", "messages": conversation()})
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 502 and problem["title"] == "Bad Gateway"
    assert problem["code"] == "upstream_unreachable"
    assert_no_secrets(response.content)


def test_models_passthrough_health_and_bad_requests(
    client: openai.OpenAI, proxy_url: str, upstream: tuple[Upstream, str]
) -> None:
    record, _ = upstream
    assert [m.id for m in client.models.list()] == ["fake-model"]
    assert record.requests[-1][0]["authorization"] == f"Bearer {API_KEY}"
    assert httpx.get(f"{proxy_url}/healthz").json() == {"status": "ok"}
    for body in (b"not json", b'{"model": "m"}'):
        response = httpx.post(f"{proxy_url}/v1/chat/completions", content=body)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
    schema = httpx.get(f"{proxy_url}/openapi.json").json()
    assert {"/v1/chat/completions", "/v1/models", "/healthz"} <= set(schema["paths"])


def test_without_workspace_nothing_is_audited(engine: PiiEngine, upstream: tuple[Upstream, str]) -> None:
    record, upstream_url = upstream
    with (
        serve(create_app(None, engine, upstream_url)) as url,
        openai.OpenAI(base_url=f"{url}/v1", api_key=API_KEY, max_retries=0) as c,
    ):
        answer = c.chat.completions.create(model="fake-model", messages=conversation())
    assert answer.choices[0].message.content == original_answer()
    assert_no_secrets(record.all_bytes())


def test_create_app_refuses_a_non_http_upstream(engine: PiiEngine) -> None:
    with pytest.raises(ConfigError, match="http"):
        create_app(None, engine, "ftp://example.com/v1")


# -- PlaceholderMap ----------------------------------------------------------------------------
def ent(text: str, value: str, type_: str, score: float = 0.9) -> Entity:
    start = text.index(value)
    return Entity(start, start + len(value), type_, score, "test")


def test_placeholder_map_is_consistent_and_reversible() -> None:
    texts = ["Ada met Bob.", "Bob wrote to Ada at ada@example.com."]
    found = [
        [ent(texts[0], "Ada", "PERSON"), ent(texts[0], "Bob", "PERSON")],
        [
            ent(texts[1], "Bob", "PERSON"),
            ent(texts[1], "Ada", "PERSON"),
            ent(texts[1], "ada@example.com", "EMAIL_ADDRESS"),
        ],
    ]
    pmap = PlaceholderMap()
    masked = pmap.mask_all(texts, found)
    assert masked == ["<PERSON_1> met <PERSON_2>.", "<PERSON_2> wrote to <PERSON_1> at <EMAIL_ADDRESS_1>."]
    assert [pmap.restore(m) for m in masked] == texts
    assert pmap.counts() == {"EMAIL_ADDRESS": 1, "PERSON": 4}
    assert "Ada" not in repr(pmap) and "Bob" not in repr(pmap)
    assert pmap.restore("<PERSON_9> and <person_1> stay") == "<PERSON_9> and <person_1> stay"


def test_placeholder_map_skips_placeholders_the_input_already_holds() -> None:
    text = "Literal <PERSON_1> typed by the user; Ada is a person."
    pmap = PlaceholderMap()
    masked, used = pmap.mask(text, [ent(text, "Ada", "PERSON")])
    assert used == {"<PERSON_2>": "Ada"}
    assert masked == "Literal <PERSON_1> typed by the user; <PERSON_2> is a person."
    assert pmap.restore(masked) == text


def test_overlapping_entities_are_masked_as_one_span() -> None:
    text = "Mail jo.smith@example.com now"
    start = text.index("jo.smith")
    entities = [
        Entity(start, start + len("jo.smith@example.com"), "EMAIL_ADDRESS", 0.9),
        Entity(start, start + len("jo.smith"), "PERSON", 0.5),
        Entity(start + 9, start + 20, "URL", 0.4),
    ]
    masked, used = PlaceholderMap().mask(text, entities)
    assert masked == "Mail <EMAIL_ADDRESS_1> now"
    assert used == {"<EMAIL_ADDRESS_1>": "jo.smith@example.com"}


@st.composite
def text_and_entities(draw: st.DrawFn) -> tuple[str, list[Entity]]:
    text = draw(st.text(alphabet="ab <>_P1ÉR", min_size=1, max_size=40))
    spans = draw(
        st.lists(
            st.tuples(st.integers(0, len(text) - 1), st.integers(1, 8), st.sampled_from(["PERSON", "x y"]))
        )
    )
    return text, [Entity(s, min(s + n, len(text)), t, 0.5) for s, n, t in spans]


@given(text_and_entities())
def test_mask_then_restore_gives_back_the_text(case: tuple[str, list[Entity]]) -> None:
    text, entities = case
    pmap = PlaceholderMap()
    masked, used = pmap.mask(text, entities)
    assert pmap.restore(masked) == text
    assert set(used) <= set(PLACEHOLDER_PATTERN.findall(masked))


# -- StreamRestorer ----------------------------------------------------------------------------
VALUES = ["Ada Lovelace", "ada@example.com", "<b>", "+1 415"]


def restorer_map() -> PlaceholderMap:
    pmap = PlaceholderMap()
    text = " | ".join(VALUES)
    pmap.mask(
        text,
        [ent(text, v, t) for v, t in zip(VALUES, ["PERSON", "EMAIL", "PERSON", "PHONE_NUMBER"], strict=True)],
    )
    pmap.mask("Bo", [Entity(0, 2, "PERSON", 1.0)])
    return pmap


PIECES = st.sampled_from(
    [
        "<PERSON_1>",
        "<PERSON_2>",
        "<PERSON_3>",
        "<EMAIL_1>",
        "<PHONE_NUMBER_1>",
        "<PERSON_12>",
        "<PERSON_",
        "<",
        ">",
        "<<",
        "_1>",
        "PERSON",
        " ",
        "text",
        "é",
    ]
) | st.text(alphabet="<>_PERSON123 ab", max_size=6)


@settings(max_examples=300)
@given(st.lists(PIECES, max_size=20).map("".join), st.lists(st.integers(0, 200), max_size=12))
def test_stream_restorer_output_does_not_depend_on_the_chunking(text: str, cuts: list[int]) -> None:
    pmap = restorer_map()
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    restorer = StreamRestorer(pmap)
    out = [restorer.feed(text[a:b]) for a, b in itertools.pairwise(bounds)]
    out.append(restorer.finish())
    assert "".join(out) == pmap.restore(text)


def test_stream_restorer_holds_only_what_could_still_be_a_placeholder() -> None:
    pmap = restorer_map()
    r = StreamRestorer(pmap)
    assert r.feed("Dear <PER") == "Dear "
    assert r.feed("SON_1>, hi") == "Ada Lovelace, hi"
    assert r.feed(" a < b") == " a < b"  # "< b" cannot start a placeholder
    assert r.feed(" <PERSON_9") == " <PERSON_9"  # no known placeholder starts so
    assert r.feed(" <EMAIL_") == " "
    assert r.finish() == "<EMAIL_"


# -- the command -----------------------------------------------------------------------------
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Veil (test harness)."""

    register(app)
    return app


def test_cli_help_and_bad_upstream() -> None:
    result = CliRunner().invoke(cli(), ["proxy", "--help"])
    assert result.exit_code == 0
    assert "--upstream" in result.output and "--workspace" in result.output
    result = CliRunner().invoke(cli(), ["proxy", "--upstream", "ftp://x", "--no-audit"])
    assert isinstance(result.exception, ConfigError)


def test_cli_serves_the_proxy(ws: Workspace, upstream: tuple[Upstream, str], tmp_path: Path) -> None:
    record, upstream_url = upstream
    port = free_port()
    script = (
        "import sys, typer\nfrom veil.cli.proxy import register\napp = typer.Typer()\n"
        "app.callback()(lambda: None)\nregister(app)\napp()\n"
    )
    args = ["proxy", "--upstream", upstream_url, "--port", str(port), "--workspace", str(ws.root), "--json"]
    env = {**os.environ, "VEIL_ACTOR": "cli-test"}
    with subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, env=env) as proc:
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, "veil proxy exited"
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "veil proxy did not come up"
                time.sleep(0.1)
            with openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=API_KEY, max_retries=0) as c:
                answer = c.chat.completions.create(model="fake-model", messages=conversation())
        finally:
            proc.terminate()
            out, _ = proc.communicate(timeout=30)
    assert answer.choices[0].message.content == original_answer()
    assert_no_secrets(record.all_bytes())
    assert json.loads(out)["url"] == f"http://127.0.0.1:{port}/v1"
    (entry,) = ws.audit.entries(action=AUDIT_ACTION)
    assert entry.actor == "cli-test"
