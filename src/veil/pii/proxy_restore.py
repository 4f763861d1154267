"""The chat-completion answer restored: placeholders back to the values they stand for.

:func:`restore_completion` (a whole answer) and :class:`SseRestorer` (a server-sent-event
stream, where a placeholder may be cut anywhere across chunks) put the values back into
``content``, ``refusal``, tool-call and function-call names and arguments — in arguments
JSON-escaped, so they stay valid JSON. The request was masked by :mod:`veil.pii.proxy_schema`.
"""

from __future__ import annotations

import json
from typing import Any

from veil.pii.proxy_text import PlaceholderMap, StreamRestorer, json_escape

__all__ = ["SseRestorer", "restore_completion"]


def _restore_call(call: Any, placeholders: PlaceholderMap) -> None:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict):
        return
    if isinstance(function.get("name"), str):
        function["name"] = placeholders.restore(function["name"])
    if isinstance(function.get("arguments"), str):
        function["arguments"] = placeholders.restore(function["arguments"], json_escape)


def _restore_message(message: dict[str, Any], placeholders: PlaceholderMap) -> None:
    content = message.get("content")
    if isinstance(content, str):
        message["content"] = placeholders.restore(content)
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, dict):
                for key in ("text", "refusal"):
                    if isinstance(part.get(key), str):
                        part[key] = placeholders.restore(part[key])
    if isinstance(message.get("refusal"), str):
        message["refusal"] = placeholders.restore(message["refusal"])
    if isinstance(message.get("tool_calls"), list):
        for call in message["tool_calls"]:
            _restore_call(call, placeholders)
    if isinstance(message.get("function_call"), dict):
        _restore_call({"function": message["function_call"]}, placeholders)


def restore_completion(body: Any, placeholders: PlaceholderMap) -> None:
    """Put the values back into a chat-completion answer, in place."""
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
        return
    for choice in body["choices"]:
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict):
            _restore_message(message, placeholders)


# A stream position: (choice, field) with field "content", "refusal", "function_call" or a
# tool call's index.
_Key = tuple[int, str | int]


class SseRestorer:
    """Restores one chat-completion stream, event by event.

    Each restored field of each choice (``delta.content``, ``delta.refusal``, every
    ``delta.tool_calls[i].function.arguments``, ``delta.function_call.arguments``) has its
    own :class:`StreamRestorer`; what one holds back is released with the choice's
    ``finish_reason`` or, at the latest, in one extra chunk before ``[DONE]``.
    """

    _TEMPLATE_KEYS = ("id", "object", "created", "model", "system_fingerprint", "service_tier")

    def __init__(self, placeholders: PlaceholderMap) -> None:
        self._map = placeholders
        self._open: dict[_Key, StreamRestorer] = {}
        self._template: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"SseRestorer({len(self._open)} open fields)"

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
        choices = []
        for index in sorted({i for i, _ in self._open}):
            delta = self._finish(index)
            if delta:
                choices.append({"index": index, "delta": delta, "finish_reason": None})
        if not choices:
            return ""
        chunk = {**self._template, "choices": choices}
        return _sse([], json.dumps(chunk, ensure_ascii=False, separators=(",", ":")))

    def _feed(self, key: _Key, text: str, json_text: bool = False) -> str:
        restorer = self._open.get(key)
        if restorer is None:
            restorer = self._open[key] = StreamRestorer(self._map, json_escape if json_text else None)
        return restorer.feed(text)

    def _finish(self, index: int) -> dict[str, Any]:
        """The held-back rests of choice ``index``, as a delta (empty if none)."""
        delta: dict[str, Any] = {}
        for key in sorted((k for k in self._open if k[0] == index), key=lambda k: str(k[1])):
            rest = self._open.pop(key).finish()
            if not rest:
                continue
            what = key[1]
            if what in ("content", "refusal"):
                delta[str(what)] = rest
            elif what == "function_call":
                delta["function_call"] = {"arguments": rest}
            else:
                delta.setdefault("tool_calls", []).append({"index": what, "function": {"arguments": rest}})
        return delta

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
            if isinstance(delta, dict):
                self._restore_delta(index, delta)
            if choice.get("finish_reason") is not None:
                rest = self._finish(index)
                if rest:
                    if not isinstance(delta, dict):
                        delta = choice["delta"] = {}
                    _append(delta, rest)

    def _restore_delta(self, index: int, delta: dict[str, Any]) -> None:
        for key in ("content", "refusal"):
            if isinstance(delta.get(key), str):
                delta[key] = self._feed((index, key), delta[key])
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for position, call in enumerate(calls):
                function = call.get("function") if isinstance(call, dict) else None
                if not isinstance(function, dict):
                    continue
                number = call.get("index", position)
                number = number if isinstance(number, int) else position
                if isinstance(function.get("name"), str):
                    function["name"] = self._map.restore(function["name"])
                if isinstance(function.get("arguments"), str):
                    function["arguments"] = self._feed((index, number), function["arguments"], json_text=True)
        legacy = delta.get("function_call")
        if isinstance(legacy, dict):
            if isinstance(legacy.get("name"), str):
                legacy["name"] = self._map.restore(legacy["name"])
            if isinstance(legacy.get("arguments"), str):
                legacy["arguments"] = self._feed(
                    (index, "function_call"), legacy["arguments"], json_text=True
                )


def _append(delta: dict[str, Any], rest: dict[str, Any]) -> None:
    """Add held-back rests to a delta that may already carry text of the same fields."""
    for key in ("content", "refusal"):
        if key in rest:
            delta[key] = (delta.get(key) or "") + rest[key]
    if "function_call" in rest:
        legacy = delta.setdefault("function_call", {})
        legacy["arguments"] = (legacy.get("arguments") or "") + rest["function_call"]["arguments"]
    for call in rest.get("tool_calls", []):
        calls = delta.setdefault("tool_calls", [])
        same = next((c for c in calls if isinstance(c, dict) and c.get("index") == call["index"]), None)
        if same is None:
            calls.append(call)
        else:
            function = same.setdefault("function", {})
            function["arguments"] = (function.get("arguments") or "") + call["function"]["arguments"]


def _sse(other: list[str], data: str | None) -> str:
    lines = list(other)
    if data is not None:
        lines += [f"data: {line}" for line in data.split("\n")]
    return "\n".join(lines) + "\n\n"
