"""The Broad Twitter Corpus, section F: tweets of 2009-2014 with persons, places and
organisations labelled - a second social-media dev corpus beside ``wnut17_dev``.

BTC (Derczynski, Bontcheva and Roberts, COLING 2016; CC BY 4.0) labels ``PER``, ``LOC`` and
``ORG`` in tweets sampled over time, place and kind of user; section F is "Twitterati" (2,000
tweets of accounts with many followers). ``benchmarks/pii_data/btc/convert.py`` made
``btc_dev/documents.json`` from it once.

BTC also labels @-mentions and #hashtags by what they refer to, which no other corpus here does:

* an entity that starts with ``@`` is a handle: it is gold of type ``USERNAME`` (a masker must
  hide it; any prediction covering it counts, so a handle found as ``USERNAME`` is right and
  PERSON recall measures names written in words only). ``USERNAME`` is not a scored type, so a
  handle BTC left unlabelled is not a false positive when it is masked.
* an entity holding a ``#`` word is a topic tag (``#london``): not scored, and predictions
  inside it are dropped for both engines (a tag names a subject, not a party to the text).
* the rest are ``PER`` -> PERSON, ``LOC`` -> LOCATION, ``ORG`` -> ORGANIZATION.

The loader is strict: a label whose offsets do not cut out its recorded text, a span outside
its document or an unknown label is an error (:class:`BtcDataError`), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.labelled import corpus_records, labelled_spans
from benchmarks.pii_evaluation.outside import DATA_ROOT, OutsideDocument
from veil.pii.entity import EntityType

__all__ = [
    "BTC_DEV_CORPORA",
    "BTC_SCORED",
    "BTC_TYPES",
    "BtcDataError",
    "btc_dev",
    "btc_document",
    "btc_type",
]

# BTC's labels -> Veil's types for entities written in words
BTC_TYPES: dict[str, str] = {
    "PER": EntityType.PERSON,
    "LOC": EntityType.LOCATION,
    "ORG": EntityType.ORGANIZATION,
}
BTC_SCORED = frozenset(str(t) for t in BTC_TYPES.values())


class BtcDataError(ValueError):
    """The BTC corpus file does not say what its loader expects (the file is wrong, not the text)."""


def btc_type(label: str, text: str) -> str | None:
    """The gold type of an entity labelled ``label`` whose text is ``text``: ``USERNAME`` for a
    handle, None (not scored) for one holding a hashtag, else its label's type."""
    if label not in BTC_TYPES:
        raise KeyError(label)
    if text.startswith("@"):
        return str(EntityType.USERNAME)
    if any(word.startswith("#") for word in text.split()):
        return None
    return str(BTC_TYPES[label])


def btc_document(record: dict[str, Any]) -> OutsideDocument:
    """One tweet (``index``, ``text``, ``entities`` with ``start``, ``end``, ``label``, ``text``)."""
    doc_id, text = f"btc-f-{int(record['index']):04d}", str(record["text"])
    spans, ignored = labelled_spans(
        doc_id, text, record["entities"], BTC_TYPES, BtcDataError, "BTC", btc_type
    )
    return OutsideDocument(doc_id, "BTC section F", text, spans, BTC_SCORED, ignored)


def btc_dev() -> list[OutsideDocument]:
    """The ``btc_dev`` corpus: section F of the Broad Twitter Corpus (a dev corpus)."""
    return [btc_document(record) for record in corpus_records(DATA_ROOT / "btc_dev")]


# The dev corpora of this module, for the benchmark's default list (``benchmarks/pii.py``).
BTC_DEV_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {"btc_dev": btc_dev}
