"""The checks every labelled-corpus test makes: a loaded document against its record, the
loader's refusal of a broken record, the dev corpus's SOURCE.md and LICENSE.md, and its place in
the benchmark's default list.

The corpora converted from token-labelled sources (wikigold, GUM, WNUT 2017) store each
document's entities as ``{"start", "end", "label", "text"}``; their loaders map each label to
an entity type, or to None when the label is not scored. Tests import this as
``tests.support.gold``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from benchmarks.pii_evaluation.corpus import GoldSpan
from benchmarks.pii_evaluation.heldout import HELDOUT_CORPORA
from benchmarks.pii_evaluation.labelled import corpus_records
from benchmarks.pii_evaluation.outside import OUTSIDE_CORPORA, OutsideDocument

__all__ = [
    "assert_dev_corpus_in_the_default_list",
    "assert_dev_source",
    "assert_gold_mapped",
    "assert_loader_rejects",
    "broken_entities",
    "corpus_records",
    "sha256_text",
]


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


def broken_entities(label: str, source: str) -> list[tuple[str, object, str]]:
    """The ways :func:`assert_loader_rejects` breaks an entity, as ``(field, value, message)``: an
    unknown ``label`` (the loader names ``source``'s labels), an end or a start outside the text."""
    return [
        ("label", label, f"unknown {source} label"),
        ("end", 10**6, "outside the text"),
        ("start", -1, "outside the text"),
    ]


def assert_loader_rejects(
    folder: Path,
    load: Callable[[dict[str, Any]], object],
    error: type[Exception],
    field: str,
    value: object,
    message: str,
) -> None:
    """``load`` raises ``error`` (matching ``message``) on the first record of ``folder`` with an
    entity once its first entity's ``field`` is set to ``value``, and ("does not cut out") once
    that entity's start is moved on by one."""
    record = copy.deepcopy(next(r for r in corpus_records(folder) if r["entities"]))
    record["entities"][0][field] = value
    with pytest.raises(error, match=message):
        load(record)
    shifted = copy.deepcopy(next(r for r in corpus_records(folder) if r["entities"]))
    shifted["entities"][0]["start"] += 1
    with pytest.raises(error, match="does not cut out"):
        load(shifted)


def assert_dev_source(
    folder: Path, source_holds: Iterable[str], licence_holds: Iterable[str], *, names_its_hash: bool = True
) -> None:
    """``folder/SOURCE.md`` calls the corpus dev (used for tuning), never held-out, holds each of
    ``source_holds`` and (``names_its_hash``) the sha256 of ``folder/documents.json``;
    ``folder/LICENSE.md`` holds each of ``licence_holds``."""
    source = (folder / "SOURCE.md").read_text("utf-8")
    assert "dev: used for tuning" in source.lower() and "held-out: not used for tuning" not in source.lower()
    if names_its_hash:
        assert sha256_text((folder / "documents.json").read_text("utf-8")) in source
    for text in source_holds:
        assert text in source, text
    licence = (folder / "LICENSE.md").read_text("utf-8")
    for text in licence_holds:
        assert text in licence, text


def assert_dev_corpus_in_the_default_list(
    name: str, dev_corpora: Mapping[str, object], load: Callable[[], list[OutsideDocument]]
) -> None:
    """Corpus ``name`` is one of its module's ``dev_corpora`` and of the benchmark's default list,
    neither held out nor an outside corpus, and the benchmark loads it as ``load`` does."""
    from benchmarks import pii

    assert name in dev_corpora and name in pii.CORPORA
    assert name not in pii.HELDOUT and name not in HELDOUT_CORPORA
    assert name not in OUTSIDE_CORPORA
    assert [d.doc_id for d in pii.load_corpus(name, 10)] == [d.doc_id for d in load()]
