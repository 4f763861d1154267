"""Penalty terms: how long a person was sentenced, detained or ordered to work, reported as
DATE_TIME ("six years and three months' imprisonment", "40 hours of community service",
"sentenced him to two years").

A duration on its own is not a date and Veil does not report one (``dates.is_specific_date``
drops them): "for 10 days", "five years' leave to remain" or "a 3-year warranty" point at no
one. The length of a penalty does. Judgments and the press say who got how long, so the term,
with the offence and the court, narrows a conviction down to a few people; the Text
Anonymization Benchmark's annotators mark such terms as quasi-identifiers while leaving other
durations unmasked. A term is recognised by what makes it a penalty: the penal noun after it
("...' imprisonment", "... of community service"), the penal noun before it ("imprisonment for
..."), or the sentencing words before it ("sentenced ... to", "a sentence of"). Only the duration
is the span, never the noun.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["penalty_terms"]

_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORD_NUMBER = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(_UNITS)}))?"
    rf"|{'|'.join(_TEENS)}|nineteen|{'|'.join(_UNITS)}|a|an|half\s+a)"
)
_NUMBER = rf"(?:\d{{1,3}}(?:[.,]5)?|(?i:{_WORD_NUMBER}))"
# "5 additional days", "two consecutive years"
_COUNT_WORD = r"(?:(?:additional|further|consecutive|more|extra)\s+)?"
_ONE = rf"{_NUMBER}[\s-]+{_COUNT_WORD}(?:years?|months?|weeks?|days?|hours?)"
# "three years and four months", "2 years, 3 months and 10 days", "one and a half years"
_DURATION = rf"{_ONE}(?:(?:,\s*|,?\s+and\s+){_ONE})*(?:\s+and\s+a\s+half)?"
# words between a term and its penal noun: "two years' suspended imprisonment"
_QUALIFIER = (
    r"(?:(?:suspended|conditional|effective|actual|immediate|consecutive|concurrent|further|additional"
    r"|prison|custodial|jail|corrective|compulsory|unpaid)\s+)*"
)
# The penal nouns, as they are searched for in the lower-cased text (words a term may stand
# before, e.g. "suspended" or "prison", come from _QUALIFIER).
_NOUNS = (
    "imprisonment",
    "detention",
    "custody",
    "incarceration",
    "probation",
    "house arrest",
    "hard labour",
    "hard labor",
    "penal servitude",
    "community service",
    "corrective labour",
    "correctional labour",
    "unpaid work",
    "prison",
    "jail",
    "gaol",
)
_START = r"(?<![\w.,'\u2019-])"
# What stands between a term and the penal noun after it: "six years and three months'
# imprisonment", "40 hours of community service", "two years in prison", "a two-year prison
# sentence" (searched backwards from the noun: the pattern ends where the noun starts).
_BEFORE_NOUN = re.compile(
    rf"{_START}(?P<term>{_DURATION})(?:(?:['\u2019]s?)?\s+|\s+(?:of|in)\s+){_QUALIFIER}\Z"
)
# "imprisonment for six months", "detention for a period of 48 hours"
_AFTER_NOUN = re.compile(
    rf"\s+for\s+(?:(?:a|an|the)\s+(?:term|period)\s+of\s+)?(?P<term>{_DURATION})(?![\w-])"
)
# "sentenced him to two years", "was sentenced in absentia to 18 months", "a sentence of four years"
_AFTER_SENTENCE = re.compile(
    rf"[Ss]entence(?:d(?:\s+[\w'\u2019-]+){{0,6}}?\s+to|s?\s+of)\s+(?P<term>{_DURATION})(?![\w-])"
)
_REACH = 120  # characters searched before a penal noun for its term


def _word_at(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a whole word (not inside "imprisonments" or "prisoner")."""
    return (start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "-")) and (
        end == len(text) or not (text[end].isalnum() or text[end] == "-")
    )


# Each penal noun and sentencing word as written mid-sentence and at a sentence start.
_NOUN_FORMS = tuple(form for noun in _NOUNS for form in (noun, noun[0].upper() + noun[1:]))
_SENTENCE_FORMS = ("sentence", "Sentence")
# Inner parts of those words, in either case ("rison": "Prison", "imprisonment"): a text with none
# of them holds no penalty term, and is dismissed with a few substring searches.
_GATE = (
    *("rison", "etention", "ustod", "ncarcer", "robation", "ouse arrest", "ard labo", "ive labo", "nal labo"),
    "ervitude",
    *("unity service", "npaid work", "jail", "Jail", "gaol", "Gaol", "entence"),
)


def penalty_terms(text: str) -> Iterator[tuple[int, int, float]]:
    """The durations of penalties in ``text`` (see above), each as (start, end, score). The penal
    words are found first, with plain substring searches (most texts hold none; not on
    ``text.lower()``, whose length differs from the text's for some letters, "İ"), and the terms
    around them with patterns anchored there."""
    if not any(part in text for part in _GATE):
        return
    found: set[tuple[int, int]] = set()
    for form in _NOUN_FORMS:
        at = text.find(form)
        while at >= 0:
            if _word_at(text, at, at + len(form)):
                before = _BEFORE_NOUN.search(text, max(0, at - _REACH), at)
                if before is not None:
                    found.add(before.span("term"))
                after = _AFTER_NOUN.match(text, at + len(form))
                if after is not None:
                    found.add(after.span("term"))
            at = text.find(form, at + 1)
    for form in _SENTENCE_FORMS:  # "sentence of", "sentences of", "sentenced ... to"
        at = text.find(form)
        while at >= 0:
            match = _AFTER_SENTENCE.match(text, at) if at == 0 or not text[at - 1].isalnum() else None
            if match is not None:
                found.add(match.span("term"))
            at = text.find(form, at + 1)
    for start, end in sorted(found):
        yield start, end, 0.75
