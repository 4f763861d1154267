"""The LLM privacy proxy, driven by the real ``openai`` client against a fake upstream.

The fake upstream (``proxy_harness``) is a real HTTP server on a loopback port: it records
the exact bytes it receives and answers by echoing the (masked) texts back — as content,
as tool-call arguments or as a legacy function call — streamed in 3-character chunks when
asked to, so every placeholder reaches the proxy cut across chunks.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletionMessageFunctionToolCall
from typer.testing import CliRunner

from veil.cli.proxy import register
from veil.errors import ConfigError
from veil.pii.engine import PiiEngine
from veil.pii.entity import Entity
from veil.pii.proxy import (
    AUDIT_ACTION,
    PLACEHOLDER_PATTERN,
    PlaceholderMap,
    StreamRestorer,
    create_app,
)
from veil.workspace import Workspace

from .proxy_harness import Upstream, free_port, serve, upstream_app

NAMES = ["Ada Lovelace", "Charles Babbage"]
EMAIL = "ada.lovelace@example.com"
PHONE = "+1 415 555 0132"
# Every original value, and the parts of the names: none may reach the upstream.
SECRETS = [*NAMES, EMAIL, PHONE, "Lovelace", "Babbage", "415 555"]

SYSTEM = "You are a helpful assistant. Keep answers short."
PROMPT = f"My name is Ada Lovelace. Please write to me at {EMAIL} or call me on {PHONE}."
FOLLOW_UP = "Also draft a short note from Ada Lovelace to her friend Charles Babbage."
API_KEY = "sk-test-0123456789"


@pytest.fixture
def engine(pii_engine: PiiEngine) -> PiiEngine:
    return pii_engine


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
    for body in (b"not json", b'{"model": "m"}', b"\xff\xfe", b"[" * 100_000):
        response = httpx.post(
            f"{proxy_url}/v1/chat/completions", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
    assert record.requests[-1][1] == b""  # only the models request reached the upstream
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


# -- tool calls: every place a tool call carries data ---------------------------------------
QUOTED = 'Ada "the Countess" Lovelace'  # a value that needs JSON escaping on the way back
ARGS = {"to": EMAIL, "cc": [NAMES[1]], "phone": 4155550132, "note": f"Dear {NAMES[0]},", EMAIL: "as a key"}


def tool_conversation() -> list[Any]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": PROMPT, "name": "Ada_Lovelace"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_a",
                    "type": "function",
                    "function": {"name": "send_mail", "arguments": json.dumps(ARGS)},
                },
                {
                    "id": "call_b",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": f"not json: call {PHONE} about {QUOTED}"},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_a", "content": f"Sent to {EMAIL} for {NAMES[0]}."},
        {"role": "user", "content": [{"type": "text", "text": FOLLOW_UP}]},
    ]


TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "send_mail",
            "description": f"Send a mail, e.g. to {EMAIL} (Ada Lovelace's address).",
            "parameters": {
                "type": "object",
                "properties": {
                    "to": {"type": "string", "default": EMAIL, "examples": [PHONE]},
                    "who": {"type": "string", "enum": NAMES},
                },
                "required": ["to"],
            },
        },
    }
]


def originals(messages: list[Any]) -> tuple[list[str], list[Any]]:
    """What the fake model echoes, computed from the request the client sent."""
    texts: list[str] = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [part["text"] for part in content]
    calls: list[Any] = []
    for m in messages:
        for call in m.get("tool_calls") or []:
            try:
                calls.append(json.loads(call["function"]["arguments"]))
            except ValueError:
                calls.append(call["function"]["arguments"])
    return texts, calls


def test_tool_calls_are_masked_everywhere_and_restored_in_the_answer(
    client: openai.OpenAI, upstream: tuple[Upstream, str]
) -> None:
    record, _ = upstream
    messages = tool_conversation()
    answer = client.chat.completions.create(
        model="tool-echo",
        messages=messages,
        tools=TOOLS,
        user=EMAIL,
        metadata={"patient": NAMES[0]},
        extra_body={"veil_unknown": {"contact": PHONE, NAMES[1]: [EMAIL, 4155550132]}},
    )
    assert_no_secrets(record.all_bytes())
    assert b"4155550132" not in record.all_bytes()
    (sent,) = record.bodies()
    # The JSON arguments were parsed, masked inside (values, keys, numbers) and re-serialised.
    masked_args = json.loads(sent["messages"][2]["tool_calls"][0]["function"]["arguments"])
    assert set(masked_args) >= {"to", "cc", "phone", "note"} and EMAIL not in masked_args
    assert PLACEHOLDER_PATTERN.fullmatch(masked_args["phone"])  # a number became a placeholder
    assert sent["messages"][2]["tool_calls"][1]["function"]["arguments"].startswith(
        "not json: call <PHONE_NUMBER_"
    )
    assert PLACEHOLDER_PATTERN.fullmatch(sent["messages"][1]["name"])  # "Ada_Lovelace"
    assert sent["tools"][0]["function"]["parameters"]["required"] == ["to"]  # structure intact
    assert sent["messages"][3]["tool_call_id"] == "call_a"

    # The answer's tool-call arguments come back with the values, as valid JSON.
    texts, calls = originals(messages)
    tool_calls = answer.choices[0].message.tool_calls or []
    functions = [c.function for c in tool_calls if isinstance(c, ChatCompletionMessageFunctionToolCall)]
    assert [f.name for f in functions] == ["record", "note"]
    first = json.loads(functions[0].arguments)
    calls[0]["phone"] = str(ARGS["phone"])  # a masked number comes back as its text
    assert first == {"texts": texts, "calls": calls}
    assert json.loads(functions[1].arguments) == {"first": texts[0]}


def test_streamed_tool_call_arguments_are_restored_across_chunks(
    client: openai.OpenAI, upstream: tuple[Upstream, str]
) -> None:
    record, _ = upstream
    messages = tool_conversation()
    messages[1]["content"] = f"{PROMPT} Quote: {QUOTED}."
    stream = client.chat.completions.create(model="tool-echo", messages=messages, tools=TOOLS, stream=True)
    arguments: dict[int, str] = {}
    names: dict[int, str] = {}
    for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                if call.function is not None:
                    arguments[call.index] = arguments.get(call.index, "") + (call.function.arguments or "")
                    if call.function.name:
                        names[call.index] = call.function.name
    assert_no_secrets(record.all_bytes())
    # The upstream really cut placeholders inside the JSON text of the arguments.
    assert any("<" in c and ">" not in c for c in record.sent_chunks)
    texts, calls = originals(messages)
    calls[0]["phone"] = str(ARGS["phone"])
    assert names == {0: "record", 1: "note"}
    assert json.loads(arguments[0]) == {"texts": texts, "calls": calls}  # valid JSON, escaped quotes
    assert json.loads(arguments[1]) == {"first": texts[0]}


@pytest.mark.parametrize("stream", [False, True])
def test_legacy_function_call_is_masked_and_restored(
    client: openai.OpenAI, upstream: tuple[Upstream, str], stream: bool
) -> None:
    record, _ = upstream
    messages: list[Any] = [
        {"role": "user", "content": PROMPT},
        {
            "role": "assistant",
            "content": None,
            "function_call": {"name": "send_mail", "arguments": json.dumps(ARGS)},
        },
        {"role": "function", "name": "send_mail", "content": f"sent to {EMAIL}"},
    ]
    functions: list[Any] = [
        {"name": "send_mail", "description": f"mail {NAMES[0]}", "parameters": {"type": "object"}}
    ]
    if stream:
        arguments = ""
        chunks = client.chat.completions.create(
            model="function-echo", messages=messages, functions=functions, stream=True
        )
        for chunk in chunks:
            for choice in chunk.choices:
                if choice.delta.function_call is not None:
                    arguments += choice.delta.function_call.arguments or ""
    else:
        result = client.chat.completions.create(model="function-echo", messages=messages, functions=functions)
        call = result.choices[0].message.function_call
        assert call is not None
        arguments = call.arguments
    assert_no_secrets(record.all_bytes())
    (sent,) = record.bodies()
    assert EMAIL not in sent["messages"][1]["function_call"]["arguments"]
    texts = [PROMPT, f"sent to {EMAIL}"]
    assert json.loads(arguments) == {"texts": texts, "calls": []}


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


def test_cli_refuses_to_listen_beyond_loopback_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VEIL_PROXY_TOKEN", raising=False)
    result = CliRunner().invoke(
        cli(), ["proxy", "--upstream", "http://127.0.0.1:9/v1", "--host", "0.0.0.0", "--no-audit"]
    )
    assert isinstance(result.exception, ConfigError)
    assert "VEIL_PROXY_TOKEN" in result.exception.message


def test_cli_serves_the_proxy(ws: Workspace, upstream: tuple[Upstream, str], tmp_path: Path) -> None:
    record, upstream_url = upstream
    port = free_port()
    token = "cli-proxy-token-0123456789"
    script = (
        "import sys, typer\nfrom veil.cli.proxy import register\napp = typer.Typer()\n"
        "app.callback()(lambda: None)\nregister(app)\napp()\n"
    )
    args = ["proxy", "--upstream", upstream_url, "--port", str(port), "--workspace", str(ws.root), "--json"]
    args += ["--unknown-fields", "refuse", "--max-body-mb", "1"]
    env = {
        **os.environ,
        "VEIL_ACTOR": "cli-test",
        "VEIL_PROXY_TOKEN": token,
        "VEIL_UPSTREAM_API_KEY": API_KEY,
    }
    with subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as proc:
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
            with openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=token, max_retries=0) as c:
                answer = c.chat.completions.create(model="fake-model", messages=conversation())
                with pytest.raises(openai.BadRequestError):  # --unknown-fields refuse
                    c.chat.completions.create(
                        model="fake-model", messages=conversation(), extra_body={"x_extra": 1}
                    )
            refused = httpx.post(
                f"http://127.0.0.1:{port}/v1/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "x" * 2_000_000}]},
                headers={"authorization": f"Bearer {token}"},
            )
            assert refused.status_code == 413
            assert httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 401
        finally:
            proc.terminate()
            out, err = proc.communicate(timeout=30)
    assert answer.choices[0].message.content == original_answer()
    assert_no_secrets(record.all_bytes())
    assert len(record.requests) == 1
    assert record.requests[0][0]["authorization"] == f"Bearer {API_KEY}"
    info = json.loads(out)
    assert info["url"] == f"http://127.0.0.1:{port}/v1"
    assert info["token_required"] is True and info["unknown_fields"] == "refuse"
    assert token.encode() not in out + err and API_KEY.encode() not in out + err
    (entry,) = ws.audit.entries(action=AUDIT_ACTION)
    assert entry.actor == "cli-test"
