"""Entities of free-text cells already detected in one masking run (one file, one Spark task).

Real tables repeat their free text far beyond one batch: canned notes ("Called, no answer",
"Left a voicemail"), status lines, comments pasted from a template. Detection is a function of
the text alone (the engine reads each text on its own), so a cell seen before gets the entities
found then, and masking gives the same output as detecting it again. The memo keeps short texts
only (a long document seldom recurs) and holds at most ``max_chars`` characters of them: when
full it starts afresh, so memory stays bounded whatever the table's size. Values are never
logged.
"""

from __future__ import annotations

from collections.abc import Sequence

from veil.pii.anonymizer import Anonymizer
from veil.pii.entity import Entity

__all__ = ["DetectionMemo"]


class DetectionMemo:
    """Entities per distinct text, for :func:`veil.pii.tables.masking.mask_table` and its Spark tasks."""

    #: Longest text kept (characters): a cell of a table, not a whole document.
    MAX_TEXT_CHARS = 2000

    def __init__(self, max_chars: int = 8_000_000) -> None:
        self.max_chars = max_chars
        self._found: dict[str, tuple[Entity, ...]] = {}
        self._chars = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._found)

    def detect(self, anon: Anonymizer, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities of each text (as ``anon.detect``), detecting only the texts not seen before."""
        found = self._found
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        fresh = dict(zip(todo, anon.detect(todo), strict=True)) if todo else {}
        out = [list(found[t]) if t in found else list(fresh[t]) for t in texts]
        for text, entities in fresh.items():
            if len(text) > self.MAX_TEXT_CHARS:
                continue
            if self._chars + len(text) > self.max_chars:
                found.clear()
                self._chars = 0
            found[text] = tuple(entities)
            self._chars += len(text)
        return out
