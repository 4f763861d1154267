"""Placeholders for the LLM proxy: a reversible value <-> placeholder map for one request,
and a restorer for text that arrives in chunks.

A placeholder is ``<`` + upper-case letters, digits and ``_`` + ``_N>``. Text that already
looks like one in the client's request is never assigned to a value, so it comes back
verbatim. Restoring can escape the value for the place it goes back into (inside a JSON
string literal: :func:`json_escape`), so tool-call arguments stay valid JSON.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from veil.pii.entity import Entity

__all__ = [
    "PLACEHOLDER_PATTERN",
    "PlaceholderMap",
    "StreamRestorer",
    "json_escape",
    "placeholder_tag",
]

#: What a placeholder looks like; its body never holds ``<`` or ``>``, so matches never overlap.
PLACEHOLDER_PATTERN = re.compile(r"<[A-Z0-9_]+_[0-9]+>")

_NON_TAG = re.compile(r"[^A-Z0-9]+")


Escape = Callable[[str], str]


def json_escape(value: str) -> str:
    """``value`` as the inside of a JSON string literal (``"`` -> ``\\"``, controls escaped)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


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

    def restore(self, text: str, escape: Escape | None = None) -> str:
        """Put the values back (through ``escape`` when given, e.g. :func:`json_escape` inside
        JSON text); unknown placeholder-shaped text is left as it is."""
        if not self._by_placeholder:
            return text
        if escape is None:
            return PLACEHOLDER_PATTERN.sub(lambda m: self._by_placeholder.get(m[0], m[0]), text)

        def value(m: re.Match[str]) -> str:
            found = self._by_placeholder.get(m[0])
            return m[0] if found is None else escape(found)

        return PLACEHOLDER_PATTERN.sub(value, text)

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

    def __init__(self, placeholders: PlaceholderMap, escape: Escape | None = None) -> None:
        self._map = placeholders
        self._escape = escape
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
        return self._map.restore(text[:cut], self._escape)

    def finish(self) -> str:
        """The end of the stream: whatever was held back, restored."""
        text, self._pending = self._pending, ""
        return self._map.restore(text, self._escape)

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
