"""GUM: real English text of six genres with named persons, places and organisations labelled.

GUM (the Georgetown University Multilayer corpus, Zeldes 2017) annotates every entity mention;
``benchmarks/pii_data/gum/convert.py`` keeps the NAMED person, place and organization mentions
(see ``benchmarks/pii_data/gum_dev/SOURCE.md`` for the rule) of the genres whose text licence
allows redistribution (academic, bio, court, interview, news, voyage). Two corpora, split by
GUM's own standard partitions:

* ``gum_dev`` - the documents of GUM's ``train`` split: a dev corpus, tuned on like the others
  (:data:`GUM_DEV_CORPORA`, in the benchmark's default list).
* ``gum_heldout`` - the documents of GUM's ``dev`` and ``test`` splits: held-out, never tuned
  on (registered in :data:`~.heldout.HELDOUT_CORPORA`; run only when named, no value printed).

person, place and organization are scored as PERSON, LOCATION and ORGANIZATION; the names of
GUM's other entity types (events, laws, works, products...), groups of people ("Bangladeshis"),
and other proper nouns inside GUM's mentions ("Harrow" in "the Harrow school") are recorded as
not scored:
predictions inside them are dropped for both engines, as wikigold's MISC. GUM labels no
dates or identifiers here, so only PERSON, LOCATION and ORGANIZATION predictions are scored,
plus any other prediction that overlaps a labelled name.

The loader is strict: a text that does not match its sha256, a label whose offsets do not cut
out its recorded text, an unknown label, a genre without its recorded licence or a document of
the wrong split is an error (:class:`GumDataError`), never dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.labelled import corpus_records, labelled_spans
from benchmarks.pii_evaluation.outside import DATA_ROOT, OutsideDocument
from veil.pii.entity import EntityType

__all__ = [
    "GUM_DEV_CORPORA",
    "GUM_GENRE_LICENCES",
    "GUM_SPLITS",
    "GUM_TYPES",
    "GumDataError",
    "gum_dev",
    "gum_document",
    "gum_heldout",
]

# GUM's labels -> Veil's types (None: not scored, predictions inside are dropped)
GUM_TYPES: dict[str, str | None] = {
    "person": EntityType.PERSON,
    "place": EntityType.LOCATION,
    "organization": EntityType.ORGANIZATION,
    # names of GUM's other entity types: laws, events, works, products, languages, pets...
    "abstract": None,
    "event": None,
    "object": None,
    "substance": None,
    "animal": None,
    "plant": None,
    "person-group": None,  # a plural proper noun: "Bangladeshis", "the Democrats"
    "name-in-mention": None,  # "Harrow" in "the Harrow school": GUM marks no name mention of its own
    "lower-case-name": None,  # a name with no capital letter: an IPA pronunciation, a tagging slip
}
GUM_SCORED = frozenset(str(t) for t in GUM_TYPES.values() if t is not None)
# The genres converted and the licence of their text (GUM's LICENSE.txt); the annotations are CC BY 4.0.
GUM_GENRE_LICENCES: dict[str, str] = {
    "academic": "CC BY 4.0",
    "bio": "CC BY-SA 3.0",
    "court": "CC BY 4.0",
    "interview": "CC BY 2.5",
    "news": "CC BY 2.5",
    "voyage": "CC BY-SA 3.0",
}
# Each corpus -> the GUM splits its documents come from.
GUM_SPLITS: dict[str, frozenset[str]] = {
    "gum_dev": frozenset({"train"}),
    "gum_heldout": frozenset({"dev", "test"}),
}


class GumDataError(ValueError):
    """A GUM corpus file does not say what its loader expects (the file is wrong, not the text)."""


def gum_document(record: dict[str, Any], corpus: str) -> OutsideDocument:
    """One GUM document of ``corpus`` (``doc``, ``genre``, ``split``, ``licence``, ``text``,
    ``text_sha256``, ``entities`` with ``start``, ``end``, ``label``, ``text``), scored for
    persons, locations and organisations only."""
    name, text = str(record["doc"]), str(record["text"])
    doc_id = f"gum-{name.removeprefix('GUM_')}"
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["text_sha256"]:
        raise GumDataError(f"{doc_id}: the text does not match its recorded sha256")
    genre = str(record["genre"])
    if GUM_GENRE_LICENCES.get(genre) != record["licence"]:
        raise GumDataError(f"{doc_id}: genre {genre!r} is not converted under licence {record['licence']!r}")
    if record["split"] not in GUM_SPLITS[corpus]:
        raise GumDataError(f"{doc_id}: GUM's {record['split']!r} split does not belong in {corpus}")
    spans, ignored = labelled_spans(doc_id, text, record["entities"], GUM_TYPES, GumDataError, "GUM")
    return OutsideDocument(doc_id, f"GUM {genre}", text, spans, GUM_SCORED, ignored)


def _load(corpus: str) -> list[OutsideDocument]:
    return [gum_document(record, corpus) for record in corpus_records(DATA_ROOT / corpus)]


def gum_dev() -> list[OutsideDocument]:
    """The ``gum_dev`` corpus: GUM's train split (a dev corpus)."""
    return _load("gum_dev")


def gum_heldout() -> list[OutsideDocument]:
    """The ``gum_heldout`` corpus: GUM's dev and test splits (held-out: never tuned on)."""
    return _load("gum_heldout")


# The dev corpora of this module, for the benchmark's default list (``benchmarks/pii.py``).
GUM_DEV_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {"gum_dev": gum_dev}
