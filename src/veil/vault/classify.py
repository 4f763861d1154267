"""Column classification: which columns identify, re-identify, or reveal.

Two steps, both driven by rules that are data (the name phrases of :mod:`veil.vault.phrases`,
the value-shape detectors of :mod:`veil.vault.detectors`) so they are easy to read, test
and extend:

1. **A first category** (:func:`classify_column`, here) from the column's name and a sample
   of its values (at ingest: the first non-empty values of the first batch).
2. **The whole column** (:class:`~veil.vault.column_watch.ColumnWatch`): ingest shows every
   batch of every column stored in clear to its watch *before the batch is written*. Every
   value is checked by the cheap identifier detectors; an identifier anywhere makes the
   column sealed. What the first category leaned on is re-checked too: a name rule set aside
   because the values were yes/no flags or a handful of codes comes back as soon as a
   value is neither, and a text column whose values read as prose becomes free text.
   A schema file's category (:class:`~veil.vault.schema_file.SchemaFile`) is never
   overridden; the findings are still recorded (:class:`~veil.vault.evidence.Evidence`).

The bias is toward safety: a column that might directly identify someone is sealed, since
sealing a harmless column costs little and leaking an identifier cannot be undone. The
other direction is handled in the value rules (this module), not by special cases: yes/no
flags and low-cardinality codes are neither identifiers nor free text, whatever the column
is called.

The PII engine (``veil.pii``) may refine the first category (``--pii-scan``); this module
is what ingest relies on and needs no model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from veil.vault.category import HOLDS_WHILE_TEXT, ColumnCategory, ColumnClass, HoldsWhile
from veil.vault.detectors import DETECTOR_BY_NAME, DETECTORS, detect
from veil.vault.phrases import (
    DIRECT_PHRASES,
    FREE_TEXT_PHRASES,
    NOT_PERSON,
    QUASI_PHRASES,
    SENSITIVE_PHRASES,
    VERIFIABLE_PHRASES,
    has_phrase,
    tokens_of,
)

__all__ = [
    "CODE_MAX_DISTINCT",
    "FLAG_MAX_DISTINCT",
    "FLAG_VALUES",
    "FREE_TEXT_MIN_CHARS",
    "FREE_TEXT_MIN_WORDS",
    "PROSE_VALUE_CHARS",
    "PROSE_VALUE_WORDS",
    "as_text",
    "classify_column",
    "is_code",
    "is_coded",
    "is_flags",
    "is_free_text",
]

#: Share of sampled non-empty values a detector must match for "values look like ...".
VALUE_SHARE = 0.5
FREE_TEXT_MIN_CHARS = 40
FREE_TEXT_MIN_WORDS = 6
#: One value this long reads as prose wherever it is (a note in a column of short values).
PROSE_VALUE_CHARS = 80
PROSE_VALUE_WORDS = 12
#: Yes/no flags, compared stripped and lower-cased (Python booleans count too).
FLAG_VALUES = frozenset({"y", "n", "yes", "no", "true", "false", "t", "f", "0", "1", "on", "off", "x"})
FLAG_MAX_DISTINCT = 3
#: Codes: at least CODE_MIN_VALUES values, at most CODE_MAX_DISTINCT distinct ones (each used
#: twice on average), none longer than CODE_MAX_CHARS characters or CODE_MAX_WORDS words.
CODE_MIN_VALUES = 20
CODE_MAX_DISTINCT = 20
CODE_MAX_CHARS = 24
CODE_MAX_WORDS = 3

_DATE_VALUE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4}"
)


def as_text(value: Any) -> str:
    """A value as text: dates in ISO form, bytes decoded, nested values as JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


def is_free_text(values: Sequence[str]) -> bool:
    """Whether the values read as prose: long on average, in characters and in words."""
    if not values:
        return False
    chars = sum(len(v) for v in values) / len(values)
    words = sum(len(v.split()) for v in values) / len(values)
    return chars >= FREE_TEXT_MIN_CHARS and words >= FREE_TEXT_MIN_WORDS


def is_flags(values: Sequence[Any]) -> bool:
    """Yes/no flags (Y/N, 0/1, true/false, ...): at least one value, all of them flags."""
    seen: set[Any] = set()
    for v in values:
        if v is None or v == "":
            continue
        flag = v if isinstance(v, bool) else str(v).strip().lower()
        if not (isinstance(flag, bool) or flag in FLAG_VALUES):
            return False
        seen.add(flag)
    return 0 < len(seen) <= FLAG_MAX_DISTINCT


def is_coded(values: Sequence[Any]) -> bool:
    """A handful of short codes, each repeated (A1..A5, home/work/mobile): not free text."""
    try:
        if len(set(values)) > CODE_MAX_DISTINCT + 2:  # (+ None, "", and spacing variants)
            return False
    except TypeError:  # unhashable (nested) values are no codes
        return False
    texts = [v.strip() if isinstance(v, str) else as_text(v) for v in values if v is not None]
    texts = [t for t in texts if t]
    distinct = set(texts)
    return (
        len(texts) >= CODE_MIN_VALUES
        and len(distinct) <= CODE_MAX_DISTINCT
        and 2 * len(distinct) <= len(texts)
        and all(is_code(t) for t in distinct)
    )


def is_code(text: str) -> bool:
    """Short enough, in characters and words, to be a code."""
    return len(text) <= CODE_MAX_CHARS and len(text.split()) <= CODE_MAX_WORDS


def _is_dates(values: Sequence[Any]) -> bool:
    if not values:
        return False
    hits = sum(
        1
        for v in values
        if isinstance(v, date | datetime) or (isinstance(v, str) and _DATE_VALUE.fullmatch(v))
    )
    return hits / len(values) >= 0.9


def _what_values_are(values: Sequence[Any]) -> HoldsWhile | None:
    if is_flags(values):
        return "flags"
    if is_coded(values):
        return "codes"
    return None


def classify_column(name: str, sample: Sequence[Any]) -> ColumnClass:
    """Classify one column from its name and a sample of its values."""
    tokens = tokens_of(name)
    texts = [v.strip() for v in sample if isinstance(v, str) and v.strip()]
    kind = _what_values_are(sample)
    direct = has_phrase(tokens, DIRECT_PHRASES)
    if direct in {("name",), ("names",)} and NOT_PERSON.intersection(tokens):
        direct = None
    holds: tuple[HoldsWhile, ColumnCategory, str] | None = None
    if direct:
        phrase = " ".join(direct)
        if kind == "flags" or (kind == "codes" and direct in VERIFIABLE_PHRASES):
            holds = (kind, ColumnCategory.DIRECT_IDENTIFIER, f"name contains '{phrase}'")
        else:
            return ColumnClass(ColumnCategory.DIRECT_IDENTIFIER, f"name contains '{phrase}'")
    # Sealed either way from here on when the values read as prose (a note may hold anything);
    # otherwise an identifier in any sampled value makes it a direct identifier.
    if is_free_text(texts):
        return ColumnClass(ColumnCategory.FREE_TEXT, "values are long free text")
    hits = detect(set(texts)) if texts else {}
    free = has_phrase(tokens, FREE_TEXT_PHRASES)
    if hits:
        order = [d.name for d in DETECTORS]
        counts = {d: sum(1 for t in texts if t in found) for d, found in hits.items()}
        top = min(counts, key=lambda d: (-counts[d], order.index(d)))
        if counts[top] / len(texts) >= VALUE_SHARE:
            return ColumnClass(
                ColumnCategory.DIRECT_IDENTIFIER, f"values look like {DETECTOR_BY_NAME[top].label}"
            )
        total = sum(1 for t in texts if any(t in found for found in hits.values()))
        labels = " and ".join(DETECTOR_BY_NAME[d].label for d in sorted(hits, key=order.index))
        held = f"{total} of {len(texts)} sampled values hold {labels}"
        if free and kind is None:
            # short notes ("prefers e-mail", "call +44 ...") with an identifier in a few of them: a
            # notes column, sealed as free text and masked by detection, not one identifier a cell
            return ColumnClass(ColumnCategory.FREE_TEXT, f"name contains '{' '.join(free)}'; {held}")
        return ColumnClass(ColumnCategory.DIRECT_IDENTIFIER, held)
    # No value in the sample (a sparse notes column) is no evidence against free text: seal it.
    no_values = not texts and all(v is None or isinstance(v, str) for v in sample)
    if free and (no_values or (texts and not _is_dates(texts))):
        if kind is None:
            return ColumnClass(ColumnCategory.FREE_TEXT, f"name contains '{' '.join(free)}'")
        if holds is None:
            holds = (kind, ColumnCategory.FREE_TEXT, f"name contains '{' '.join(free)}'")
    result = _clear_category(tokens, sample)
    if holds is None:
        return result
    kind_, otherwise, why = holds
    return ColumnClass(
        result.category,
        f"{why} but its values are {HOLDS_WHILE_TEXT[kind_]}; {result.reason}",
        holds_while=kind_,
        otherwise=otherwise,
    )


def _clear_category(tokens: tuple[str, ...], sample: Sequence[Any]) -> ColumnClass:
    sensitive = has_phrase(tokens, SENSITIVE_PHRASES)
    if sensitive:
        return ColumnClass(ColumnCategory.SENSITIVE, f"name contains '{' '.join(sensitive)}'")
    quasi = has_phrase(tokens, QUASI_PHRASES)
    if quasi:
        return ColumnClass(ColumnCategory.QUASI_IDENTIFIER, f"name contains '{' '.join(quasi)}'")
    if _is_dates(list(sample)):
        return ColumnClass(ColumnCategory.QUASI_IDENTIFIER, "values are dates")
    return ColumnClass(ColumnCategory.OTHER, "no identifying name or values")
