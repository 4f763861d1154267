"""Held-out labelled text: corpora nobody tunes Veil's detectors on (``benchmarks/pii_data/``).

Issue 14 is judged "on independent labelled text you have not seen". The outside corpora of
:mod:`.outside` have been looked at while the recognizers were tuned, so they flatter; these
are kept apart. Only the evaluation reads them: their SOURCE.md files say "held-out", they
are run only when named (``python -m benchmarks.pii --corpus tab_echr ...``, never by
default), and ``--show-misses`` prints no value from them.

* ``tab_echr`` - judgments of the European Court of Human Rights from the Text
  Anonymization Benchmark (TAB, MIT), with the entity mentions one annotator marked, scored as
  TAB scores an anonymiser. Its loader and scoring are shared with the dev corpus
  ``tab_echr_dev`` (TAB's dev split) in :mod:`.tab`.
* ``presidio_research_heldout`` - the 1,100 documents of presidio-research's
  ``synth_dataset_v2.json`` that are not in the 400-document dev subset: the same templates
  with other values, so the gap to ``presidio_research`` measures fitting to values.
* ``wnut17_test`` - the test set of the WNUT 2017 Emerging Entities task (CC BY 4.0): 1,287
  YouTube, Stack Overflow, Twitter and Reddit texts with persons, locations and corporations
  labelled by crowd annotators and adjudicated. Only PERSON, LOCATION and ORGANIZATION are
  scored in it (it labels no dates or identifiers, so other predictions are dropped unless they
  overlap a labelled value); its groups, products and creative works are not scored. Its
  loader is shared with the dev corpus ``wnut17_dev`` (WNUT's dev split) in :mod:`.wnut`.
* ``numpy_docs_prose`` - 300 paragraphs of NumPy's documentation (BSD-3-Clause), prose about
  numerical computing with no personal data: every prediction on it is a false positive.
* ``wikigold`` - 145 English Wikipedia articles (biographies, bands, sports teams, places,
  companies...) with named entities labelled by hand (Balasuriya et al. 2009, CC BY 4.0):
  PER, LOC and ORG are scored as PERSON, LOCATION and ORGANIZATION, MISC is not. wikigold
  ships tokens only; its ``convert.py`` rebuilt readable text from them.
* ``gum_heldout`` - the 24 documents of GUM's dev and test splits (academic, biographies, court
  transcripts, interviews, news, travel guides; CC BY / CC BY-SA texts): named persons, places
  and organisations scored as PERSON, LOCATION and ORGANIZATION, other names not scored. Its
  loader is shared with the dev corpus ``gum_dev`` (GUM's train split) in :mod:`.gum`.
* ``uner_ewt_test`` - Universal NER's labels over the test file of the English Web Treebank
  (UD_English-EWT, CC BY-SA 4.0): 316 Yahoo! Answers, Enron e-mails, newsgroup posts, reviews
  and weblog entries with persons, places and organisations scored as PERSON, LOCATION and
  ORGANIZATION. Its loader is shared with the dev corpus ``uner_ewt_dev`` (the dev file, which
  shares no 8-word shingle with it) in :mod:`.uner`.

Loaders are strict: a label whose offsets do not cut out its recorded text, an unknown
label, or a span outside its document is an error (:class:`HeldoutDataError`; for TAB,
:class:`~.tab.TabDataError`; for WNUT, :class:`~.wnut.WnutDataError`), never dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.corpus import GoldSpan
from benchmarks.pii_evaluation.gum import gum_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT, PRESIDIO_RESEARCH_TYPES, OutsideDocument
from benchmarks.pii_evaluation.tab import tab_echr
from benchmarks.pii_evaluation.uner import uner_ewt_test
from benchmarks.pii_evaluation.wnut import wnut17_test
from veil.pii.entity import EntityType

__all__ = [
    "HELDOUT_CORPORA",
    "WIKIGOLD_TYPES",
    "HeldoutDataError",
    "load_heldout",
    "presidio_research_document",
    "wikigold_document",
]


class HeldoutDataError(ValueError):
    """A held-out corpus file does not say what its loader expects (the file is wrong, not the text)."""


def _check_span(doc_id: str, text: str, start: int, end: int, value: str) -> None:
    if not 0 <= start < end <= len(text):
        raise HeldoutDataError(
            f"{doc_id}: span ({start}, {end}) is outside the text of {len(text)} characters"
        )
    if text[start:end] != value:
        raise HeldoutDataError(f"{doc_id}: span ({start}, {end}) does not cut out its recorded text")


def presidio_research_document(record: dict[str, Any]) -> OutsideDocument:
    """One presidio-research record (``full_text``, ``spans``, ``template_id``, ``index``)."""
    doc_id, text = f"presidio-research-{int(record['index']):04d}", str(record["full_text"])
    spans: list[GoldSpan] = []
    ignored: list[tuple[int, int]] = []
    for s in record["spans"]:
        start, end = int(s["start_position"]), int(s["end_position"])
        _check_span(doc_id, text, start, end, str(s["entity_value"]))
        label = str(s["entity_type"])
        if label not in PRESIDIO_RESEARCH_TYPES:
            raise HeldoutDataError(f"{doc_id}: unknown presidio-research label {label!r}")
        veil_type = PRESIDIO_RESEARCH_TYPES[label]
        if veil_type is None:
            ignored.append((start, end))
        else:
            spans.append(GoldSpan(start, end, veil_type))
    return OutsideDocument(
        doc_id, f"template {record['template_id']}", text, tuple(sorted(spans)), None, tuple(sorted(ignored))
    )


def _presidio_research_heldout() -> list[OutsideDocument]:
    path = DATA_ROOT / "presidio_research_heldout" / "documents.json"
    return [presidio_research_document(record) for record in json.loads(path.read_text("utf-8"))]


def _entity_spans(
    doc_id: str, text: str, entities: list[dict[str, Any]], types: dict[str, str | None], corpus: str
) -> tuple[tuple[GoldSpan, ...], tuple[tuple[int, int], ...]]:
    """The scored gold spans and the ignored spans of ``entities`` (``start``, ``end``,
    ``label``, ``text``), labels mapped with ``types``; offsets and labels checked."""
    spans: list[GoldSpan] = []
    ignored: list[tuple[int, int]] = []
    for e in entities:
        start, end = int(e["start"]), int(e["end"])
        _check_span(doc_id, text, start, end, str(e["text"]))
        label = str(e["label"])
        if label not in types:
            raise HeldoutDataError(f"{doc_id}: unknown {corpus} label {label!r}")
        veil_type = types[label]
        if veil_type is None:
            ignored.append((start, end))
        else:
            spans.append(GoldSpan(start, end, EntityType(veil_type)))
    return tuple(sorted(spans)), tuple(sorted(ignored))


# wikigold's CoNLL-2003 labels -> Veil's types (None: not scored, predictions inside are dropped)
WIKIGOLD_TYPES: dict[str, str | None] = {
    "PER": EntityType.PERSON,
    "LOC": EntityType.LOCATION,
    "ORG": EntityType.ORGANIZATION,
    "MISC": None,  # nationalities, events, works, products...: not what a PII masker is asked to find
}
WIKIGOLD_SCORED = frozenset(str(t) for t in WIKIGOLD_TYPES.values() if t is not None)


def wikigold_document(record: dict[str, Any]) -> OutsideDocument:
    """One wikigold document (``index``, ``text``, ``text_sha256``, ``entities`` with ``start``,
    ``end``, ``label``, ``text``), scored for persons, locations and organisations only."""
    doc_id, text = f"wikigold-{int(record['index']):03d}", str(record["text"])
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["text_sha256"]:
        raise HeldoutDataError(f"{doc_id}: the text does not match its recorded sha256")
    spans, ignored = _entity_spans(doc_id, text, record["entities"], WIKIGOLD_TYPES, "wikigold")
    return OutsideDocument(doc_id, "wikigold", text, spans, WIKIGOLD_SCORED, ignored)


def _wikigold() -> list[OutsideDocument]:
    path = DATA_ROOT / "wikigold" / "documents.json"
    return [wikigold_document(record) for record in json.loads(path.read_text("utf-8"))]


def _numpy_docs_prose() -> list[OutsideDocument]:
    paragraphs = json.loads((DATA_ROOT / "numpy_docs_prose" / "paragraphs.json").read_text("utf-8"))
    return [
        OutsideDocument(f"numpy-docs-{i:03d}", p["file"], p["text"], ()) for i, p in enumerate(paragraphs)
    ]


HELDOUT_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {
    "tab_echr": tab_echr,
    "presidio_research_heldout": _presidio_research_heldout,
    "wnut17_test": wnut17_test,
    "numpy_docs_prose": _numpy_docs_prose,
    "wikigold": _wikigold,
    "gum_heldout": gum_heldout,
    "uner_ewt_test": uner_ewt_test,
}


def load_heldout(name: str) -> list[OutsideDocument]:
    """The documents of one held-out corpus (a key of :data:`HELDOUT_CORPORA`)."""
    if name not in HELDOUT_CORPORA:
        raise KeyError(f"unknown held-out corpus {name!r}; known: {', '.join(HELDOUT_CORPORA)}")
    return HELDOUT_CORPORA[name]()
