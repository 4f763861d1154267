"""Countries written as their abbreviations: "the UK", "U.S. troops", "the USA", "the UAE".

No gazetteer finds them: the place lists hold names, spaCy's small model often leaves an
abbreviation untyped, and the NER filter (:mod:`veil.pii.ner_spans`) reads "US" as the pronoun
"us". An abbreviation in capitals is the country unless the text around it is in capitals too
("CONTACT US", "ABOUT US TODAY": a heading or a shout, where "US" is the pronoun), or it is glued
to code, a locale or a number ("en-US", "en_US", "US-ASCII", "USB", "US$", "1USD").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["country_abbreviations"]

# Countries' abbreviations in running English, dotted and not. Not two-letter ISO codes in
# general ("IN", "IT", "DE", "NO" are words or other abbreviations), only those English writes
# for the country itself (and a few English writes for a city or a state: "NYC", "NSW").
_ABBREVIATION = re.compile(
    r"U(?<![\w.\-/$\u00a3\u20ac]U)(?:\.S\.S\.R\.|\.S\.(?:A\.)?|\.K\.|\.A\.E\.|SSR|SA|S|K|AE"
    # the last dot dropped, as casual text does: "moved to the U.S in 1990", "the U.K, France"
    r"|\.[SK](?=[ \t\n,;:)!?]|$))"
    r"|PRC(?<![\w.\-/]PRC)|DPRK(?<![\w.\-/]DPRK)"
    # places English names by an abbreviation of no other common sense: New Zealand, New York City,
    # New South Wales, Queensland
    r"|NZ(?<![\w.\-/]NZ)|NYC(?<![\w.\-/]NYC)|NSW(?<![\w.\-/]NSW)|QLD(?<![\w.\-/]QLD)"
)
# what may not follow: a letter, a digit or a joiner of codes; "US$" and "NZ $" are currencies
_NOT_AFTER = re.compile(r"[\w\-/$\u00a3\u20ac]|\.[\w]|[ \t]\$")
# a word in capitals of two letters or more: "CONTACT", "ABOUT"
_CAPS_WORD = re.compile(r"[A-Z]{2,}")
# The first word of a country's body named after it ("the U.S. Department of Agriculture", "the US
# Census Bureau", "the UK Home Office"): the abbreviation is part of that organisation's name.
_BODY_AFTER = re.compile(
    r"[ \t]+(?:[A-Z][a-z]+[ \t]+){0,3}(?:Department|Agency|Bureau|Army|Navy|Air[ \t]+Force|Marines?|Congress"
    r"|Senate|House|Court|Office|Service|Administration|Embassy|Government|Commission|Committee|Council"
    r"|Coast[ \t]+Guard|Mint|Treasury|Parliament|Ministry|Institute|Corps)(?![\w'\u2019-])"
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]*[,:;]?[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]*[,:;]?[ \t]+([A-Za-z]+)")


def country_abbreviations(text: str) -> Iterator[tuple[int, int]]:
    """Spans of countries' abbreviations (see the module docstring) in ``text``."""
    for match in _ABBREVIATION.finditer(text):
        start, end = match.span()
        if _NOT_AFTER.match(text, end):
            continue
        if _in_capitals(text, start, end) or _BODY_AFTER.match(text, end):
            continue
        yield start, end


def _in_capitals(text: str, start: int, end: int) -> bool:
    """A word in capitals right before or after: a heading or a shout ("CONTACT US")."""
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    after = _WORD_AFTER.match(text, end)
    return any(
        m is not None and _CAPS_WORD.fullmatch(m.group(1)) is not None and m.group(1) != "I"
        for m in (before, after)
    )
