"""No personal value reaches the upstream, whatever shape the request has.

The proxy runs for real in front of a real (fake) upstream on loopback that records the
exact bytes it receives. Hypothesis builds chat-completion requests of every shape the API
has — and some it has not — and plants values from a seeded set of identifiers in any of
them: message contents and content parts (``text`` also as an object), ``name``,
tool-call JSON arguments (as values, as keys, as numbers, nested) and invalid JSON
arguments, the legacy ``function_call``, tool and function descriptions and JSON-schema
defaults/enums/examples, ``user``, ``metadata``, ``stop``, ``response_format``,
``prediction``, unknown top-level fields (with personal data as their *names* too) and
extra headers. Not one of the seeded values may appear in what the upstream received.

The seeded values are ones the detector finds on their own (checked first): the property
under test is that the proxy *walks every string*, not the recall of the detector.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii.engine import PiiEngine
from veil.pii.proxy import AUDIT_ACTION, PLACEHOLDER_PATTERN, ProxySettings, create_app
from veil.workspace import Workspace

from .proxy_harness import Upstream, echo, serve, upstream_app

SEEDED = [
    "Ada Lovelace",
    "Grace Hopper",
    "ada.lovelace@example.com",
    "grace.hopper@navy.example.org",
    "+1 415 555 0132",
    "GB29 NWBK 6016 1331 9268 19",
    "5555 5555 5555 4444",
]
PHONE_AS_NUMBER = 4155550132
# Forms a value may take in the recorded bytes: itself, its family name, its digits.
FORBIDDEN = [*SEEDED, "Lovelace", "Hopper", "4155550132", "415 555", "NWBK 6016", "5555 4444"]
TEMPLATES = ["{v}", "Contact {v} today.", "From: {v}", "{v}, please call back.", "A note about {v} and more."]
PLAIN = ["hello", "What is the weather like?", "ok", "", "get_weather", "celsius"]


def assert_clean(data: bytes) -> None:
    for value in FORBIDDEN:
        for form in {value, json.dumps(value)[1:-1], value.replace(" ", "_")}:
            assert form.encode() not in data, f"{value!r} reached the upstream"


@pytest.fixture(scope="module")
def stack(pii_engine: PiiEngine) -> Iterator[tuple[Upstream, str]]:
    """One upstream and one proxy (no audit) for all examples; the record is cleared per example."""
    record = Upstream()
    with (
        serve(upstream_app(record)) as upstream_url,
        serve(create_app(None, pii_engine, f"{upstream_url}/v1")) as url,
    ):
        yield record, url


def test_the_seeded_values_are_found_by_the_detector_alone(pii_engine: PiiEngine) -> None:
    for value, found in zip(SEEDED, pii_engine.detect_batch(SEEDED), strict=True):
        assert [(e.start, e.end) for e in found] == [(0, len(value))], value
    assert pii_engine.detect(str(PHONE_AS_NUMBER))


# -- request shapes -------------------------------------------------------------------------
secret = st.builds(lambda t, v: t.format(v=v), st.sampled_from(TEMPLATES), st.sampled_from(SEEDED))
text = st.one_of(secret, st.sampled_from(PLAIN))
key = st.one_of(st.sampled_from(["to", "name", "a", "items"]), st.sampled_from(SEEDED))
leaf = st.one_of(text, st.integers(-5, 100), st.just(PHONE_AS_NUMBER), st.booleans(), st.none())
json_value = st.recursive(
    leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(key, inner, max_size=3)),
    max_leaves=8,
)


def arguments() -> st.SearchStrategy[str]:
    valid = json_value.map(json.dumps)
    invalid = text.map(lambda t: "{not json: " + t)
    return st.one_of(valid, invalid)


part = st.one_of(
    text.map(lambda t: {"type": "text", "text": t}),
    text.map(lambda t: {"type": "text", "text": {"value": t, "annotations": []}}),  # text as an object
)
content = st.one_of(text, st.lists(part, min_size=1, max_size=3), st.none())
identifier = st.sampled_from(["Ada_Lovelace", "Grace_Hopper", "assistant_1", "bob"])
tool_call = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["call_1", "call_2"]),
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {"name": st.sampled_from(["send", "lookup"]), "arguments": arguments()}
        ),
    }
)
message = st.one_of(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["system", "developer", "user"]), "content": content},
        optional={"name": identifier},
    ),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "content": content},
        optional={
            "tool_calls": st.lists(tool_call, min_size=1, max_size=2),
            "function_call": st.fixed_dictionaries({"name": st.just("send"), "arguments": arguments()}),
            "refusal": text,
            "name": identifier,
        },
    ),
    st.fixed_dictionaries({"role": st.just("tool"), "tool_call_id": st.just("call_1"), "content": content}),
)
schema = st.fixed_dictionaries(
    {
        "type": st.just("object"),
        "properties": st.dictionaries(
            key,
            st.fixed_dictionaries(
                {},
                optional={
                    "type": st.just("string"),
                    "description": text,
                    "default": json_value,
                    "enum": st.lists(text, max_size=3),
                    "examples": st.lists(json_value, max_size=2),
                },
            ),
            max_size=3,
        ),
    },
    optional={"description": text, "title": text},
)
tool = st.fixed_dictionaries(
    {
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {"name": st.sampled_from(["send", "lookup"])},
            optional={"description": text, "parameters": schema},
        ),
    }
)
optional_fields: dict[str, st.SearchStrategy[Any]] = {
    "tools": st.lists(tool, min_size=1, max_size=2),
    "functions": st.lists(
        st.fixed_dictionaries(
            {"name": st.just("send")}, optional={"description": text, "parameters": schema}
        ),
        min_size=1,
        max_size=2,
    ),
    "tool_choice": st.one_of(
        st.sampled_from(["auto", "none", "required"]),
        st.just({"type": "function", "function": {"name": "send"}}),
    ),
    "user": text,
    "metadata": st.dictionaries(key, text, max_size=3),
    "stop": st.one_of(text, st.lists(text, max_size=3)),
    "response_format": st.fixed_dictionaries(
        {
            "type": st.just("json_schema"),
            "json_schema": st.fixed_dictionaries(
                {"name": st.just("out"), "schema": schema}, optional={"description": text}
            ),
        }
    ),
    "prediction": st.fixed_dictionaries({"type": st.just("content"), "content": content}),
    "temperature": st.floats(0, 2),
    "seed": st.integers(0, 2**31),
    "veil_extra": json_value,  # an unknown field
    "Ada Lovelace": json_value,  # an unknown field whose name is personal
}
request = st.fixed_dictionaries(
    {"model": st.just("fake-model"), "messages": st.lists(message, min_size=1, max_size=4)},
    optional=optional_fields,
)
extra_headers = st.dictionaries(
    st.sampled_from(["x-patient", "x-note", "openai-organization"]), st.sampled_from(SEEDED), max_size=2
)


@given(body=request, headers=extra_headers)
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_no_seeded_value_reaches_the_upstream(
    stack: tuple[Upstream, str], body: dict[str, Any], headers: dict[str, str]
) -> None:
    record, url = stack
    record.requests.clear()
    original = json.loads(json.dumps(body))
    response = httpx.post(f"{url}/v1/chat/completions", json=body, headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    assert len(record.requests) == 1
    assert_clean(record.all_bytes())
    # The answer (the fake model echoes the masked texts) comes back with the values.
    assert response.json()["choices"][0]["message"]["content"] == echo(original["messages"])
    sent = record.bodies()[0]
    assert [m["role"] for m in sent["messages"]] == [m["role"] for m in original["messages"]]
    for field in ("temperature", "seed", "tool_choice"):
        assert sent.get(field) == original.get(field)


# -- what cannot be inspected ---------------------------------------------------------------
PNG = "data:image/png;base64," + "iVBORw0KGgo" * 200
BLOB = base64.b64encode(bytes(range(256)) * 5).decode()  # 1708 characters of base64

UNINSPECTABLE: list[tuple[str, dict[str, Any], str]] = [
    (
        "image as data URL",
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "see"},
                        {"type": "image_url", "image_url": {"url": PNG}},
                    ],
                }
            ]
        },
        "messages[0].content[1]",
    ),
    (
        "image by URL",
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "https://example.com/scan.png"}}],
                }
            ]
        },
        "messages[0].content[0]",
    ),
    (
        "audio",
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "input_audio", "input_audio": {"data": BLOB, "format": "wav"}}],
                }
            ]
        },
        "messages[0].content[0]",
    ),
    (
        "file",
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "file", "file": {"file_data": PNG, "filename": "Ada Lovelace.pdf"}}],
                }
            ]
        },
        "messages[0].content[0]",
    ),
    (
        "data URL in metadata",
        {"messages": [{"role": "user", "content": "hi"}], "metadata": {"scan": PNG}},
        "metadata.<field 0>",
    ),
    (
        "base64 in an unknown field",
        {"messages": [{"role": "user", "content": "hi"}], "x_attachment": BLOB},
        "<field 2>",
    ),
    (
        "data URL in tool arguments",
        {
            "messages": [
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": "f", "arguments": json.dumps({"img": PNG})},
                        }
                    ],
                }
            ]
        },
        "messages[0].tool_calls[0].function.arguments.<field 0>",
    ),
]


@pytest.mark.parametrize(("case", "body", "where"), UNINSPECTABLE, ids=[c[0] for c in UNINSPECTABLE])
def test_what_cannot_be_inspected_is_refused(
    stack: tuple[Upstream, str], case: str, body: dict[str, Any], where: str
) -> None:
    record, url = stack
    record.requests.clear()
    response = httpx.post(f"{url}/v1/chat/completions", json={"model": "fake-model", **body}, timeout=60)
    assert response.status_code == 422, case
    problem = response.json()
    assert problem["code"] == "uninspectable_content"
    assert problem["detail"].startswith(where + " is ")
    assert "Lovelace" not in response.text and "iVBOR" not in response.text
    assert record.requests == []


def test_media_forwarded_only_when_configured_and_audited(ws: Workspace, pii_engine: PiiEngine) -> None:
    record = Upstream()
    settings_ = ProxySettings(media="forward")
    body = {
        "model": "fake-model",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Scan of Ada Lovelace's letter"},
                    {"type": "image_url", "image_url": {"url": PNG, "detail": "high"}},
                    {"type": "file", "file": {"file_data": PNG, "filename": "Ada Lovelace.pdf"}},
                ],
            }
        ],
    }
    with (
        serve(upstream_app(record)) as up,
        serve(create_app(ws, pii_engine, f"{up}/v1", settings=settings_)) as url,
    ):
        response = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
    assert response.status_code == 200
    (sent,) = record.bodies()
    parts = sent["messages"][0]["content"]
    assert parts[1]["image_url"]["url"] == PNG  # forwarded as it is: the operator's choice
    assert "Lovelace" not in parts[0]["text"] and "Lovelace" not in parts[2]["file"]["filename"]
    (entry,) = ws.audit.entries(action=AUDIT_ACTION)
    assert entry.details["media_forwarded"] >= 2


def test_unknown_fields_refused_when_configured(pii_engine: PiiEngine) -> None:
    record = Upstream()
    strict = ProxySettings(unknown_fields="refuse")
    with (
        serve(upstream_app(record)) as up,
        serve(create_app(None, pii_engine, f"{up}/v1", settings=strict)) as url,
    ):
        cases: list[dict[str, Any]] = [
            {"Ada Lovelace": 1},
            {"veil_extra": "x"},
        ]
        for extra in cases:
            body = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}], **extra}
            response = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
            assert response.status_code == 400 and response.json()["code"] == "unknown_field"
            assert "Lovelace" not in response.text
        for message in (
            {"role": "user", "content": "hi", "x_secret": "Ada Lovelace"},
            {"role": "user", "content": [{"type": "text", "text": "hi", "x": 1}]},
            {"role": "user", "content": [{"type": "mystery", "payload": "Ada Lovelace"}]},
        ):
            body = {"model": "fake-model", "messages": [message]}
            response = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
            assert response.status_code == 400, message
        known = {
            "model": "fake-model",
            "messages": [{"role": "user", "content": "hi"}],
            "user": "u1",
            "seed": 3,
        }
        assert httpx.post(f"{url}/v1/chat/completions", json=known, timeout=60).status_code == 200
    assert len(record.requests) == 1


def test_deeply_nested_json_is_refused(stack: tuple[Upstream, str]) -> None:
    record, url = stack
    record.requests.clear()
    nested: Any = "Ada Lovelace"
    for _ in range(200):
        nested = [nested]
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}], "metadata": {"x": nested}}
    response = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    assert record.requests == []


def test_a_literal_placeholder_in_the_request_is_not_confused_with_a_value(
    stack: tuple[Upstream, str],
) -> None:
    record, url = stack
    record.requests.clear()
    body: dict[str, Any] = {
        "model": "fake-model",
        "messages": [{"role": "user", "content": "Keep <PERSON_1> as typed; write to Ada Lovelace."}],
        "metadata": {"<PERSON_2>": "Grace Hopper"},
    }
    response = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
    assert response.json()["choices"][0]["message"]["content"] == body["messages"][0]["content"]
    sent = record.bodies()[0]
    assert_clean(record.all_bytes())
    assert "<PERSON_2>" in sent["metadata"]  # the literal key is kept, the value got another number
    assert set(PLACEHOLDER_PATTERN.findall(json.dumps(sent))) >= {"<PERSON_1>", "<PERSON_2>", "<PERSON_3>"}
