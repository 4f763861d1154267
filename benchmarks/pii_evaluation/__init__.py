"""Evaluation of PII detection: labelled corpora and the metrics to score them.

Two generated families (``project``; ``unseen``, with its own templates, locales and
name/place lists that no recognizer or gazetteer reads) and labelled text other projects
wrote (:mod:`.outside`, data in ``benchmarks/pii_data/``). No NLP model is loaded here;
``benchmarks/pii.py`` runs the engines over each corpus separately.
"""

from benchmarks.pii_evaluation.corpus import (
    DEFAULT_SEEDS,
    LOCALES,
    UNSEEN_LOCALES,
    Document,
    GoldSpan,
    generate_corpus,
    iter_corpus,
    locales_for,
    render_template,
    templates_for,
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
    DocumentKind,
    Family,
    Template,
)
from benchmarks.pii_evaluation.unseen_templates import UNSEEN_TEMPLATES

__all__ = [
    "DEFAULT_SEEDS",
    "LOCALES",
    "PRESIDIO_TYPE_MAP",
    "PROJECT_TEMPLATES",
    "UNSEEN_LOCALES",
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
    "locales_for",
    "map_presidio_type",
    "render_template",
    "templates_for",
]
