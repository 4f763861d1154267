"""Labelled text that other projects wrote, read from ``benchmarks/pii_data/`` (see each SOURCE.md).

Seven sets, each reported on its own:

* ``presidio_research`` - 400 of the 1,500 documents of presidio-research's
  ``synth_dataset_v2.json`` (MIT): template sentences with fake people, multi-line addresses,
  organisations and identifiers, labelled by that project.
* ``presidio_tests`` - the sentences of Presidio's recognizer test tables (MIT), positive and
  negative cases, labelled with the one entity type each table tests. Only that type is
  scored in a sentence (other personal data in it is not labelled), so predictions of other
  types are left out for that sentence unless they overlap its labelled value.
* ``rust_book_prose`` - 300 paragraphs of The Rust Programming Language (MIT/Apache-2.0),
  prose about programming with no personal data: every prediction there is a false positive.
* ``python_docs_prose`` - 500 paragraphs of CPython 3.11's Language Reference topics and
  standard-library docstrings (PSF licence), identifier-free in the same way.
* ``package_docs_prose`` - 340 paragraphs of the docstrings of twelve Python packages (click,
  pandas, sqlalchemy...; BSD-3-Clause, MIT, Apache-2.0), identifier-free in the same way and
  naming no person or organisation.
* ``library_docs_prose`` - 345 paragraphs of the docstrings of fourteen other Python packages
  (scikit-learn, torch, spacy, hypothesis, pyarrow...; BSD, MIT, Apache-2.0, MPL-2.0), cut the same
  way and naming no person or organisation.
* ``science_docs_prose`` - 312 paragraphs of the docstrings of seven scientific packages (sympy,
  mpmath, matplotlib, optax, opendp, polars, mbi; BSD, MIT, Apache-2.0, Matplotlib's licence):
  reference prose with reST markup, parameter descriptions and eponyms ("Cholesky
  decomposition", "Bessel functions") kept, naming no person as a person and no organisation.

Labels are mapped to Veil's entity types with :data:`PRESIDIO_RESEARCH_TYPES` and
:data:`~.metrics.PRESIDIO_TYPE_MAP`; a label mapped to ``None`` (job titles, ages,
nationalities) is not scored: it is removed from the gold, and predictions that lie wholly
inside such a span are removed too (neither engine is paid or charged for them).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.pii_evaluation.corpus import GoldSpan
from benchmarks.pii_evaluation.metrics import PRESIDIO_TYPE_MAP, Span
from veil.pii.entity import EntityType

__all__ = [
    "DATA_ROOT",
    "NAMED_TYPES",
    "OUTSIDE_CORPORA",
    "PRESIDIO_RESEARCH_TYPES",
    "OutsideDocument",
    "load_outside",
    "score_view",
]

DATA_ROOT = Path(__file__).resolve().parents[1] / "pii_data"

# presidio-research's labels -> Veil's types (None: not scored)
PRESIDIO_RESEARCH_TYPES: dict[str, EntityType | None] = {
    "PERSON": EntityType.PERSON,
    "STREET_ADDRESS": EntityType.LOCATION,
    "GPE": EntityType.LOCATION,
    "ZIP_CODE": EntityType.LOCATION,
    "ORGANIZATION": EntityType.ORGANIZATION,
    "CREDIT_CARD": EntityType.CREDIT_CARD,
    "DATE_TIME": EntityType.DATE_TIME,
    "PHONE_NUMBER": EntityType.PHONE_NUMBER,
    "EMAIL_ADDRESS": EntityType.EMAIL_ADDRESS,
    "DOMAIN_NAME": EntityType.URL,
    "IBAN_CODE": EntityType.IBAN_CODE,
    "US_SSN": EntityType.US_SSN,
    "IP_ADDRESS": EntityType.IP_ADDRESS,
    "US_DRIVER_LICENSE": EntityType.DRIVER_LICENSE,
    "TITLE": None,  # job titles and courtesy titles: not personal data Veil masks
    "AGE": None,
    "NRP": None,  # nationality, religion, politics
}


# Veil's types that are not identifiers: names, places, organisations and dates.
NAMED_TYPES = frozenset(
    {EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.DATE_TIME}
)


@dataclass(frozen=True, slots=True)
class OutsideDocument:
    """One labelled text. ``scored_types``: the only types scored in it (``None``: all);
    ``ignored``: spans whose label is not scored (predictions inside them are dropped);
    ``wildcard``: a gold type that any identifier type matches (a prediction of a type not in
    :data:`NAMED_TYPES` that overlaps such a gold span is scored under the gold's type)."""

    doc_id: str
    source: str
    text: str
    spans: tuple[GoldSpan | Span, ...]
    scored_types: frozenset[str] | None = None
    ignored: tuple[tuple[int, int], ...] = ()
    wildcard: str | None = None

    def value(self, span: GoldSpan | Span) -> str:
        return self.text[span.start : span.end]


def _presidio_research() -> list[OutsideDocument]:
    records = json.loads((DATA_ROOT / "presidio_research_synth" / "documents.json").read_text("utf-8"))
    docs = []
    for record in records:
        spans, ignored = [], []
        for s in record["spans"]:
            start, end = int(s["start_position"]), int(s["end_position"])
            veil_type = PRESIDIO_RESEARCH_TYPES[s["entity_type"]]
            if veil_type is None:
                ignored.append((start, end))
            else:
                spans.append(GoldSpan(start, end, veil_type))
        docs.append(
            OutsideDocument(
                f"presidio-research-{record['index']:04d}",
                f"template {record['template_id']}",
                record["full_text"],
                tuple(sorted(spans)),
                None,
                tuple(sorted(ignored)),
            )
        )
    return docs


def _presidio_tests() -> list[OutsideDocument]:
    cases = json.loads((DATA_ROOT / "presidio_tests" / "cases.json").read_text("utf-8"))
    docs = []
    for i, case in enumerate(cases):
        veil_type = PRESIDIO_TYPE_MAP.get(case["entity"])
        if veil_type is None or veil_type not in EntityType.__members__:
            continue  # an entity Veil has no type for (AU ABN, TR plate...): not scored
        spans = tuple(sorted(GoldSpan(a, b, EntityType(veil_type)) for a, b in case["spans"]))
        docs.append(
            OutsideDocument(
                f"presidio-tests-{i:04d}", case["file"], case["text"], spans, frozenset({veil_type})
            )
        )
    return docs


def _rust_book() -> list[OutsideDocument]:
    paragraphs = json.loads((DATA_ROOT / "rust_book_prose" / "paragraphs.json").read_text("utf-8"))
    return [OutsideDocument(f"rust-book-{i:03d}", p["file"], p["text"], ()) for i, p in enumerate(paragraphs)]


def _python_docs() -> list[OutsideDocument]:
    paragraphs = json.loads((DATA_ROOT / "python_docs_prose" / "paragraphs.json").read_text("utf-8"))
    return [
        OutsideDocument(f"python-docs-{i:03d}", p["file"], p["text"], ()) for i, p in enumerate(paragraphs)
    ]


def _package_docs() -> list[OutsideDocument]:
    paragraphs = json.loads((DATA_ROOT / "package_docs_prose" / "paragraphs.json").read_text("utf-8"))
    return [
        OutsideDocument(f"package-docs-{i:03d}", p["file"], p["text"], ()) for i, p in enumerate(paragraphs)
    ]


def _library_docs() -> list[OutsideDocument]:
    paragraphs = json.loads((DATA_ROOT / "library_docs_prose" / "paragraphs.json").read_text("utf-8"))
    return [
        OutsideDocument(f"library-docs-{i:03d}", p["file"], p["text"], ()) for i, p in enumerate(paragraphs)
    ]


def _science_docs() -> list[OutsideDocument]:
    paragraphs = json.loads((DATA_ROOT / "science_docs_prose" / "paragraphs.json").read_text("utf-8"))
    return [
        OutsideDocument(f"science-docs-{i:03d}", p["file"], p["text"], ()) for i, p in enumerate(paragraphs)
    ]


OUTSIDE_CORPORA = {
    "presidio_research": _presidio_research,
    "presidio_tests": _presidio_tests,
    "rust_book_prose": _rust_book,
    "python_docs_prose": _python_docs,
    "package_docs_prose": _package_docs,
    "library_docs_prose": _library_docs,
    "science_docs_prose": _science_docs,
}


def load_outside(name: str) -> list[OutsideDocument]:
    """The documents of one outside corpus (a key of :data:`OUTSIDE_CORPORA`)."""
    if name not in OUTSIDE_CORPORA:
        raise KeyError(f"unknown outside corpus {name!r}; known: {', '.join(OUTSIDE_CORPORA)}")
    return OUTSIDE_CORPORA[name]()


def score_view(
    predicted: list[Span],
    scored_types: frozenset[str] | None,
    ignored: tuple[tuple[int, int], ...],
    gold: Sequence[GoldSpan | Span] = (),
    wildcard: str | None = None,
) -> list[Span]:
    """The predictions that are scored in a document: not wholly inside an ignored span, and
    either of a scored type or touching a gold span (masking a labelled value under another
    type still masks it; other types elsewhere may be unlabelled personal data). With a
    ``wildcard`` gold type, identifier predictions overlapping such a gold span take its type."""
    if wildcard is not None:
        targets = [g for g in gold if str(g.type) == wildcard]
        predicted = [
            Span(p.start, p.end, wildcard)
            if p.type not in NAMED_TYPES and any(p.start < g.end and g.start < p.end for g in targets)
            else p
            for p in predicted
        ]
    return [
        p
        for p in predicted
        if not any(a <= p.start and p.end <= b for a, b in ignored)
        and (
            scored_types is None
            or p.type in scored_types
            or any(p.start < g.end and g.start < p.end for g in gold)
        )
    ]
