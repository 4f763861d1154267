"""TAB: ECHR judgments of the Text Anonymization Benchmark, scored as TAB scores an anonymiser.

The Text Anonymization Benchmark (Pilán et al. 2022, MIT) ships judgments of the European Court
of Human Rights with the entity mentions its annotators marked. Two corpora are cut from it, one
document set per TAB split, each with the mentions of ONE annotator per document:

* ``tab_echr_dev`` - documents of TAB's ``dev`` split: a dev corpus, tuned on like the others
  (:data:`TAB_DEV_CORPORA`, in the benchmark's default list).
* ``tab_echr`` - documents of TAB's ``test`` split: held-out, never tuned on (registered in
  :data:`~.heldout.HELDOUT_CORPORA`; run only when named, no value printed).

Scoring, the same for both: mentions whose ``identifier_type`` is DIRECT or QUASI must be
masked; NO_MASK mentions are neither rewarded nor penalised. PERSON, LOC, ORG and DATETIME map
to Veil's PERSON, LOCATION, ORGANIZATION and DATE_TIME; CODE (application numbers,
registration numbers...) is its own row :data:`CODE_TYPE`, matched by a prediction of any
identifier type; DEM, QUANTITY and MISC are not scored. As in TAB's evaluation, courtesy
titles (Mr/Mrs/Ms), "no."/"nr", punctuation and function words at a mention's edges need not
be masked (:func:`tab_core`).

The loader is strict: a text that does not match its sha256, a mention whose offsets do not
cut out its recorded text, an unknown label, a span outside its document, a document of the
wrong split, or a test document in the dev corpus is an error (:class:`TabDataError`), never
dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from benchmarks.pii_evaluation.metrics import Span
from benchmarks.pii_evaluation.outside import DATA_ROOT, OutsideDocument
from veil.pii.entity import EntityType

__all__ = [
    "CODE_TYPE",
    "TAB_DEV_CORPORA",
    "TAB_SPLITS",
    "TAB_TEST_DOC_IDS",
    "TAB_TYPES",
    "TabDataError",
    "tab_core",
    "tab_document",
    "tab_echr",
    "tab_echr_dev",
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
# Each corpus -> the TAB split (``dataset_type``) its documents come from.
TAB_SPLITS: dict[str, str] = {"tab_echr_dev": "dev", "tab_echr": "test"}
# The documents of the held-out corpus (benchmarks/pii_data/tab_echr/SOURCE.md): the dev corpus
# must never hold one, whatever split a record claims.
TAB_TEST_DOC_IDS = frozenset(
    {
        *("001-61807", "001-61253", "001-66929", "001-159913", "001-61227"),
        *("001-90749", "001-79346", "001-61744", "001-60735", "001-57899"),
    }
)


class TabDataError(ValueError):
    """A TAB corpus file does not say what its loader expects (the file is wrong, not the text)."""


def _check_span(doc_id: str, text: str, start: int, end: int, value: str) -> None:
    if not 0 <= start < end <= len(text):
        raise TabDataError(f"{doc_id}: span ({start}, {end}) is outside the text of {len(text)} characters")
    if text[start:end] != value:
        raise TabDataError(f"{doc_id}: span ({start}, {end}) does not cut out its recorded text")


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
    """One TAB document as scored here, from a record of a TAB corpus's ``documents.json``:
    ``doc_id``, ``annotator``, ``text``, ``text_sha256`` and ``mentions`` (TAB's
    ``entity_mentions`` of that annotator: ``start_offset``, ``end_offset``, ``span_text``,
    ``entity_type``, ``identifier_type``)."""
    doc_id, text = str(record["doc_id"]), str(record["text"])
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["text_sha256"]:
        raise TabDataError(f"{doc_id}: the text does not match its recorded sha256")
    spans: list[Span] = []
    ignored: list[tuple[int, int]] = []
    for mention in record["mentions"]:
        start, end = int(mention["start_offset"]), int(mention["end_offset"])
        _check_span(doc_id, text, start, end, str(mention["span_text"]))
        entity, identifier = str(mention["entity_type"]), str(mention["identifier_type"])
        if entity not in TAB_TYPES:
            raise TabDataError(f"{doc_id}: unknown TAB entity type {entity!r}")
        if identifier not in TAB_IDENTIFIER_TYPES:
            raise TabDataError(f"{doc_id}: unknown TAB identifier type {identifier!r}")
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


def load_tab(corpus: str) -> list[OutsideDocument]:
    """The documents of one TAB corpus (a key of :data:`TAB_SPLITS`), each checked to come
    from that corpus's split; the dev corpus also holds none of the held-out documents."""
    records = json.loads((DATA_ROOT / corpus / "documents.json").read_text("utf-8"))
    for record in records:
        doc_id = str(record["doc_id"])
        if record["dataset_type"] != TAB_SPLITS[corpus]:
            raise TabDataError(f"{doc_id}: a document of another TAB split does not belong in {corpus}")
        if corpus != "tab_echr" and doc_id in TAB_TEST_DOC_IDS:
            raise TabDataError(f"{doc_id}: a held-out tab_echr document does not belong in {corpus}")
    return [tab_document(record) for record in records]


def tab_echr_dev() -> list[OutsideDocument]:
    """The ``tab_echr_dev`` corpus: documents of TAB's dev split (a dev corpus)."""
    return load_tab("tab_echr_dev")


def tab_echr() -> list[OutsideDocument]:
    """The ``tab_echr`` corpus: documents of TAB's test split (held-out: never tuned on)."""
    return load_tab("tab_echr")


# The dev corpora of this module, for the benchmark's default list (``benchmarks/pii.py``).
TAB_DEV_CORPORA: dict[str, Callable[[], list[OutsideDocument]]] = {"tab_echr_dev": tab_echr_dev}
