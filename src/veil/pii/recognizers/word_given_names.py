"""A given name that is also a word, then a family name, where a person fits: "Hope Mills
called", "congrats to Will Young", "Sunny Park is our new intern" (0.75).

Read by :mod:`.person_context`. The pair counts after words said to or of people ("with", "by",
"thanks", ...) but not after a verb of going ("drove to Grace Hill"), or before a verb of people;
never with a known place's or an institution's head noun for family name ("Long Beach", "Rose
Garden", "Grace Church").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import LOWER, STREET_WORDS, UPPER, wordset
from veil.pii.recognizers.person_conjuncts import WORD_GIVEN_NAMES
from veil.pii.recognizers.person_verbs import PERSON_VERBS
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, ORG_SUFFIXES

__all__ = ["DETERMINER_BEFORE", "PLACE_HEADS", "word_given_names"]

# An article or a possessive before a word: no name follows ("the Board said").
DETERMINER_BEFORE = re.compile(
    r"(?i:\b(?:the|a|an|this|that|these|those|our|their|its|his|her|my|your|every|each|no|some|any))[ \t]+$"
)
_WORD_GIVEN_NAMES = AMBIGUOUS_FIRST_NAMES | WORD_GIVEN_NAMES
# Head nouns of places and institutions that are also family names ("Long Beach", "Rose Garden",
# "Grace Church", "Hope Street").
PLACE_HEADS = (
    STREET_WORDS - wordset("Hill Hills Mills Mill Park Parks Field Fields Brooks Wells Lane")
) | wordset(
    """
    Beach Garden Church Chapel Cathedral Abbey Hall Bay Valley Harbor Bridge Tower Castle Palace Theatre
    Theater Museum Gallery Library Stadium Arena Airport Station Market Farm Farms House Hotel Inn Lodge
    Academy School College University Hospital Clinic Center Centre Ministries Foundation Fund Group
    """
)
_PAIR = re.compile(
    rf"(?P<given>[{UPPER}](?<![\w'\u2019.@/-][{UPPER}])[{LOWER}]+)[ \t]"
    rf"(?P<family>[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?)"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
# Where a person fits: after a preposition or a greeting ...
_PERSON_BEFORE = re.compile(
    r"(?i:\b(?:with|by|to|from|and|for|congrats|congratulations|thanks|thank\s+you|dear|hi|hello|hey|cc"
    r"|ask|asked|tell|told|met|meet|meeting|call|email|emailed|ping|invite|invited|welcome|introducing)"
    r"[ \t]*[,:]?[ \t]+)$"
)
# Words said to or of people only, where a town's name is a person's too ("congrats to Hope Mills").
_GREETED_BEFORE = re.compile(
    r"(?i:\b(?:congrats|congratulations|thanks|thank\s+you|dear|hi|hello|hey|cc|ask|asked|tell|told|met|meet"
    r"|email|emailed|ping|invite|invited)(?:[ \t]+to)?[ \t]*[,:]?[ \t]+)$"
)
# ... but not after a verb of going, where a place fits ("drove to Grace Hill", "back from Long Beach").
_GOING_BEFORE = re.compile(
    r"(?i:\b(?:go|goes|went|gone|going|drive|drove|driving|fly|flew|flying|flight|travel\w*|move[ds]?|moving"
    r"|trip|way|road|route|train|bus|walk\w*|head\w*|return\w*|back|welcome|near|miles|km)"
    r"[ \t]+(?:to|from)[ \t]+)$"
)
# ... or before a verb of people.
_PERSON_AFTER = re.compile(
    rf"[ \t]+(?:{PERSON_VERBS}|called|phoned|rang|emailed|texted|joined|visited|arrived|signed|agreed"
    r"|thinks|wants"
    r"|needs|knows|loves|came|won|starred|sang|is[ \t]+(?:our|my|your|their|his|her|the[ \t]+new|a[ \t]+new)"
    r"|was[ \t]+(?:our|my|your|their|his|her)|has[ \t]+(?:joined|left|agreed|asked|been))(?![\w'\u2019-])"
    # ... or before what only a person has: "Will Young's album", "Sunny Park's desk"
    r"|['\u2019]s[ \t]+(?:wife|husband|son|daughter|mother|father|mum|mom|dad|brother|sister|partner|family"
    r"|friend|boss|desk|office|phone|email|birthday|wedding|funeral|album|novel|lawyer|doctor|signature"
    r"|resume|résumé|application|appeal|statement|testimony|death|life|career|car|house)(?![\w'\u2019-])"
)


def word_given_names(
    text: str, last: frozenset[str], towns: frozenset[str]
) -> Iterator[tuple[int, int, float]]:
    """A given name that is also a word, then a family name, where a person fits (see the
    module's docstring)."""
    for match in _PAIR.finditer(text):
        given, family = match.group("given"), match.group("family")
        if given not in _WORD_GIVEN_NAMES or family in PLACE_HEADS or family in ORG_SUFFIXES:
            continue
        if family not in last:
            continue
        start, end = match.span()
        before = text[max(0, start - 24) : start]
        if _PERSON_AFTER.match(text, end) is not None and DETERMINER_BEFORE.search(before) is None:
            yield start, end, 0.75  # a town does not call or say ("Hope Mills called")
        elif (
            _PERSON_BEFORE.search(before) is not None
            and _GOING_BEFORE.search(before) is None
            and (f"{given} {family}" not in towns or _GREETED_BEFORE.search(before) is not None)
        ):
            yield start, end, 0.75  # a town only after words said to people ("thanks to")
