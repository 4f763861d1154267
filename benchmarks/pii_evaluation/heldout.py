"""Held-out labelled text: corpora nobody tunes Veil's detectors on (``benchmarks/pii_data/``).

Issue 14 is judged "on independent labelled text you have not seen". The outside corpora of
:mod:`.outside` have been looked at while the recognizers were tuned, so they flatter; these
are kept apart. Only the evaluation reads them: their SOURCE.md files say "held-out", they
are run only when named (``python -m benchmarks.pii --corpus tab_echr ...``, never by
default), and ``--show-misses`` prints no value from them.

* ``tab_echr`` - judgments of the European Court of Human Rights from the Text
  Anonymization Benchmark (TAB, MIT), with the entity mentions one annotator marked. Scored as
  TAB scores an anonymiser: mentions whose ``identifier_type`` is DIRECT or QUASI must be
  masked; NO_MASK mentions are neither rewarded nor penalised. PERSON, LOC, ORG and DATETIME
  map to Veil's PERSON, LOCATION, ORGANIZATION and DATE_TIME; CODE (application numbers,
  registration numbers...) is its own row :data:`CODE_TYPE`, matched by a prediction of any
  identifier type; DEM, QUANTITY and MISC are not scored. As in TAB's evaluation, courtesy
  titles (Mr/Mrs/Ms), "no."/"nr", punctuation and function words at a mention's edges need not
  be masked (:func:`tab_core`).
* ``presidio_research_heldout`` - the 1,100 documents of presidio-research's
  ``synth_dataset_v2.json`` that are not in the 400-document dev subset: the same templates
  with other values, so the gap to ``presidio_research`` measures fitting to values.
* ``wnut17_test`` - the test set of the WNUT 2017 Emerging Entities task (CC BY 4.0): 1,287
  YouTube, Stack Overflow, Twitter and Reddit texts with persons, locations and corporations
  labelled by crowd annotators and adjudicated. Only PERSON, LOCATION and ORGANIZATION are
  scored in it (it labels no dates or identifiers, so other predictions are dropped unless they
  overlap a labelled value); its groups, products and creative works are not scored.
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

Loaders are strict: a label whose offsets do not cut out its recorded text, an unknown
label, or a span outside its document is an error (:class:`HeldoutDataError`), never dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.corpus import GoldSpan
from benchmarks.pii_evaluation.gum import gum_heldout
from benchmarks.pii_evaluation.metrics import Span
from benchmarks.pii_evaluation.outside import DATA_ROOT, PRESIDIO_RESEARCH_TYPES, OutsideDocument
from veil.pii.entity import EntityType

__all__ = [
    "CODE_TYPE",
    "HELDOUT_CORPORA",
    "TAB_TYPES",
    "WIKIGOLD_TYPES",
    "WNUT_TYPES",
    "HeldoutDataError",
    "load_heldout",
    "presidio_research_document",
    "tab_core",
    "tab_document",
    "wikigold_document",
    "wnut_document",
]

# TAB's CODE mentions are scored in a row of their own: any identifier type may mask them.
CODE_TYPE = "CODE(any id)"
# TAB's entity types -> the type scored (None: not scored, predictions inside are dropped)
TAB_TYPES: dict[str, str | None] = {
    "PERSON": EntityType.PERSON,
    "LOC": EntityType.LOCATION,
    "ORG": EntityType.ORGANIZATION,
    "DATETIME": EntityType.DATE_TIME,
    "CODE": CODE_TYPE,
    "DEM": None,  # demographic attributes (nationality, profession...)
    "QUANTITY": None,
    "MISC": None,
}
TAB_MASKED = frozenset({"DIRECT", "QUASI"})
TAB_IDENTIFIER_TYPES = frozenset({*TAB_MASKED, "NO_MASK"})
# TAB's evaluation (its evaluation.py) does not require these tokens and characters of a mention
# to be masked, "because there are discrepancies on whether to include them in the annotated
# spans": its annotators put courtesy titles inside PERSON spans ("Mr X"), other corpora here
# label them apart. They are trimmed from the edges of a gold span (and the trimmed part is
# ignored), so an engine is neither paid nor charged for them.
TAB_TOKENS_TO_IGNORE = frozenset({"mr", "mrs", "ms", "no", "nr", "about"})
# TAB also ignores tokens whose part of speech is ADP, PART, CCONJ or DET (it tags with spaCy);
# at a span's edges these are the closed-class words below (no tagger is run here; "s" is the
# possessive "'s" once the apostrophe is stripped).
TAB_EDGE_WORDS_TO_IGNORE = frozenset(
    {
        *("a", "an", "the", "this", "that", "these", "those", "and", "or", "nor", "but", "s"),
        *("of", "in", "on", "at", "to", "by", "for", "from", "with", "between", "since", "until"),
        *("after", "before", "during", "within", "into", "over", "under", "around", "as", "than"),
    }
)
TAB_CHARACTERS_TO_IGNORE = frozenset(" ,.-;:/&()[]\u2013'\" \u2019\u201c\u201d")


class HeldoutDataError(ValueError):
    """A held-out corpus file does not say what its loader expects (the file is wrong, not the text)."""


def _check_span(doc_id: str, text: str, start: int, end: int, value: str) -> None:
    if not 0 <= start < end <= len(text):
        raise HeldoutDataError(
            f"{doc_id}: span ({start}, {end}) is outside the text of {len(text)} characters"
        )
    if text[start:end] != value:
        raise HeldoutDataError(f"{doc_id}: span ({start}, {end}) does not cut out its recorded text")


def tab_core(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of ``text[start:end]`` that TAB's evaluation requires to be masked: without
    ignorable characters and tokens (:data:`TAB_TOKENS_TO_IGNORE`) at its edges; ``None`` when
    nothing is left."""
    while start < end:
        before = (start, end)
        while start < end and text[start] in TAB_CHARACTERS_TO_IGNORE:
            start += 1
        while start < end and text[end - 1] in TAB_CHARACTERS_TO_IGNORE:
            end -= 1
        ignorable = TAB_TOKENS_TO_IGNORE | TAB_EDGE_WORDS_TO_IGNORE
        first = re.match(r"\w+", text[start:end])
        if first and first.group().lower() in ignorable:
            if first.end() == end - start:
                return None  # nothing but an ignorable token
            if not text[start + first.end()].isalnum():
                start += first.end()
        last = re.search(r"\w+$", text[start:end])
        if (
            last
            and last.group().lower() in ignorable
            and last.start() > 0
            and not text[start + last.start() - 1].isalnum()
        ):
            end = start + last.start()
        if (start, end) == before:
            return start, end
    return None


def tab_document(record: dict[str, Any]) -> OutsideDocument:
    """One TAB document as scored here, from a record of ``tab_echr/documents.json``:
    ``doc_id``, ``annotator``, ``text``, ``text_sha256`` and ``mentions`` (TAB's
    ``entity_mentions`` of that annotator: ``start_offset``, ``end_offset``, ``span_text``,
    ``entity_type``, ``identifier_type``)."""
    doc_id, text = str(record["doc_id"]), str(record["text"])
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["text_sha256"]:
        raise HeldoutDataError(f"{doc_id}: the text does not match its recorded sha256")
    spans: list[Span] = []
    ignored: list[tuple[int, int]] = []
    for mention in record["mentions"]:
        start, end = int(mention["start_offset"]), int(mention["end_offset"])
        _check_span(doc_id, text, start, end, str(mention["span_text"]))
        entity, identifier = str(mention["entity_type"]), str(mention["identifier_type"])
        if entity not in TAB_TYPES:
            raise HeldoutDataError(f"{doc_id}: unknown TAB entity type {entity!r}")
        if identifier not in TAB_IDENTIFIER_TYPES:
            raise HeldoutDataError(f"{doc_id}: unknown TAB identifier type {identifier!r}")
        scored = TAB_TYPES[entity]
        core = tab_core(text, start, end)
        if scored is None or identifier not in TAB_MASKED or core is None:
            ignored.append((start, end))
        else:
            spans.append(Span(core[0], core[1], str(scored)))
            ignored.extend(part for part in ((start, core[0]), (core[1], end)) if part[0] < part[1])
    return OutsideDocument(
        f"tab-{doc_id}-{record['annotator']}",
        f"ECHR {doc_id}",
        text,
        tuple(sorted(set(spans))),
        None,
        tuple(sorted(set(ignored))),
        CODE_TYPE,
    )


def _tab_echr() -> list[OutsideDocument]:
    records = json.loads((DATA_ROOT / "tab_echr" / "documents.json").read_text("utf-8"))
    return [tab_document(record) for record in records]


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


def wnut_document(record: dict[str, Any]) -> OutsideDocument:
    """One WNUT 2017 document (``index``, ``text``, ``entities`` with ``start``, ``end``,
    ``label``, ``text``), scored for persons, locations and organisations only."""
    doc_id, text = f"wnut17-test-{int(record['index']):04d}", str(record["text"])
    spans, ignored = _entity_spans(doc_id, text, record["entities"], WNUT_TYPES, "WNUT 2017")
    return OutsideDocument(doc_id, "WNUT 2017 test", text, spans, WNUT_SCORED, ignored)


def _wnut17_test() -> list[OutsideDocument]:
    path = DATA_ROOT / "wnut17_test" / "documents.json"
    return [wnut_document(record) for record in json.loads(path.read_text("utf-8"))]


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
    "tab_echr": _tab_echr,
    "presidio_research_heldout": _presidio_research_heldout,
    "wnut17_test": _wnut17_test,
    "numpy_docs_prose": _numpy_docs_prose,
    "wikigold": _wikigold,
    "gum_heldout": gum_heldout,
}


def load_heldout(name: str) -> list[OutsideDocument]:
    """The documents of one held-out corpus (a key of :data:`HELDOUT_CORPORA`)."""
    if name not in HELDOUT_CORPORA:
        raise KeyError(f"unknown held-out corpus {name!r}; known: {', '.join(HELDOUT_CORPORA)}")
    return HELDOUT_CORPORA[name]()
