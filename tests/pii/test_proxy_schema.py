"""The request walk and the answer restorers, without HTTP.

Detection here is the real rules engine (no NER), which finds e-mail addresses and phone
numbers deterministically; the end-to-end tests use the full engine.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.engine import PiiEngine
from veil.pii.entity import Entity
from veil.pii.proxy_detect import FairTurns, KnownValues, RequestDetector
from veil.pii.proxy_restore import SseRestorer, restore_completion
from veil.pii.proxy_schema import ProxyRefusal, mask_request
from veil.pii.proxy_text import PLACEHOLDER_PATTERN, PlaceholderMap

EMAIL = "ada@example.com"
PHONE = "+1 415 555 0132"


@pytest.fixture
def detect(rules_engine: PiiEngine) -> Any:
    return RequestDetector(rules_engine).detect


def test_arguments_without_personal_data_are_forwarded_byte_for_byte(detect: Any) -> None:
    arguments = '{"city":  "Paris",\n "days": [1, 2.50, true, null]}'
    body: dict[str, Any] = {
        "messages": [
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c", "type": "function", "function": {"name": "w", "arguments": arguments}}
                ],
            }
        ]
    }
    mask_request(body, detect)
    assert body["messages"][0]["tool_calls"][0]["function"]["arguments"] == arguments


def test_arguments_are_parsed_masked_and_reserialised(detect: Any) -> None:
    inner = {"to": EMAIL, "nested": {EMAIL: [PHONE, {"deep": f"call {PHONE}"}]}, "n": 4155550132}
    body: dict[str, Any] = {
        "messages": [
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c", "type": "function", "function": {"name": "w", "arguments": json.dumps(inner)}}
                ],
                "function_call": {"name": "f", "arguments": f"broken {{ {EMAIL}"},
            }
        ]
    }
    walked = mask_request(body, detect)
    message = body["messages"][0]
    sent = json.loads(message["tool_calls"][0]["function"]["arguments"])
    assert EMAIL not in json.dumps(sent) and PHONE not in json.dumps(sent)
    assert list(sent) == ["to", "nested", "n"]  # key order kept
    (masked_key,) = sent["nested"]
    assert masked_key == sent["to"]  # the same value, the same placeholder, as key and value
    assert isinstance(sent["n"], str) and PLACEHOLDER_PATTERN.fullmatch(sent["n"])
    assert message["function_call"]["arguments"] == f"broken {{ {sent['to']}"  # not JSON: as text
    # Restoring the re-serialised text gives the original values back.
    restored = json.loads(walked.placeholders.restore(json.dumps(sent)))
    assert restored == {**inner, "n": "4155550132"}


def test_structure_words_and_numeric_settings_pass_unchanged(detect: Any) -> None:
    body: dict[str, Any] = {
        "model": "gpt-4o-2024-08-06",
        "messages": [{"role": "user", "content": [{"type": "text", "text": f"mail {EMAIL}"}]}],
        "temperature": 0.2,
        "seed": 4155550132,  # a seed that looks like a phone number is still a seed
        "tool_choice": "required",
        "response_format": {"type": "json_object"},
    }
    mask_request(body, detect)
    assert body["model"] == "gpt-4o-2024-08-06" and body["seed"] == 4155550132
    assert body["tool_choice"] == "required" and body["response_format"] == {"type": "json_object"}
    assert body["messages"][0]["content"][0] == {"type": "text", "text": "mail <EMAIL_ADDRESS_1>"}


def test_headers_are_masked_with_the_same_placeholders(detect: Any) -> None:
    headers = {"user-agent": "python", "openai-organization": EMAIL}
    body: dict[str, Any] = {"messages": [{"role": "user", "content": EMAIL}]}
    mask_request(body, detect, headers=headers)
    assert headers == {"user-agent": "python", "openai-organization": body["messages"][0]["content"]}


def test_refusals_name_paths_never_values(detect: Any) -> None:
    body: dict[str, Any] = {
        "messages": [{"role": "user", "content": "hi"}],
        "metadata": {EMAIL: "data:text/plain;base64,QWRh"},
    }
    with pytest.raises(ProxyRefusal) as info:
        mask_request(body, detect)
    assert info.value.status == 422 and info.value.message.startswith("metadata.<field 0> is ")
    assert EMAIL not in info.value.message


# -- known values and fairness ----------------------------------------------------------------
def test_known_values_are_found_as_whole_words_only() -> None:
    known = KnownValues()
    text = "Ada Lovelace wrote"
    known.add_entities(text, [Entity(0, 12, "PERSON", 0.9)])
    found = known.find("Dear Ada_Lovelace, Ada Lovelace and Lovelace; Adams; Lovelaces")
    spans = sorted((e.start, e.end) for e in found)
    assert spans == [(19, 22), (19, 31), (23, 31), (36, 44)]
    assert "Ada" not in repr(known)


def test_fair_turns_are_granted_in_order() -> None:
    import threading
    import time

    turns = FairTurns()
    order: list[int] = []
    started = threading.Event()

    def worker(n: int) -> None:
        with turns.turn():
            order.append(n)
            time.sleep(0.01)

    with turns.turn():
        threads = []
        for n in range(5):
            t = threading.Thread(target=worker, args=(n,))
            t.start()
            threads.append(t)
            time.sleep(0.05)  # each asks in turn while the first holder still works
        started.set()
    for t in threads:
        t.join(10)
    assert order == [0, 1, 2, 3, 4]


def test_long_texts_are_cut_into_segments_and_values_at_seams_found(rules_engine: PiiEngine) -> None:
    calls: list[int] = []

    class Counting:
        def detect_batch(self, texts: list[str]) -> list[list[Entity]]:
            calls.append(sum(map(len, texts)))
            return rules_engine.detect_batch(texts)

    filler = "word " * 1999  # 9995 characters
    text = filler + EMAIL + " " + filler + PHONE + " " + filler
    (entities,) = RequestDetector(Counting(), segment_chars=2_000, overlap=200).detect([text])
    assert len(calls) > 10 and max(calls) <= 2_000
    values = {text[e.start : e.end] for e in entities}
    assert {EMAIL, PHONE} <= values


# -- restoring answers --------------------------------------------------------------------------
VALUES = ['Ada "the Countess" Lovelace', "back\\slash", "line\nbreak", "ünïcødé ✓", "<b>"]


def placeholder_map() -> PlaceholderMap:
    pmap = PlaceholderMap()
    for value in VALUES:
        pmap.mask(value, [Entity(0, len(value), "PERSON", 1.0)])
    return pmap


def test_restore_completion_puts_values_into_content_and_tool_calls() -> None:
    pmap = placeholder_map()
    p = list(pmap.placeholders)
    answer: dict[str, Any] = {
        "choices": [
            {
                "message": {
                    "content": f"Hi {p[0]}",
                    "refusal": f"no {p[4]}",
                    "tool_calls": [
                        {
                            "function": {
                                "name": "send",
                                "arguments": json.dumps({"to": p[0], "n": [p[1], p[2]]}),
                            }
                        }
                    ],
                    "function_call": {"name": "f", "arguments": json.dumps({p[3]: "k"})},
                }
            }
        ]
    }
    restore_completion(answer, pmap)
    message = answer["choices"][0]["message"]
    assert message["content"] == f"Hi {VALUES[0]}" and message["refusal"] == "no <b>"
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {
        "to": VALUES[0],
        "n": VALUES[1:3],
    }
    assert json.loads(message["function_call"]["arguments"]) == {VALUES[3]: "k"}


def sse(chunk: dict[str, Any]) -> list[str]:
    return [f"data: {json.dumps(chunk)}"]


def parse(out: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in out.split("\n") if line.startswith("data: {")]


@settings(max_examples=200)
@given(
    cuts=st.lists(st.integers(0, 400), max_size=25),
    order=st.randoms(use_true_random=False),
    finish_in_last=st.booleans(),
)
def test_streamed_tool_arguments_are_restored_whatever_the_chunking(
    cuts: list[int], order: Any, finish_in_last: bool
) -> None:
    pmap = placeholder_map()
    p = list(pmap.placeholders)
    originals = [
        {"to": VALUES[0], "list": VALUES[1:4], VALUES[4]: 1},
        {"text": f"{VALUES[2]} and {VALUES[0]}"},
    ]
    masked = [
        json.dumps({"to": p[0], "list": p[1:4], p[4]: 1}),
        json.dumps({"text": f"{p[2]} and {p[0]}"}),
    ]
    pieces: list[tuple[int, str]] = []
    for index, text in enumerate(masked):
        bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
        pieces += [(index, text[a:b]) for a, b in itertools.pairwise(bounds)]
    # Interleave the calls while keeping each call's own order.
    queues = {i: [piece for j, piece in pieces if j == i] for i in range(2)}
    events: list[tuple[int, str]] = []
    while any(queues.values()):
        i = order.choice([k for k, q in queues.items() if q])
        events.append((i, queues[i].pop(0)))
    restorer = SseRestorer(pmap)
    out = ""
    for n, (i, piece) in enumerate(events):
        last = n == len(events) - 1
        delta = {"tool_calls": [{"index": i, "function": {"arguments": piece}}]}
        chunk: dict[str, Any] = {
            "id": "x",
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "finish_reason": "tool_calls" if last and finish_in_last else None,
                }
            ],
        }
        out += restorer.event(sse(chunk))
    out += restorer.event(["data: [DONE]"])
    got = {0: "", 1: ""}
    for event in parse(out):
        for choice in event["choices"]:
            for call in choice["delta"].get("tool_calls", []):
                got[call["index"]] += call["function"]["arguments"]
    assert [json.loads(got[i]) for i in range(2)] == originals


def test_streamed_content_and_legacy_function_call_are_restored() -> None:
    pmap = placeholder_map()
    p = list(pmap.placeholders)
    content = f"Dear {p[0]}, {p[4]}"
    arguments = json.dumps({"who": p[3]})
    restorer = SseRestorer(pmap)
    out = ""
    for i in range(0, max(len(content), len(arguments)), 2):
        delta: dict[str, Any] = {}
        if i < len(content):
            delta["content"] = content[i : i + 2]
        if i < len(arguments):
            delta["function_call"] = {"arguments": arguments[i : i + 2]}
        out += restorer.event(sse({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}))
    out += restorer.event(["data: [DONE]"])
    text = args = ""
    for chunk in parse(out):
        delta = chunk["choices"][0]["delta"]
        text += delta.get("content") or ""
        args += (delta.get("function_call") or {}).get("arguments") or ""
    assert text == f"Dear {VALUES[0]}, <b>"
    assert json.loads(args) == {"who": VALUES[3]}
    assert out.rstrip().endswith("data: [DONE]")
