"""Penalty terms that :mod:`.penalty_terms` does not anchor on a penal noun: the length of a
sentence written before the word "sentence" ("a 12 year sentence", "his two-year sentence"),
after a sentence that is changed "to" it ("reduced the sentence to the order of 14 years"),
after a verb of confinement ("imprisoned for eight months", "was detained for ten days"), with
a disciplinary qualifier ("28 days' military detention"), as the length a detention "lasted"
("their detention in police custody lasted eight days"), the punitive part of a life sentence
("the tariff ... was set at 8 years"), and every term of a sentencing that names several people
or offences ("sentenced A to life, B to twelve years and six months and C to five years'
imprisonment", "sentences of three years' imprisonment for X and of one year for Y":
:mod:`.penalty_terms` reads the first term only).

As there, only the duration is the span, never the noun, and a duration with no penal word
beside it ("for 10 days", "a 3-year warranty", "two years later") is no penalty term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# the durations :mod:`.penalty_terms` reads ("three years and four months", "one and a half years")
from veil.pii.recognizers.penalty_terms import _DURATION as DURATION

__all__ = ["penalty_phrases"]

_END = r"(?![\w-])"
_PATTERNS = (
    # "a 12 year sentence", "his two-year prison sentence", "the six-month suspended sentence"
    re.compile(
        rf"(?<![\w.,'\u2019-])(?P<term>{DURATION})[\s-]+(?:(?:prison|custodial|suspended|jail)\s+)?sentences?\b"
    ),
    # "reduced the sentence to the order of 14 years", "commuted the sentence to 10 years"
    re.compile(
        rf"\bsentences?\s+to\s+(?:(?:the\s+order|a\s+term|a\s+period)\s+of\s+)?(?P<term>{DURATION}){_END}"
    ),
    # "imprisoned for eight months", "was detained for a period of ten days"
    re.compile(
        rf"\b(?:[Ii]mprisoned|[Jj]ailed|[Dd]etained|[Ii]ncarcerated|[Ii]nterned)\s+for\s+"
        rf"(?:(?:a|an|the)\s+(?:term|period)\s+of\s+)?(?P<term>{DURATION}){_END}"
    ),
    # "28 days' military detention", "ten days' disciplinary confinement"
    re.compile(
        rf"(?<![\w.,'\u2019-])(?P<term>{DURATION})(?:['\u2019]s?)?\s+"
        r"(?:military|disciplinary|administrative|preventive|solitary|police)\s+"
        r"(?:detention|custody|arrest|confinement|imprisonment)\b"
    ),
    # "their detention in police custody lasted eight days"
    re.compile(
        rf"\b(?:detention|custody|imprisonment|incarceration)(?:\s+[\w'\u2019-]+){{0,3}}?\s+lasted\s+"
        rf"(?:(?:for|about|nearly|almost|over|some)\s+)?(?P<term>{DURATION}){_END}"
    ),
)
# "the tariff was set at 8 years", "a tariff of 15 years": within its clause
_TARIFF = re.compile(rf"\btariff\b[^.;\n]{{0,100}}?\b(?:at|of)\s+(?P<term>{DURATION}){_END}")
# Words whose absence rules every pattern out (most texts hold none of them).
_GATE = (
    "entence",
    "mprison",
    "ailed",
    "etain",
    "etention",
    "ncarcer",
    "nterned",
    "ustody",
    "onfinement",
    "rrest",
    "ariff",
)
# Per pattern (in the order of _PATTERNS, then _TARIFF): literal words each match must contain, so
# a pattern is not run over a long judgment that only passed the shared gate for another pattern
# (a judgment of detention reads "detained" everywhere but rarely "tariff"; measured on tab_echr_dev
# 0.80 -> 0.57 ms a document, same spans). Written out, not read by regex_needs.needed_strings: for
# the verbs of confinement and the disciplinary qualifiers it finds only "for" and "i" (each verb's
# two spellings, "[Ii]mprisoned", make too many to keep); the other four it reads the same.
_PATTERN_GATES: tuple[tuple[str, ...], ...] = (
    ("entence",),
    ("entence",),
    ("mprisoned", "ailed", "etained", "ncarcerated", "nterned"),
    ("military", "disciplinary", "administrative", "preventive", "solitary", "police"),
    ("lasted",),
    ("tariff",),
)
# A sentencing that names several people or offences: each "... to <term>" or "and of <term>" up
# to the end of its sentence.
_SENTENCED = re.compile(r"\b[Ss]entenced\b|\b[Ss]entences\s+of\b")
_TO_TERM = re.compile(rf"\b(?:to|(?:and|or)\s+of)\s+(?P<term>{DURATION}){_END}")
_CLAUSE_END = re.compile(r"\.(?:\s|$)|;|\n")
_REACH = 300  # characters read after "sentenced" for its terms


def penalty_phrases(text: str) -> Iterator[tuple[int, int, float]]:
    """The penalty terms described above, each as (start, end, score)."""
    if not any(word in text for word in _GATE):
        return
    found: set[tuple[int, int]] = set()
    for pattern, gate in zip((*_PATTERNS, _TARIFF), _PATTERN_GATES, strict=True):
        if any(word in text for word in gate):
            found.update(match.span("term") for match in pattern.finditer(text))
    for match in _SENTENCED.finditer(text):
        clause_end = _CLAUSE_END.search(text, match.end(), match.end() + _REACH)
        stop = clause_end.start() if clause_end is not None else min(len(text), match.end() + _REACH)
        found.update(term.span("term") for term in _TO_TERM.finditer(text, match.end(), stop))
    for start, end in sorted(found):
        yield start, end, 0.75
