"""WNUT 2017 Emerging Entities: noisy user-generated English text with named entities labelled.

WNUT 2017 (Derczynski et al., CC BY 4.0) labels persons, locations, corporations, groups,
products and creative works in YouTube comments, Stack Overflow answers, tweets and Reddit
comments chosen for rare, novel names. ``benchmarks/pii_data/wnut17/convert.py`` turns each
split into a ``documents.json``, the same way for both corpora:

* ``wnut17_dev`` - WNUT's dev split (``emerging.dev.conll``): a dev corpus, tuned on like the
  others (:data:`WNUT_DEV_CORPORA`, in the benchmark's default list). It is the only
  social-media text among the dev corpora.
* ``wnut17_test`` - WNUT's test split: held-out, never tuned on (registered in
  :data:`~.heldout.HELDOUT_CORPORA`; run only when named, no value printed).

person, location and corporation are scored as PERSON, LOCATION and ORGANIZATION; groups,
products and creative works are not scored (predictions inside them are dropped for both
engines). WNUT labels no dates or identifiers, so only PERSON, LOCATION and ORGANIZATION
predictions are scored, plus any other prediction that overlaps a labelled name.

The loader is strict: a label whose offsets do not cut out its recorded text, a span outside
its document or an unknown label is an error (:class:`WnutDataError`), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.labelled import corpus_records, labelled_spans
from benchmarks.pii_evaluation.outside import DATA_ROOT, OutsideDocument
from veil.pii.entity import EntityType

__all__ = [
    "WNUT_DEV_CORPORA",
    "WNUT_SCORED",
    "WNUT_SPLITS",
    "WNUT_TYPES",
    "WnutDataError",
    "load_wnut",
    "wnut17_dev",
    "wnut17_test",
    "wnut_document",
]

# WNUT 2017's labels -> Veil's types (None: not scored, predictions inside are dropped)
WNUT_TYPES: dict[str, str | None] = {
    "person": EntityType.PERSON,
    "location": EntityType.LOCATION,
    "corporation": EntityType.ORGANIZATION,
    "group": None,  # bands, teams, parties...: not what a PII masker is asked to find
    "product": None,
    "creative-work": None,
}
WNUT_SCORED = frozenset(str(t) for t in WNUT_TYPES.values() if t is not None)
# Each corpus -> the WNUT split its documents come from (it names the documents' ids).
WNUT_SPLITS: dict[str, str] = {"wnut17_dev": "dev", "wnut17_test": "test"}


class WnutDataError(ValueError):
    """A WNUT corpus file does not say what its loader expects (the file is wrong, not the text)."""


def wnut_document(record: dict[str, Any], split: str = "test") -> OutsideDocument:
    """One WNUT 2017 document of ``split`` (``index``, ``text``, ``entities`` with ``start``,
    ``end``, ``label``, ``text``), scored for persons, locations and organisations only."""
    doc_id, text = f"wnut17-{split}-{int(record['index']):04d}", str(record["text"])
    spans, ignored = labelled_spans(doc_id, text, record["entities"], WNUT_TYPES, WnutDataError, "WNUT 2017")
    return OutsideDocument(doc_id, f"WNUT 2017 {split}", text, spans, WNUT_SCORED, ignored)


def load_wnut(corpus: str) -> list[OutsideDocument]:
    """The documents of one WNUT corpus (a key of :data:`WNUT_SPLITS`)."""
    split = WNUT_SPLITS[corpus]
    return [wnut_document(record, split) for record in corpus_records(DATA_ROOT / corpus)]


def wnut17_dev() -> list[OutsideDocument]:
    """The ``wnut17_dev`` corpus: WNUT 2017's dev split (a dev corpus)."""
    return load_wnut("wnut17_dev")


def wnut17_test() -> list[OutsideDocument]:
    """The ``wnut17_test`` corpus: WNUT 2017's test split (held-out: never tuned on)."""
    return load_wnut("wnut17_test")


# The dev corpora of this module, for the benchmark's default list (``benchmarks/pii.py``).
WNUT_DEV_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {"wnut17_dev": wnut17_dev}
