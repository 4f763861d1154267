"""Universal NER's English PUD: news and Wikipedia sentences with persons, places and
organisations labelled - a news/encyclopedia dev corpus beside ``gum_dev``.

UNER (Mayhew et al., NAACL 2024) labels ``PER``, ``ORG`` and ``LOC`` over Universal
Dependencies treebanks; its English PUD file covers UD_English-PUD (CC BY-SA 3.0): 1,000
sentences of 397 short documents, news articles (``n…``) and Wikipedia articles (``w…``), two or
three sentences each. ``benchmarks/pii_data/uner/convert.py`` made
``uner_pud_dev/documents.json`` from it once; no text of it is a wikigold text (checked by
normalised sentences and 8-word shingles before it was added).

``PER`` -> PERSON, ``LOC`` -> LOCATION, ``ORG`` -> ORGANIZATION, as labelled. UNER labels no
dates or identifiers, so only those three types are scored, plus any other prediction that
overlaps a labelled name.

The loader is strict: a label whose offsets do not cut out its recorded text, a span outside
its document or an unknown label is an error (:class:`UnerDataError`), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.labelled import corpus_records, labelled_spans
from benchmarks.pii_evaluation.outside import DATA_ROOT, OutsideDocument
from veil.pii.entity import EntityType

__all__ = [
    "UNER_DEV_CORPORA",
    "UNER_SCORED",
    "UNER_TYPES",
    "UnerDataError",
    "uner_document",
    "uner_pud_dev",
]

# UNER's labels -> Veil's types
UNER_TYPES: dict[str, str] = {
    "PER": EntityType.PERSON,
    "LOC": EntityType.LOCATION,
    "ORG": EntityType.ORGANIZATION,
}
UNER_SCORED = frozenset(str(t) for t in UNER_TYPES.values())


class UnerDataError(ValueError):
    """The UNER corpus file does not say what its loader expects (the file is wrong, not the text)."""


def uner_document(record: dict[str, Any]) -> OutsideDocument:
    """One PUD document (``index``, ``id``, ``text``, ``entities`` with ``start``, ``end``,
    ``label``, ``text``)."""
    doc_id, text = f"uner-pud-{record['id']}", str(record["text"])
    spans, ignored = labelled_spans(doc_id, text, record["entities"], UNER_TYPES, UnerDataError, "UNER")
    return OutsideDocument(doc_id, "UNER English PUD", text, spans, UNER_SCORED, ignored)


def uner_pud_dev() -> list[OutsideDocument]:
    """The ``uner_pud_dev`` corpus: UNER's English PUD, news and Wikipedia (a dev corpus)."""
    return [uner_document(record) for record in corpus_records(DATA_ROOT / "uner_pud_dev")]


# The dev corpora of this module, for the benchmark's default list (``benchmarks/pii.py``).
UNER_DEV_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {"uner_pud_dev": uner_pud_dev}
