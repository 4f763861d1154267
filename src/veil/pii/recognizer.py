"""What a detector is: :class:`Recognizer` (with its :class:`Pattern` s) and :class:`PostProcessor`.

A :class:`Recognizer` names an entity type and says how candidates are found — regex
:class:`Pattern` s with base scores, a literal deny list, spaCy NER labels, or a
``finder`` function for the few families that need code (phone numbers, gazetteers) —
and how they are judged: an optional ``validate(text) -> bool`` hook (checksums) and
context words that raise (``context``) or lower (``negative_context``) the score when
they occur near the match.

Scoring, applied by the engine to every candidate::

    score = base (+ context_boost if a context word is near) (- negative_penalty if a
            negative context word is near), clamped to [0, 1]

and a candidate is kept when ``score >= PiiConfig.min_score`` (0.5 by default). A pattern
with a base score below the threshold therefore only fires with positive context.

A regex may mark the entity inside a longer match with a named group ``pii``, e.g.
``r"\\bDr\\.? (?P<pii>[A-Z][a-z]+)"`` reports only the name.

A :class:`PostProcessor` derives further spans of one type from what the recognizers
found: the town after a street address, further mentions of a person's name. Like a
recognizer it has a name, which every entity it produces carries, and it lives in the
:class:`~veil.pii.registry.RecognizerRegistry`, so configuration can list and disable it.

These are plain data; :mod:`veil.pii.registry` holds them and :mod:`veil.pii.engine` runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from veil.errors import ConfigError
from veil.pii.regex_needs import starts_with

__all__ = [
    "Candidate",
    "Deriver",
    "Finder",
    "Pattern",
    "PostProcessor",
    "Recognizer",
    "Stage",
    "Validator",
]

Validator = Callable[[str], bool]
"""``validate(matched_text) -> bool``: False drops the candidate (e.g. a failed checksum)."""

Finder = Callable[[str], Iterable[tuple[int, int, float]]]
"""``finder(text) -> (start, end, base_score)`` candidates, for recognizers that need code."""

_NAME_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression with the base score of what it matches.

    ``lead``, when given, is the start of ``regex`` written the same (one group or alternation,
    e.g. the month names of several date patterns): the engine looks for it once per text for all
    the patterns of a recognizer that start with it, and tries them only where it matches,
    instead of scanning the text once per pattern. Output is the same either way.
    """

    regex: str
    score: float
    name: str = ""
    lead: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ConfigError(f"pattern {self.name or '(unnamed)'}: score must be between 0 and 1")
        try:
            re.compile(self.regex)
        except re.error as exc:
            raise ConfigError(
                f"pattern {self.name or '(unnamed)'} is not a valid regular expression: {exc.msg}"
            ) from None
        if self.lead and not starts_with(self.regex, self.lead):
            raise ConfigError(
                f"pattern {self.name or '(unnamed)'}: its lead must be its first group or alternation, "
                "written the same, not repeated, matching at least one character"
            )

    def __repr__(self) -> str:  # the regex may hold personal data (a deny list)
        return f"Pattern(name={self.name!r}, score={self.score})"


@dataclass(frozen=True, slots=True, eq=False)
class Recognizer:
    """One detector: an entity type, how to find candidates, how to judge them."""

    name: str
    entity_type: str
    patterns: tuple[Pattern, ...] = ()
    deny_list: tuple[str, ...] = field(default=(), repr=False)
    deny_score: float = 0.9
    ner_labels: tuple[str, ...] = ()
    ner_score: float = 0.85
    finder: Finder | None = field(default=None, repr=False)
    validate: Validator | None = field(default=None, repr=False)
    context: tuple[str, ...] = ()
    negative_context: tuple[str, ...] = ()
    context_boost: float = 0.35
    negative_penalty: float = 0.45
    window_before: int = 48  # characters searched for context words before a match
    window_after: int = 24  # ... and after it
    negative_window_after: int | None = 12  # after-window for negative context (None: window_after)

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ConfigError(
                f"a recognizer name must be 1-64 letters, digits or '_.:-' characters; got {self.name[:64]!r}"
            )
        if not self.entity_type or not re.fullmatch(r"[A-Z][A-Z0-9_]*", self.entity_type):
            raise ConfigError(
                f"recognizer {self.name}: entity type must be UPPER_SNAKE_CASE, e.g. EMPLOYEE_ID"
            )
        if not (self.patterns or self.deny_list or self.ner_labels or self.finder):
            raise ConfigError(
                f"recognizer {self.name} finds nothing: give it patterns, a deny_list, ner_labels or a finder"
            )
        for value in (self.deny_score, self.ner_score, self.context_boost, self.negative_penalty):
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"recognizer {self.name}: scores must be between 0 and 1")
        if self.window_before < 0 or self.window_after < 0 or (self.negative_window_after or 0) < 0:
            raise ConfigError(f"recognizer {self.name}: context windows must be >= 0")
        if any(not term.strip() for term in self.deny_list):
            raise ConfigError(f"recognizer {self.name}: deny_list entries must not be blank")

    def all_patterns(self) -> tuple[Pattern, ...]:
        """The regex patterns plus one pattern for the deny list (whole words, any case)."""
        if not self.deny_list:
            return self.patterns
        terms = sorted({t.strip() for t in self.deny_list}, key=lambda t: (-len(t), t))
        alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in terms)
        deny = Pattern(rf"(?i)(?<!\w)(?:{alternation})(?!\w)", self.deny_score, name="deny_list")
        return (*self.patterns, deny)

    def __repr__(self) -> str:
        return (
            f"Recognizer(name={self.name!r}, entity_type={self.entity_type!r}, "
            f"patterns={len(self.all_patterns())}, ner_labels={self.ner_labels!r}, "
            f"finder={self.finder is not None}, validate={self.validate is not None})"
        )


Candidate = tuple[int, int, str, float, str]
"""A span before overlaps are resolved: ``(start, end, entity type, score, detector name)``."""

Stage = Literal["rules", "resolved"]
"""When a post-processor runs: ``"rules"`` after the rule recognizers and before NER (what it
finds is blanked from NER's view like a rule's match); ``"resolved"`` after overlaps are
resolved (what it finds then competes with every candidate in a second resolution)."""

Deriver = Callable[[str, Sequence[Candidate]], Iterable[tuple[int, int, float]]]
"""``derive(text, candidates) -> (start, end, score)`` spans; the engine gives them the
post-processor's type and name."""


@dataclass(frozen=True, slots=True, eq=False)
class PostProcessor:
    """A named step that derives spans of ``entity_type`` from the candidates found so far.

    ``reads`` names the recognizers whose candidates it looks at (empty: every candidate); the
    engine skips it when none of them is active. It sees the rule candidates
    (``stage="rules"``) or the resolved ones (``stage="resolved"``).
    """

    name: str
    entity_type: str
    stage: Stage
    derive: Deriver = field(repr=False)
    reads: frozenset[str] = frozenset()
    description: str = ""

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ConfigError(
                "a post-processor name must be 1-64 letters, digits or '_.:-' characters; "
                f"got {self.name[:64]!r}"
            )
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", self.entity_type):
            raise ConfigError(f"post-processor {self.name}: entity type must be UPPER_SNAKE_CASE")
        if self.stage not in ("rules", "resolved"):
            raise ConfigError(f"post-processor {self.name}: stage must be 'rules' or 'resolved'")

    def __repr__(self) -> str:
        return (
            f"PostProcessor(name={self.name!r}, entity_type={self.entity_type!r}, stage={self.stage!r}, "
            f"reads={sorted(self.reads)!r})"
        )
