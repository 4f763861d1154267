"""The whole column: every value of a column stored in clear is checked before it is written.

Ingest shows every batch of every clear column to the column's :class:`ColumnWatch` before
the batch is written. An identifier anywhere (:mod:`veil.vault.detectors`) makes the column
sealed; a category the values set aside (flags, codes) comes back once a value is neither;
a text column whose values read as prose becomes free text. A :class:`Finding` never holds
a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from veil.vault.category import HOLDS_WHILE_TEXT, ColumnCategory, HoldsWhile
from veil.vault.classify import (
    CODE_MAX_DISTINCT,
    FLAG_MAX_DISTINCT,
    FLAG_VALUES,
    FREE_TEXT_MIN_CHARS,
    FREE_TEXT_MIN_WORDS,
    PROSE_VALUE_CHARS,
    PROSE_VALUE_WORDS,
    as_text,
    is_code,
    is_free_text,
)
from veil.vault.detectors import DETECTOR_BY_NAME, DETECTORS, detect

__all__ = ["ColumnWatch", "Finding"]


@dataclass(frozen=True, slots=True)
class Finding:
    """What one batch of a column showed that its category cannot stand (never a value).

    ``counts``: values of the batch each detector matched; ``first``: index in the batch of
    the first value that showed it.
    """

    category: ColumnCategory
    reason: str
    first: int
    counts: tuple[tuple[str, int], ...] = ()


class ColumnWatch:
    """Every value of one column stored in clear, batch by batch, during an ingest.

    :meth:`scan` returns a :class:`Finding` when a batch shows that the column must be
    sealed: an identifier in any value (-> direct identifier, or free text when those
    values read as prose); a value that is no longer a flag or a code when the category
    relied on that (-> ``otherwise``); for text columns, values that read as prose on
    average over the column so far, or one value long enough to be a note (-> free text).
    """

    def __init__(
        self,
        column: str,
        *,
        text: bool,
        holds_while: HoldsWhile | None = None,
        otherwise: ColumnCategory | None = None,
    ) -> None:
        self.column = column
        self.text = text
        self.holds_while = holds_while
        self.otherwise = otherwise
        self._clean: set[bytes] = set()
        self._distinct: set[str] = set()
        self.values = self.chars = self.words = 0

    def scan(self, values: Sequence[Any]) -> Finding | None:
        distinct, plain = _distinct_texts(values)
        if not distinct:
            return None
        hits = detect(distinct, self._clean)
        if hits:
            return self._identifiers(values, hits, plain)
        if self.holds_while is not None and self.otherwise is not None:
            broken = self._holds(distinct)
            if broken is not None:
                return Finding(
                    self.otherwise,
                    f"has values other than {HOLDS_WHILE_TEXT[self.holds_while]} "
                    f"(its name makes it {self.otherwise.value})",
                    _first(values, {broken}),
                )
        if self.text:
            return self._prose(values, distinct, plain)
        return None

    def _identifiers(self, values: Sequence[Any], hits: Mapping[str, set[str]], plain: bool) -> Finding:
        matched = set().union(*hits.values())
        texts = _texts(values, plain)
        counts = tuple(
            (d.name, sum(1 for t in texts if t in hits[d.name])) for d in DETECTORS if d.name in hits
        )
        labels = ", ".join(f"{n} {DETECTOR_BY_NAME[d].label}" for d, n in counts)
        found = [t for t in matched if t]
        category = ColumnCategory.FREE_TEXT if is_free_text(found) else ColumnCategory.DIRECT_IDENTIFIER
        what = "is free text holding" if category is ColumnCategory.FREE_TEXT else "holds"
        return Finding(category, f"{what} {labels}", _first(values, matched), counts)

    def _holds(self, distinct: set[str]) -> str | None:
        """A value that breaks the flags/codes the category relied on, if any."""
        if self.holds_while == "flags":
            for v in distinct:
                if v.strip().lower() not in FLAG_VALUES:
                    return v
            self._distinct.update(v.strip().lower() for v in distinct)
            if len(self._distinct) > FLAG_MAX_DISTINCT:
                return next(iter(distinct))
            return None
        for v in distinct:
            if not is_code(v.strip()):
                return v
        new = distinct - self._distinct
        self._distinct |= new
        if len(self._distinct) > CODE_MAX_DISTINCT:
            return next(iter(new))
        return None

    def _prose(self, values: Sequence[Any], distinct: set[str], plain: bool) -> Finding | None:
        longest = max(map(len, distinct))
        if longest >= PROSE_VALUE_CHARS:
            for v in distinct:
                if len(v) >= PROSE_VALUE_CHARS and len(v.split()) >= PROSE_VALUE_WORDS:
                    return Finding(
                        ColumnCategory.FREE_TEXT, "has a value that reads as free text", _first(values, {v})
                    )
        strs = _texts(values, plain)
        n = len(strs)
        chars = sum(map(len, strs))
        self.values += n
        self.chars += chars
        if longest >= FREE_TEXT_MIN_CHARS:
            self.words += sum(map(str.count, strs, repeat(" "))) + n  # words ~ spaces + 1
        else:  # short values only: an upper bound (a word and a space take 2 characters) will do
            self.words += (chars + n) // 2
        if (
            self.values
            and self.chars >= FREE_TEXT_MIN_CHARS * self.values
            and self.words >= FREE_TEXT_MIN_WORDS * self.values
        ):
            return Finding(
                ColumnCategory.FREE_TEXT,
                f"reads as free text (on average {self.chars // self.values} characters a value)",
                _first(values, {v for v in distinct if len(v) >= FREE_TEXT_MIN_CHARS} or distinct),
            )
        return None


def _texts(values: Sequence[Any], plain: bool) -> list[str]:
    """Every non-empty value as text, in order (``plain``: they are all strings or None)."""
    if plain:
        return list(filter(None, values))
    return [v if type(v) is str else as_text(v) for v in values if v is not None and v != ""]


def _first(values: Sequence[Any], wanted: set[str]) -> int:
    for i, v in enumerate(values):
        if v is None:
            continue
        if (v if type(v) is str else as_text(v)) in wanted:
            return i
    return 0


def _distinct_texts(values: Iterable[Any]) -> tuple[set[str], bool]:
    """The distinct non-empty values as text (numbers, dates and nested values as stored),
    and whether every value was a string or missing (as in a CSV file)."""
    try:
        distinct = set(values)
    except TypeError:  # lists or dicts (Parquet): compare them as text
        distinct = {v if isinstance(v, str) else as_text(v) for v in values if v is not None}
        distinct.discard("")
        return distinct, False
    distinct.discard(None)
    distinct.discard("")
    if set(map(type, distinct)) - {str}:
        return {v if type(v) is str else as_text(v) for v in distinct}, False
    return distinct, True
