"""Entities of free-text cells already detected in one masking run (one file, one Spark task).

Real tables repeat their free text far beyond one batch: canned notes ("Called, no answer",
"Left a voicemail"), status lines, comments pasted from a template. Detection is a function of
the text alone (the engine reads each text on its own), so a cell seen before gets the entities
found then, and masking gives the same output as detecting it again. No text is kept: a text is
remembered by its BLAKE2b digest (128 bits) with its entities (offsets and types). Short texts
only (a long document seldom recurs), at most ``max_entries`` of them: when full the memo starts
afresh, so memory stays bounded whatever the table's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from veil.pii.anonymizer import Anonymizer
from veil.pii.entity import Entity

__all__ = ["DetectionMemo"]


class DetectionMemo:
    """Entities per distinct text, for :func:`veil.pii.tables.masking.mask_table` and its Spark tasks."""

    #: Longest text kept (characters): a cell of a table, not a whole document.
    MAX_TEXT_CHARS = 2000

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._found: dict[bytes, tuple[Entity, ...]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._found)

    def detect(self, anon: Anonymizer, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities of each text (as ``anon.detect``), detecting only the texts not seen before."""
        found = self._found
        keys = [_digest(t) if len(t) <= self.MAX_TEXT_CHARS else None for t in texts]
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k is None or k not in found))
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        fresh = dict(zip(todo, anon.detect(todo), strict=True)) if todo else {}
        known = {k: found[k] for k in keys if k is not None and k in found}  # (kept if cleared below)
        for t, k in zip(texts, keys, strict=True):
            if k is not None and t in fresh and k not in found:
                if len(found) >= self.max_entries:
                    found.clear()
                found[k] = tuple(fresh[t])
        return [
            list(fresh[t]) if k is None or t in fresh else list(known[k])
            for t, k in zip(texts, keys, strict=True)
        ]


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
