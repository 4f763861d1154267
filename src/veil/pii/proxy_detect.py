"""Detection for the LLM proxy: whole requests, fair between clients, off the event loop.

:class:`RequestDetector` finds the personal data in every string of one request:

1. identical strings are detected once; small strings are grouped into work units of at
   most ``segment_chars`` characters, long strings are cut into overlapping segments of that
   size (:func:`veil.pii.nlp.chunk_text`; every entity of every segment is kept, overlapping
   finds are merged later into one masked span, so a value at a seam is masked whole);
2. the units run one at a time through the engine, in first-come-first-served turns
   (:class:`FairTurns`): a request takes one turn per unit and queues again behind the
   others, so a small request waits for at most one unit of a 10 MB prompt, not for all
   of it. Callers run :meth:`RequestDetector.detect` in a worker thread, never on the event
   loop;
3. every value found anywhere in the request (and every word of a person's name) is then
   masked wherever else it occurs in the request as a whole word (:class:`KnownValues`),
   so a name detected in a sentence is also masked where it stands alone as a JSON value
   or a ``name`` field, where a detector has no context to go on.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Protocol

from veil.pii.entity import Entity, EntityType
from veil.pii.nlp import chunk_text
from veil.pii.recognizers.common import NAME_WORD
from veil.pii.recognizers.persons import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED

__all__ = ["Detector", "FairTurns", "KnownValues", "RequestDetector"]

_WORD = re.compile(r"\w+")
_NAME_WORD = re.compile(NAME_WORD)
_NOT_NAME_ON_ITS_OWN = COMMON_CAPITALISED | AMBIGUOUS_FIRST_NAMES
_PROPAGATED = "proxy_known_value"


class Detector(Protocol):
    """What the proxy needs from the PII engine (``veil.pii.engine.PiiEngine``)."""

    def detect_batch(self, texts: list[str]) -> list[list[Entity]]: ...


class FairTurns:
    """A first-come-first-served lock: turns are granted in the order they were asked for.

    Hand-written because ``threading.Lock`` promises no order: a thread that releases it
    and asks again at once usually gets it back, which would let one long request starve
    the others. Python's standard library has no fair lock.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()
        self._busy = False

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        me = object()
        with self._cond:
            self._queue.append(me)
            try:
                while self._busy or self._queue[0] is not me:
                    self._cond.wait()
            except BaseException:
                self._queue.remove(me)
                self._cond.notify_all()
                raise
            self._queue.popleft()
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_'\u2019-"


class KnownValues:
    """Whole-word occurrences of known values in other texts, found in one pass per text.

    Values are indexed by their first word, so a text is scanned once whatever the number
    of values (a regular expression alternation of thousands of literals scans a megabyte
    in seconds; this takes a fraction of that).
    """

    def __init__(self) -> None:
        self._by_first_word: dict[str, dict[str, tuple[int, str]]] = {}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:  # never the values
        return f"KnownValues({self._size} values)"

    def add(self, value: str, entity_type: str) -> None:
        first = _WORD.search(value)
        if first is None or len(value.strip()) < 2:
            return
        slot = self._by_first_word.setdefault(first[0], {})
        if value not in slot:
            slot[value] = (first.start(), entity_type)
            self._size += 1

    def add_entities(self, text: str, entities: Sequence[Entity]) -> None:
        """Remember the values of ``entities`` in ``text``, and the words of person names."""
        for e in entities:
            value = text[e.start : e.end]
            self.add(value, e.type)
            if e.type == EntityType.PERSON:
                for word in _NAME_WORD.findall(value):
                    if len(word) > 2 and word not in _NOT_NAME_ON_ITS_OWN:
                        self.add(word, e.type)

    def find(self, text: str) -> list[Entity]:
        """Entities for every whole-word occurrence of a known value in ``text``."""
        if not self._by_first_word:
            return []
        found: list[Entity] = []
        n = len(text)
        for m in _WORD.finditer(text):
            candidates = self._by_first_word.get(m[0])
            if not candidates:
                continue
            for value, (offset, entity_type) in candidates.items():
                start = m.start() - offset
                end = start + len(value)
                if start < 0 or end > n or not text.startswith(value, start):
                    continue
                if (start == 0 or not _joins_word(text[start - 1])) and (
                    end == n or not _joins_word(text[end])
                ):
                    found.append(Entity(start, end, entity_type, 0.6, _PROPAGATED))
        return found


class RequestDetector:
    """Entities for every text of one request (see the module docstring)."""

    def __init__(
        self,
        engine: Detector,
        *,
        segment_chars: int = 20_000,
        overlap: int = 1_000,
        turns: FairTurns | None = None,
    ) -> None:
        if segment_chars < 1_000 or not 0 <= overlap * 2 < segment_chars:
            raise ValueError("segment_chars must be >= 1000 and overlap < segment_chars / 2")
        self.engine = engine
        self.segment_chars = segment_chars
        self.overlap = overlap
        self.turns = turns if turns is not None else FairTurns()

    def __repr__(self) -> str:
        return f"RequestDetector(segment_chars={self.segment_chars})"

    def _units(self, texts: Sequence[str]) -> Iterator[list[tuple[int, int, str]]]:
        """Work units: lists of (text index, offset, piece)."""
        unit: list[tuple[int, int, str]] = []
        size = 0
        for i, text in enumerate(texts):
            if len(text) > self.segment_chars:
                for chunk in chunk_text(text, self.segment_chars, self.overlap):
                    yield [(i, chunk.start, text[chunk.start : chunk.end])]
                continue
            if unit and (size + len(text) > self.segment_chars or len(unit) >= 256):
                yield unit
                unit, size = [], 0
            unit.append((i, 0, text))
            size += len(text)
        if unit:
            yield unit

    def detect(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities per text (offsets into that text), in input order.

        A text with underscores is also read with spaces in their place (same length, same
        offsets), so ``Ada_Lovelace`` in a ``name`` field or a JSON key is found like
        ``Ada Lovelace``.
        """
        distinct = list(dict.fromkeys(t for t in texts if t and not t.isspace()))
        views = [*distinct, *(t.replace("_", " ") for t in distinct if "_" in t)]
        owner = list(range(len(distinct))) + [i for i, t in enumerate(distinct) if "_" in t]
        found: list[list[Entity]] = [[] for _ in distinct]
        for unit in self._units(views):
            with self.turns.turn():
                results = self.engine.detect_batch([piece for _, _, piece in unit])
            for (i, offset, _), entities in zip(unit, results, strict=True):
                found[owner[i]].extend(
                    e
                    if offset == 0
                    else Entity(e.start + offset, e.end + offset, e.type, e.score, e.recognizer)
                    for e in entities
                )
        known = KnownValues()
        for text, entities in zip(distinct, found, strict=True):
            known.add_entities(text, entities)
        by_text: dict[str, list[Entity]] = {}
        for text, entities in zip(distinct, found, strict=True):
            more = known.find(text)
            if "_" in text:
                more += known.find(text.replace("_", " "))
            by_text[text] = entities + more
        return [list(by_text.get(t, [])) for t in texts]
