"""What the loaders of the corpora converted from token-labelled sources (BTC, WNUT 2017, GUM,
UNER) share: reading a corpus's ``documents.json`` and checking each recorded entity strictly
before it becomes a gold span (scored) or an ignored span (not scored).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from benchmarks.pii_evaluation.corpus import GoldSpan
from veil.pii.entity import EntityType

__all__ = ["corpus_records", "labelled_spans"]


def corpus_records(folder: Path) -> list[dict[str, Any]]:
    """The records of a converted corpus: ``folder/documents.json`` as stored."""
    loaded: list[dict[str, Any]] = json.loads((folder / "documents.json").read_text("utf-8"))
    return loaded


def labelled_spans(
    doc_id: str,
    text: str,
    entities: Iterable[Mapping[str, Any]],
    types: Mapping[str, str | None],
    error: type[ValueError],
    source: str,
    type_of: Callable[[str, str], str | None] | None = None,
) -> tuple[tuple[GoldSpan, ...], tuple[tuple[int, int], ...]]:
    """The gold spans and the ignored spans of one document, each sorted, from its ``entities``
    (``start``, ``end``, ``label``, ``text``). An entity outside ``text``, whose offsets do not cut
    out its recorded text, or whose label is not a key of ``types`` raises ``error`` (naming the
    labels ``source``'s); its type is ``types[label]``, or ``type_of(label, its text)`` when given,
    and None makes it ignored."""
    spans: list[GoldSpan] = []
    ignored: list[tuple[int, int]] = []
    for e in entities:
        start, end = int(e["start"]), int(e["end"])
        if not 0 <= start < end <= len(text):
            raise error(f"{doc_id}: span ({start}, {end}) is outside the text of {len(text)} characters")
        if text[start:end] != e["text"]:
            raise error(f"{doc_id}: span ({start}, {end}) does not cut out its recorded text")
        label = str(e["label"])
        if label not in types:
            raise error(f"{doc_id}: unknown {source} label {label!r}")
        veil_type = types[label] if type_of is None else type_of(label, e["text"])
        if veil_type is None:
            ignored.append((start, end))
        else:
            spans.append(GoldSpan(start, end, EntityType(veil_type)))
    return tuple(sorted(spans)), tuple(sorted(ignored))
