"""The chat-completions request, walked field by field and masked.

Masking a request (:func:`mask_request`) visits every value the upstream would receive:

* ``messages[]``: ``content`` as a string or as parts; ``text`` parts (``text`` given as an
  object is walked like any JSON); ``refusal``; ``name``; ``tool_call_id``;
  ``tool_calls[].function.name`` and ``.arguments``; the legacy ``function_call``;
* ``tool_calls[].function.arguments`` and ``function_call.arguments`` are JSON text: they
  are parsed, every string (and every object key, and every number) inside is masked, and
  they are serialised again (unchanged text when nothing was found); arguments that are
  not valid JSON are masked as plain text;
* every other field — ``user``, ``metadata``, ``tools`` / ``functions`` with their
  descriptions and JSON-schema parameters (defaults, enums, examples, titles), ``stop``,
  ``response_format``, ``prediction``, and any field this module does not know — is walked
  as JSON: every string value and every object key goes through detection, and every
  number is checked as its text (a phone number sent as ``4155550132`` is masked, as a
  string placeholder). Only a closed set of structural words (``user``, ``assistant``,
  ``text``, ``auto``, ``string``, ...) skips detection, since they can never be personal.

What cannot be inspected is refused by default (``media="refuse"``): image, audio and
file parts, and any string that is a ``data:`` URL or a long base64 blob, wherever it
stands. ``media="forward"`` sends them on unmasked (an explicit risk the operator takes).
Unknown fields (top level, message, content part) are masked by default
(``unknown="mask"``) or refused (``unknown="refuse"``).

The answer is restored by :mod:`veil.pii.proxy_restore`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from veil.errors import ProxyRefusal
from veil.pii.entity import Entity
from veil.pii.proxy_text import PlaceholderMap

__all__ = [
    "MediaPolicy",
    "ProxyRefusal",
    "UnknownPolicy",
    "WalkedRequest",
    "mask_request",
]

MediaPolicy = Literal["refuse", "forward"]
UnknownPolicy = Literal["mask", "refuse"]

#: Deeper JSON than this is refused (it is never a real request, and recursion has limits).
MAX_DEPTH = 64

_TOP_LEVEL = frozenset(
    {
        "messages",
        "model",
        "audio",
        "frequency_penalty",
        "function_call",
        "functions",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "metadata",
        "modalities",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "prompt_cache_key",
        "reasoning_effort",
        "response_format",
        "safety_identifier",
        "seed",
        "service_tier",
        "stop",
        "store",
        "stream",
        "stream_options",
        "temperature",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "user",
        "verbosity",
        "web_search_options",
    }
)
_NUMERIC_CONTROLS = frozenset(
    {
        "frequency_penalty",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "n",
        "parallel_tool_calls",
        "presence_penalty",
        "seed",
        "store",
        "stream",
        "temperature",
        "top_logprobs",
        "top_p",
    }
)
_MESSAGE_FIELDS = frozenset(
    {"role", "content", "name", "tool_calls", "tool_call_id", "function_call", "refusal", "audio"}
)
_MEDIA_PARTS = frozenset(
    {"image_url", "input_audio", "file", "image", "audio", "input_image", "input_file", "video", "video_url"}
)
# Words that are structure, never personal data: they skip detection (which could only
# damage them with a false positive).
_STRUCTURAL = frozenset(
    {
        "system",
        "developer",
        "user",
        "assistant",
        "tool",
        "function",
        "text",
        "refusal",
        "none",
        "auto",
        "required",
        "json_object",
        "json_schema",
        "object",
        "string",
        "number",
        "integer",
        "boolean",
        "array",
        "null",
        "content",
    }
)
_DATA_URL = re.compile(r"\s*data:[\w.+-]*(/[\w.+-]+)?(;[^,]*)?,", re.IGNORECASE)
_BASE64_BLOB = re.compile(r"[A-Za-z0-9+/_-]{1024,}={0,2}\s*")


def _is_media(value: str) -> bool:
    """A data URL, or a long run of base64 (mixed case and digits, as encoded bytes are)."""
    if _DATA_URL.match(value) is not None:
        return True
    return (
        len(value) >= 1024
        and _BASE64_BLOB.fullmatch(value) is not None
        and any(c.isdigit() for c in value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
    )


Put = Callable[[str], None]


@dataclass
class _Slot:
    text: str
    put: Put


@dataclass
class _Changed:
    """Set when a masked value inside one JSON argument string differs from the original."""

    value: bool = False


@dataclass
class WalkedRequest:
    """The request with every string masked in place, and what the proxy needs afterwards."""

    body: dict[str, Any]
    placeholders: PlaceholderMap
    strings: int = 0
    media_forwarded: int = 0


@dataclass
class _Walk:
    media: MediaPolicy
    unknown: UnknownPolicy
    slots: list[_Slot] = field(default_factory=list)
    finalizers: list[Callable[[], None]] = field(default_factory=list)
    media_forwarded: int = 0
    changed: _Changed | None = None  # the JSON argument being walked, if any

    # -- leaves ----------------------------------------------------------------------------

    def text(self, value: str, put: Put, path: str) -> None:
        if value in _STRUCTURAL or not value or value.isspace():
            return
        if _is_media(value):
            self.refuse_media(path, "a data: URL or a base64 blob")
            self.media_forwarded += 1
            return
        changed = self.changed

        def write(masked: str) -> None:
            if masked != value:
                put(masked)
                if changed is not None:
                    changed.value = True

        self.slots.append(_Slot(value, write))

    def number(self, value: float, put: Callable[[Any], None]) -> None:
        text = json.dumps(value)
        changed = self.changed

        def write(masked: str) -> None:
            if masked != text:  # something personal in it: it goes as a placeholder string
                put(masked)
                if changed is not None:
                    changed.value = True

        self.slots.append(_Slot(text, write))

    def refuse_media(self, path: str, what: str) -> None:
        if self.media == "refuse":
            raise ProxyRefusal(
                f"{path} is {what}: images, audio, files and encoded data cannot be inspected for "
                "personal data, so they are not forwarded (send text, or start the proxy with "
                "--media forward to accept the risk)",
                status=422,
                code="uninspectable_content",
            )

    # -- any JSON --------------------------------------------------------------------------

    def any(self, value: Any, put: Callable[[Any], None], path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ProxyRefusal(f"{path} is nested too deeply", status=400, code="invalid_request")
        if isinstance(value, str):
            self.text(value, put, path)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float):
            self.number(value, put)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.any(item, _setter(value, i), f"{path}[{i}]", depth + 1)
        elif isinstance(value, dict):
            for i, key in enumerate(list(value)):
                self.any(value[key], _setter(value, key), _at(path, key, i), depth + 1)
            self.keys(value, list(value), path)

    def keys(self, obj: dict[str, Any], keys: Sequence[str], path: str) -> None:
        """Mask the object keys ``keys`` of ``obj`` (renamed after every value is written)."""
        renamed: dict[str, str] = {}
        for key in keys:
            self.text(key, _setter(renamed, key), f"{path} (a key)")

        def rename() -> None:
            if renamed:
                items = [(renamed.get(k, k), v) for k, v in obj.items()]
                obj.clear()
                obj.update(items)

        self.finalizers.append(rename)

    def json_text(self, value: Any, put: Callable[[Any], None], path: str, depth: int) -> None:
        """A string holding JSON (tool-call arguments): parsed, masked inside, re-serialised."""
        if not isinstance(value, str):
            self.any(value, put, path, depth)
            return
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            self.text(value, put, path)  # not JSON: masked as text
            return
        holder = [parsed]
        outer, self.changed = self.changed, _Changed()
        changed = self.changed
        try:
            self.any(parsed, _setter(holder, 0), path, depth + 1)
        finally:
            self.changed = outer

        def serialise() -> None:
            if changed.value:
                put(json.dumps(holder[0], ensure_ascii=False))
                if outer is not None:
                    outer.value = True

        self.finalizers.append(serialise)

    def unknown_field(self, obj: dict[str, Any], key: str, path: str, depth: int) -> None:
        if self.unknown == "refuse":
            raise ProxyRefusal(
                f"{path} is not a field the proxy knows, so it is not forwarded (start the proxy "
                "with --unknown-fields mask to mask such fields instead)",
                status=400,
                code="unknown_field",
            )
        self.any(obj[key], _setter(obj, key), path, depth + 1)

    # -- the schema ------------------------------------------------------------------------

    def request(self, body: dict[str, Any]) -> None:
        messages = body["messages"]
        for i, message in enumerate(messages):
            self.message(message, _setter(messages, i), f"messages[{i}]")
        unknown: list[str] = []
        for i, key in enumerate(list(body)):
            if key == "messages":
                continue
            path = _at("", key, i)
            if key == "prediction" and isinstance(body[key], dict):
                self.object_with_content(body[key], path, 1)
            elif key in _NUMERIC_CONTROLS and (body[key] is None or isinstance(body[key], int | float)):
                continue  # sampling settings, counts, a seed: numbers the client's code chose
            elif key in _TOP_LEVEL:
                self.any(body[key], _setter(body, key), path, 1)
            else:
                self.unknown_field(body, key, path, 0)
                unknown.append(key)
        self.keys(body, unknown, "the request")

    def object_with_content(self, obj: dict[str, Any], path: str, depth: int) -> None:
        for i, key in enumerate(list(obj)):
            if key == "content":
                self.content(obj[key], _setter(obj, key), f"{path}.content", depth + 1)
            else:
                self.any(obj[key], _setter(obj, key), _at(path, key, i), depth + 1)

    def message(self, message: Any, put: Callable[[Any], None], path: str) -> None:
        if not isinstance(message, dict):
            self.any(message, put, path, 1)
            return
        unknown: list[str] = []
        for i, key in enumerate(list(message)):
            value, at = message[key], _at(path, key, i)
            if key == "content":
                self.content(value, _setter(message, key), at, 2)
            elif key == "tool_calls" and isinstance(value, list):
                for i, call in enumerate(value):
                    self.call(call, _setter(value, i), f"{at}[{i}]", 3)
            elif key == "function_call" and isinstance(value, dict):
                self.call({"function": value}, put, at, 2, legacy=True)
            elif key in _MESSAGE_FIELDS:
                self.any(value, _setter(message, key), at, 2)
            else:
                self.unknown_field(message, key, at, 1)
                unknown.append(key)
        self.keys(message, unknown, path)

    def call(
        self, call: Any, put: Callable[[Any], None], path: str, depth: int, *, legacy: bool = False
    ) -> None:
        """A tool call ``{id, type, function: {name, arguments}}`` (or, ``legacy``, the
        ``function_call`` object itself wrapped as ``{"function": ...}``)."""
        if not isinstance(call, dict):
            self.any(call, put, path, depth)
            return
        for i, key in enumerate(list(call)):
            value = call[key]
            at = path if legacy else _at(path, key, i)
            if key == "function" and isinstance(value, dict):
                for j, name in enumerate(list(value)):
                    where = _at(at, name, j)
                    if name == "arguments":
                        self.json_text(value[name], _setter(value, name), where, depth + 1)
                    else:
                        self.any(value[name], _setter(value, name), where, depth + 1)
                self.keys(value, [k for k in value if k not in ("name", "arguments")], at)
            else:
                self.any(value, _setter(call, key), at, depth + 1)
        if not legacy:
            self.keys(call, [k for k in call if k not in ("id", "type", "function")], path)

    def content(self, content: Any, put: Callable[[Any], None], path: str, depth: int) -> None:
        if isinstance(content, list):
            for i, part in enumerate(content):
                self.part(part, _setter(content, i), f"{path}[{i}]", depth + 1)
        else:
            self.any(content, put, path, depth)

    def part(self, part: Any, put: Callable[[Any], None], path: str, depth: int) -> None:
        if not isinstance(part, dict):
            self.any(part, put, path, depth)
            return
        kind = part.get("type")
        if kind in _MEDIA_PARTS:
            self.refuse_media(path, f"a content part of type {kind!r}")
            self.media_forwarded += 1
            self.any(part, put, path, depth)  # forwarded on request: data as it is, other strings masked
            return
        if kind not in ("text", "refusal"):
            if self.unknown == "refuse":
                raise ProxyRefusal(
                    f"{path} is a content part of a type the proxy does not know, so it is not forwarded",
                    status=400,
                    code="unknown_field",
                )
            self.any(part, put, path, depth)
            return
        unknown: list[str] = []
        for i, key in enumerate(list(part)):
            if key == "type":
                continue
            if key == kind:
                self.any(part[key], _setter(part, key), _at(path, key, i), depth + 1)
            else:
                self.unknown_field(part, key, _at(path, key, i), depth)
                unknown.append(key)
        self.keys(part, unknown, path)


_NAMES_SHOWN = (
    _TOP_LEVEL
    | _MESSAGE_FIELDS
    | _MEDIA_PARTS
    | {"function", "arguments", "name", "id", "type", "text", "description", "parameters", "properties"}
    | {"url", "data", "file_data", "filename", "file_id", "detail", "format", "json_schema", "schema"}
)


def _at(path: str, key: str, index: int) -> str:
    """The path of a member: its name if it is a field of the API, else its position (a key
    of the client's own JSON may itself be personal data, and errors never show values)."""
    step = key if key in _NAMES_SHOWN else f"<field {index}>"
    return f"{path}.{step}" if path else step


def _setter(container: Any, key: Any) -> Callable[[Any], None]:
    def put(value: Any) -> None:
        container[key] = value

    return put


def mask_request(
    body: dict[str, Any],
    detect: Callable[[list[str]], list[list[Entity]]],
    *,
    media: MediaPolicy = "refuse",
    unknown: UnknownPolicy = "mask",
    headers: dict[str, str] | None = None,
) -> WalkedRequest:
    """Mask every string of a chat-completions request ``body`` in place.

    ``body`` must be a dict with a ``messages`` list. ``detect`` returns the entities of
    each text (``RequestDetector.detect``). ``headers`` (the header values to forward,
    credentials excluded) are masked in place with the same placeholders. Raises
    :class:`ProxyRefusal` for what is not to be forwarded.
    """
    walk = _Walk(media=media, unknown=unknown)
    walk.request(body)
    if headers is not None:
        for name in list(headers):
            walk.text(headers[name], _setter(headers, name), f"the {name} header")
    texts = [slot.text for slot in walk.slots]
    placeholders = PlaceholderMap()
    if texts:
        found = detect(texts)
        for slot, masked in zip(walk.slots, placeholders.mask_all(texts, found), strict=True):
            slot.put(masked)
    for finish in walk.finalizers:
        finish()
    return WalkedRequest(body, placeholders, strings=len(texts), media_forwarded=walk.media_forwarded)
