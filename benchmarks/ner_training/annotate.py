"""Training examples: a gold sentence made into a spaCy ``Example`` with silver labels added.

The reference side of each example holds, token by token (see :mod:`.convert`):

* the gold spans, ``LOC`` resolved to ``LOC`` when the original model labels exactly that span
  ``LOC`` and to ``GPE`` otherwise (spaCy's scheme splits places the gold schemes do not);
* *silver*: the original model's own entities of the labels the gold schemes lack (``DATE``,
  ``NORP``, ``CARDINAL``, ``PRODUCT``, ...) where they touch no gold or missing span, so the
  fine-tune does not unlearn them;
* *missing* for the spans of gold types spaCy does not share;
* for a PERSON, ORG, GPE or LOC span the original model finds and the gold does not label:
  *missing* by default (``denied="missing"``), so the fine-tune teaches the names the model
  misses without unteaching the ones it finds beyond the gold schemes' narrower scope (WNUT
  labels only "corporations", and brands and platforms often stay ``O``); ``denied="outside"``
  trains them as ``O`` (measured: fewer organisations found on every dev corpus, see SOURCE.md);
* ``O`` for everything else.

The predicted side is the sentence's text (tokens joined by spaces, as Veil's social corpora are)
tokenised by the model's own tokenizer; spaCy aligns the two tokenisations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from benchmarks.ner_training.convert import Sentence, sentence_spans

__all__ = ["GOLD_LABELS", "SilverCounts", "annotate", "reference_doc"]

#: the labels the gold schemes decide (present or absent); every other label is silver.
GOLD_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC"})


class SilverCounts:
    """How many gold, silver and missing spans the examples hold (printed by the trainer)."""

    def __init__(self) -> None:
        self.gold = 0
        self.silver = 0
        self.missing = 0
        self.denied = 0
        self.gpe = 0
        self.loc = 0


def _predicted_entities(nlp: Language, sentences: list[Sentence]) -> list[list[tuple[int, int, str]]]:
    """The original model's entities over exactly each sentence's tokens, as token spans (its
    ``ner`` alone: the small model's recognizer has its own embedding layer)."""
    ner: Any = nlp.get_pipe("ner")
    docs = [Doc(nlp.vocab, words=list(s.tokens)) for s in sentences]
    return [
        [(int(e.start), int(e.end), str(e.label_)) for e in doc.ents]
        for doc in ner.pipe(docs, batch_size=256)
    ]


def reference_doc(
    nlp: Language,
    sentence: Sentence,
    predicted: list[tuple[int, int, str]],
    counts: SilverCounts | None = None,
    denied: str = "missing",
) -> Doc:
    """The reference ``Doc`` of ``sentence``: gold, silver from ``predicted``, missing, ``O``;
    ``denied`` (``"missing"`` or ``"outside"``) is what a predicted gold-type span off the gold
    becomes."""
    words = list(sentence.tokens)
    doc = Doc(nlp.vocab, words=words)
    entities, missing = sentence_spans(sentence)
    exact = {(s, e): label for s, e, label in predicted}
    taken = [False] * len(words)
    ents: list[Span] = []
    for start, end, label in entities:
        if label == "LOC":
            label = "LOC" if exact.get((start, end)) == "LOC" else "GPE"
        ents.append(Span(doc, start, end, label=label))
        taken[start:end] = [True] * (end - start)
        if counts is not None:
            counts.gold += 1
            counts.gpe += label == "GPE"
            counts.loc += label == "LOC"
    for start, end in missing:
        taken[start:end] = [True] * (end - start)
    for start, end, label in predicted:
        if any(taken[start:end]):
            continue
        if label not in GOLD_LABELS:
            ents.append(Span(doc, start, end, label=label))
            if counts is not None:
                counts.silver += 1
        elif denied == "missing":
            missing.append((start, end))
            if counts is not None:
                counts.denied += 1
        else:
            continue
        taken[start:end] = [True] * (end - start)
    if counts is not None:
        counts.missing += len(missing)
    doc.set_ents(
        ents,
        missing=[Span(doc, s, e) for s, e in missing],
        default="outside",
    )
    return doc


def annotate(
    nlp: Language, sentences: Iterable[Sentence], counts: SilverCounts, denied: str = "missing"
) -> list[Example]:
    """One ``Example`` a sentence, its reference from :func:`reference_doc`."""
    listed = list(sentences)
    out: list[Example] = []
    for sentence, predicted in zip(listed, _predicted_entities(nlp, listed), strict=True):
        reference = reference_doc(nlp, sentence, predicted, counts, denied)
        out.append(Example(nlp.make_doc(sentence.text), reference))
    return out
