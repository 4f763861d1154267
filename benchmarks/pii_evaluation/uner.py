"""Universal NER's English PUD and EWT: news and Wikipedia sentences (``uner_pud_dev``) and web
text (``uner_ewt_dev``, dev; ``uner_ewt_test``, held-out) with persons, places and organisations
labelled.

UNER (Mayhew et al., NAACL 2024) labels ``PER``, ``ORG`` and ``LOC`` over Universal
Dependencies treebanks; its English PUD file covers UD_English-PUD (CC BY-SA 3.0): 1,000
sentences of 397 short documents, news articles (``n…``) and Wikipedia articles (``w…``), two or
three sentences each. ``benchmarks/pii_data/uner/convert.py`` made
``uner_pud_dev/documents.json`` from it once; no text of it is a wikigold text (checked by
normalised sentences and 8-word shingles before it was added).

``PER`` -> PERSON, ``LOC`` -> LOCATION, ``ORG`` -> ORGANIZATION, as labelled. UNER labels no
dates or identifiers, so only those three types are scored, plus any other prediction that
overlaps a labelled name.

Its English EWT files cover UD_English-EWT (CC BY-SA 4.0), the English Web Treebank: Yahoo!
Answers, Enron e-mails, newsgroup posts, reviews and weblogs, one post, message or review a
document (its id names its genre). ``uner_ewt_dev`` is the dev file (tuned on); ``uner_ewt_test``
is the test file, held-out: registered in :mod:`.heldout`, run only when named, never read while
tuning. The dev corpus leaves out the 6 sentences that share an 8-word shingle with the held-out
file (the converter's ``documents_apart``), none of them labelled.

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
    "uner_ewt_dev",
    "uner_ewt_document",
    "uner_ewt_test",
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


# The treebank a record comes from -> its documents' id prefix and source name.
_TREEBANKS: dict[str, tuple[str, str]] = {
    "PUD": ("uner-pud", "UNER English PUD"),
    "EWT": ("uner-ewt", "UNER English EWT"),
}


def uner_document(record: dict[str, Any], treebank: str = "PUD") -> OutsideDocument:
    """One document (``index``, ``id``, ``text``, ``entities`` with ``start``, ``end``,
    ``label``, ``text``) of the ``treebank`` (``PUD`` or ``EWT``)."""
    prefix, source = _TREEBANKS[treebank]
    doc_id, text = f"{prefix}-{record['id']}", str(record["text"])
    spans, ignored = labelled_spans(doc_id, text, record["entities"], UNER_TYPES, UnerDataError, "UNER")
    return OutsideDocument(doc_id, source, text, spans, UNER_SCORED, ignored)


def uner_ewt_document(record: dict[str, Any]) -> OutsideDocument:
    """One EWT document (a post, e-mail, answer, review or weblog entry)."""
    return uner_document(record, "EWT")


def uner_pud_dev() -> list[OutsideDocument]:
    """The ``uner_pud_dev`` corpus: UNER's English PUD, news and Wikipedia (a dev corpus)."""
    return [uner_document(record) for record in corpus_records(DATA_ROOT / "uner_pud_dev")]


def uner_ewt_dev() -> list[OutsideDocument]:
    """The ``uner_ewt_dev`` corpus: UNER's English EWT dev file, web text (a dev corpus)."""
    return [uner_ewt_document(record) for record in corpus_records(DATA_ROOT / "uner_ewt_dev")]


def uner_ewt_test() -> list[OutsideDocument]:
    """The ``uner_ewt_test`` corpus: UNER's English EWT test file (HELD-OUT: the evaluation only)."""
    return [uner_ewt_document(record) for record in corpus_records(DATA_ROOT / "uner_ewt_test")]


# The dev corpora of this module, for the benchmark's default list (``benchmarks/pii.py``).
UNER_DEV_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {
    "uner_pud_dev": uner_pud_dev,
    "uner_ewt_dev": uner_ewt_dev,
}
