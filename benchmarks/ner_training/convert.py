"""Training sentences for the NER fine-tune: the raw CoNLL files read into labelled sentences.

The gold schemes of the training files (WNUT17 train, Broad Twitter Corpus sections A, B and E)
name people, organisations and places; spaCy's English model has eighteen labels. A sentence
here keeps, token by token, one of three things:

* a gold label mapped to spaCy's (``PER``/``person`` -> ``PERSON``, ``ORG``/``corporation`` ->
  ``ORG``, ``LOC``/``location`` -> ``LOC``, which :mod:`benchmarks.ner_training.annotate` later
  resolves to ``GPE`` or ``LOC`` by what the original model says of that span);
* *missing* (:data:`MISSING`): a span the gold scheme labels with a type spaCy does not share
  (WNUT's ``product``, ``creative-work``, ``group``) - neither an entity to learn nor ``O``, so
  the model is not taught that a band or a film title is nothing;
* ``O``.

Before training, a sentence that shares an 8-word shingle (lower-cased ``[0-9a-z]+`` words, as
the corpora's own converters test) with any text of any Veil corpus is dropped
(:func:`drop_overlapping`): training must never see a benchmark's sentence. Shingles are
compared as hashes and only counts are reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MISSING",
    "SHINGLE_WORDS",
    "Sentence",
    "corpus_shingles",
    "drop_overlapping",
    "gold_label",
    "read_conll",
    "sentence_spans",
    "shingle_hashes",
    "social_tokens",
]

MISSING = "-"
SHINGLE_WORDS = 8

#: gold labels of the training files -> spaCy's label (``LOC`` resolved later), or MISSING.
_LABELS: dict[str, str] = {
    "per": "PERSON",
    "person": "PERSON",
    "org": "ORG",
    "corporation": "ORG",
    "loc": "LOC",
    "location": "LOC",
    "product": MISSING,
    "creative-work": MISSING,
    "group": MISSING,
}

_WORDS = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class Sentence:
    """One training sentence: its tokens and, per token, a BIO tag over spaCy's labels (or
    :data:`MISSING`, without a B-/I- prefix)."""

    source: str
    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def gold_label(raw: str) -> str | None:
    """spaCy's label for a gold type of the training files, :data:`MISSING` for a type spaCy
    does not share, ``None`` for an unknown one (read as ``O``)."""
    return _LABELS.get(raw.lower())


def _tag(raw: str) -> str:
    if raw in ("", "O") or "-" not in raw:
        return "O"
    prefix, _, kind = raw.partition("-")
    label = gold_label(kind)
    if label is None or prefix not in ("B", "I"):
        return "O"
    if label == MISSING:
        return MISSING
    return f"{prefix}-{label}"


def read_conll(text: str, source: str) -> list[Sentence]:
    """The sentences of a CoNLL file (one token and its BIO tag a line, tab- or space-separated;
    a blank or whitespace-only line between sentences), each through :func:`social_tokens`."""
    out: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if tokens:
                out.append(social_tokens(Sentence(source, tuple(tokens), tuple(tags))))
                tokens, tags = [], []
            continue
        parts = line.split("\t") if "\t" in line else line.split(" ")
        tokens.append(parts[0])
        tags.append(_tag(parts[-1] if len(parts) > 1 else "O"))
    return out


def social_tokens(sentence: Sentence) -> Sentence:
    """``sentence`` with a lone ``@`` joined to the token after it (the tweet had ``@jane``, as
    Veil's BTC corpus writes it), and every entity holding an @-handle or a #hashtag made
    :data:`MISSING`: the gold schemes disagree on handles (BTC labels them by what they name,
    WNUT17 leaves them ``O``) and Veil finds handles by a username rule, not by NER."""
    tokens: list[str] = []
    tags: list[str] = []
    i = 0
    while i < len(sentence.tokens):
        token, tag = sentence.tokens[i], sentence.tags[i]
        if token == "@" and i + 1 < len(sentence.tokens):
            token, tag = "@" + sentence.tokens[i + 1], sentence.tags[i + 1]
            if tag.startswith("I-") and (not tags or tags[-1] == "O"):
                tag = "B-" + tag[2:]
            i += 1
        tokens.append(token)
        tags.append(tag)
        i += 1
    masked = Sentence(sentence.source, tuple(tokens), tuple(tags))
    entities, _ = sentence_spans(masked)
    for start, end, _label in entities:
        if any(t.startswith("@") or "#" in t for t in tokens[start:end]):
            tags[start:end] = [MISSING] * (end - start)
    return Sentence(sentence.source, tuple(tokens), tuple(tags))


def sentence_spans(sentence: Sentence) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Token spans ``(start, end, label)`` of the gold entities and ``(start, end)`` of the
    missing ones. An ``I-`` tag that does not continue an entity of its label starts one."""
    entities: list[tuple[int, int, str]] = []
    missing: list[tuple[int, int]] = []
    start: int | None = None
    label = ""
    for i, tag in enumerate([*sentence.tags, "O"]):
        continues = tag.startswith("I-") and start is not None and tag[2:] == label
        if start is not None and not continues:
            entities.append((start, i, label))
            start = None
        if tag == MISSING:
            if missing and missing[-1][1] == i:
                missing[-1] = (missing[-1][0], i + 1)
            else:
                missing.append((i, i + 1))
        elif tag != "O" and not continues:
            start, label = i, tag[2:]
    return entities, missing


def _shingles(text: str, n: int = SHINGLE_WORDS) -> Iterator[str]:
    words = _WORDS.findall(text.lower())
    for i in range(len(words) - n + 1):
        yield " ".join(words[i : i + n])


def shingle_hashes(text: str) -> set[bytes]:
    """Hashes of the 8-word shingles of ``text`` (no text is kept)."""
    return {hashlib.blake2b(s.encode(), digest_size=12).digest() for s in _shingles(text)}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def corpus_shingles(data_root: Path) -> dict[str, set[bytes]]:
    """Per corpus folder under ``data_root`` (``benchmarks/pii_data``), the shingle hashes of
    every string in its JSON files (held-out corpora included: hashed, never shown)."""
    out: dict[str, set[bytes]] = {}
    for path in sorted(data_root.glob("*/*.json")):
        hashes = out.setdefault(path.parent.name, set())
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            hashes |= shingle_hashes(text)
    return out


def drop_overlapping(
    sentences: Iterable[Sentence], corpora: dict[str, set[bytes]]
) -> tuple[list[Sentence], dict[str, int]]:
    """The sentences that share no shingle with any corpus, and per corpus how many were
    dropped for it (a sentence overlapping two corpora counts for both)."""
    kept: list[Sentence] = []
    dropped = dict.fromkeys(corpora, 0)
    for sentence in sentences:
        hashes = shingle_hashes(sentence.text)
        hits = [name for name, taken in corpora.items() if not hashes.isdisjoint(taken)]
        for name in hits:
            dropped[name] += 1
        if not hits:
            kept.append(sentence)
    return kept, dropped
