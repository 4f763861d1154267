"""Evaluation of PII detection: a generated, labelled corpus and the metrics to score it.

No NLP model is loaded here; ``benchmarks/pii.py`` runs the engines over the corpus.
"""

from benchmarks.pii_evaluation.corpus import (
    DEFAULT_SEEDS,
    LOCALES,
    Document,
    GoldSpan,
    generate_corpus,
    iter_corpus,
    render_template,
)
from benchmarks.pii_evaluation.metrics import (
    PRESIDIO_TYPE_MAP,
    Report,
    Span,
    SpanLike,
    Tally,
    evaluate,
    evaluate_document,
    map_presidio_type,
)
from benchmarks.pii_evaluation.templates import (
    PROJECT_TEMPLATES,
    UNSEEN_TEMPLATES,
    DocumentKind,
    Family,
    Template,
)

__all__ = [
    "DEFAULT_SEEDS",
    "LOCALES",
    "PRESIDIO_TYPE_MAP",
    "PROJECT_TEMPLATES",
    "UNSEEN_TEMPLATES",
    "Document",
    "DocumentKind",
    "Family",
    "GoldSpan",
    "Report",
    "Span",
    "SpanLike",
    "Tally",
    "Template",
    "evaluate",
    "evaluate_document",
    "generate_corpus",
    "iter_corpus",
    "map_presidio_type",
    "render_template",
]
