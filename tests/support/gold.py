"""The check every labelled-corpus test makes of a loaded document against its record.

The corpora converted from token-labelled sources (wikigold, GUM, WNUT 2017) store each
document's entities as ``{"start", "end", "label", "text"}``; their loaders map each label to
an entity type, or to None when the label is not scored. Tests import this as
``tests.support.gold``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.pii_evaluation.corpus import GoldSpan
from benchmarks.pii_evaluation.outside import OutsideDocument

__all__ = ["assert_gold_mapped", "corpus_records", "sha256_text"]


def corpus_records(folder: Path) -> list[dict[str, Any]]:
    """The records of a converted corpus: ``folder/documents.json`` as stored."""
    loaded: list[dict[str, Any]] = json.loads((folder / "documents.json").read_text("utf-8"))
    return loaded


def sha256_text(text: str) -> str:
    """The hex sha256 of ``text`` in UTF-8 (how SOURCE.md files and loaders name a text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assert_gold_mapped(doc: OutsideDocument, record: Mapping[str, Any], types: Mapping[str, object]) -> None:
    """Every entity of ``record`` holds its text at its offsets, with no blank around it, and the
    loaded ``doc`` has exactly the scored ones as gold spans (typed by ``types``) and the others
    as ignored spans."""
    gold: set[tuple[int, int, str]] = set()
    ignored: set[tuple[int, int]] = set()
    for e in record["entities"]:
        assert record["text"][e["start"] : e["end"]] == e["text"], doc.doc_id
        assert e["text"] == e["text"].strip() and e["text"], doc.doc_id
        target = types[e["label"]]
        if target is None:
            ignored.add((e["start"], e["end"]))
        else:
            gold.add((e["start"], e["end"], str(target)))
    assert {(s.start, s.end, str(s.type)) for s in doc.spans} == gold, doc.doc_id
    assert set(doc.ignored) == ignored, doc.doc_id
    assert all(isinstance(s, GoldSpan) for s in doc.spans)
