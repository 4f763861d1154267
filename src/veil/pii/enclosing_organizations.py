"""Organisations named around a place or a body the rules found: "Team Estonia", "UC Berkeley",
"BBC News", "the British Red Cross", "Tulsa Transit".

The rules find the place ("Estonia") or the known body ("BBC", "Red Cross") inside such a name
with a higher score than spaCy's ORG span around it (0.55), so the inner span won and the rest of
the name ("Team", "News", "British") leaked. When the NER span is an organisation by its shape
(:func:`encloses`: a place or a body plus capitalised words of the same name, nothing that joins
two names), the outer span takes the best score of what it holds, so that the longer one wins
the resolution (:func:`veil.pii.resolution.greedy`: at equal scores the longer span wins).
:mod:`veil.pii.focus` lets NER read such a place or body with the capitalised word beside it.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from veil.pii.data import FIRST_NAMES, known_places, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.common import wordset

__all__ = ["NER_ORGANIZATION", "SETTLED", "enclose", "encloses", "in_a_longer_name"]

#: the recognizer of spaCy's ORG spans (:mod:`veil.pii.recognizers.organizations`)
NER_ORGANIZATION = "spacy_organization"
#: a name, place or organisation the rules found with at least this score: NER does not read it
#: again (:mod:`veil.pii.focus`), except to find an organisation around it
SETTLED = 0.75
_INNER_TYPES = frozenset({EntityType.LOCATION, EntityType.ORGANIZATION})
# Words that join the parts of one name: "University of Texas", "Globe and Mail".
_CONNECTORS = wordset("of the for and & de du la le del der von van y")
# What joins two names or ends a clause, never one organisation's name: "Paris, Texas".
_SEPARATOR = re.compile(r"[,;:()\[\]\"\n/]|\s-\s")
# A word of a name: capitalised or in capitals ("Team", "UC", "Triple-A"), an ordinal with
# digits ("501st"); not a sentence's function word that NER glued on ("In Estonia").
_NAME_WORD = re.compile(r"(?:[A-Z][\w'\u2019.&-]*|\d+(?:st|nd|rd|th))")
_JOINS = wordset("and &")
# Kinds of road, building and natural place: the span names a place, not a body.
_FACILITY_KINDS = wordset(
    """
    Road Roads Street Avenue Lane Drive Boulevard Highway Motorway Freeway Way Square Bridge Park Station
    Airport Terminal Stadium Arena Mountains Mountain River Lake Island Islands Bay Valley Beach Springs
    """
)
_FUNCTION_WORDS = wordset(
    """
    The A An This That These Those It Its In On At To For With From By As And Or But If Of Is Are Was
    Were His Her Their Our My Your When Then After Before During Since Mr Mrs Ms Dr
    """
)


# A capitalised word right before or after a place or a body, with one blank between: the two may
# make one organisation's name ("Team Estonia", "BBC News", "British Red Cross"). Not a sentence's
# function word ("In Estonia", "The BBC").
_WORD_BEFORE = re.compile(r"(?:^|[\s\"'(])([A-Z][\w'\u2019.&-]*) $")
_WORD_AFTER = re.compile(r" ([A-Z][\w'\u2019&-]*)")
# What joins several names in one span: a comma, "and", "&", a line break.
_JOINED = re.compile(r"[,&\n]| and | und | et | e | y ")


def in_a_longer_name(text: str, start: int, end: int, kind: str) -> bool:
    """A place or a body the rules found with a capitalised word beside it: :mod:`veil.pii.focus`
    lets NER read it, so that NER can find the organisation around it (:func:`enclose`)."""
    if kind not in _INNER_TYPES or end - start > 40 or _JOINED.search(text, start, end):
        return False  # a partnership or a list ("Jones, Smith and Davis"): NER would only cut it up
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is not None and before.group(1) in load_list(FIRST_NAMES):
        return False  # "Don Cheadle": a person whose family name is a place's, for the person finders
    for match in (before, _WORD_AFTER.match(text, end)):
        if match is None:
            continue
        word = match.group(1).rstrip(".")
        if word not in _FUNCTION_WORDS and not (len(word) > 3 and word.isupper()):
            return True  # not a line's label in capitals: "CARD PAYMENT Lachmann AG"
    return False


def encloses(text: str, start: int, end: int, inner: list[tuple[int, int, str]]) -> bool:
    """Whether ``text[start:end]`` (an NER organisation) is one organisation's name around the
    rule spans ``inner`` ((start, end, type) inside it): no separator, every other word a
    connector or a capitalised word of a name, at least one such word, and around a place no
    other place ("Cleveland Ohio" names two places, not a body)."""
    if _SEPARATOR.search(text, start, end):
        return False
    rest = list(text[start:end])
    for i_start, i_end, _ in inner:
        for i in range(i_start - start, i_end - start):
            rest[i] = " "
    extra = "".join(rest).split()
    if any(w.lower() in _JOINS for w in extra):
        return False  # "Central Station and Priest & Washington": two names joined
    named = [w for w in extra if w.lower() not in _CONNECTORS]
    if not named or named[-1] in _FACILITY_KINDS:
        return False  # "York Outer Ring Road": a road or a building named by its kind, no body
    if not all(_NAME_WORD.fullmatch(w) and w not in _FUNCTION_WORDS for w in named):
        return False
    if any(len(w) > 3 and w.isupper() for w in named):
        return False  # a line's label in capitals: "CARD PAYMENT Lachmann AG"
    if any(kind == EntityType.LOCATION for _, _, kind in inner):
        places = known_places()
        return not any(w.strip(".") in places for w in named)
    return True


def enclose(text: str, rules: list[Candidate], ner: list[Candidate]) -> list[Candidate]:
    """``ner`` with each NER organisation that encloses rule places or bodies (:func:`encloses`)
    scored as the best of them, so that the whole name wins over its part; no rule person
    overlaps it ("Dean Kamen" is a person whose family name is a place's). Any other NER span
    over a settled place or body is dropped: NER reads those only to find the organisation
    around them (:mod:`veil.pii.focus`), and would otherwise cut them up ("Wikimedia Maps" as a
    person)."""
    inner = [c for c in rules if c[2] in _INNER_TYPES]
    if not inner:
        return ner
    people = _Spans([c for c in rules if c[2] == EntityType.PERSON])
    # the settled ones NER read again (the others it saw blanked: a span across a blank is its own)
    settled = _Spans([c for c in inner if c[3] >= SETTLED and in_a_longer_name(text, c[0], c[1], c[2])])
    # sorted by start, so that each NER span looks only at the rule spans that start inside it and
    # asks "does any overlap?" of a running maximum of ends: linear in the spans, not their product
    # (a text of thousands of places and NER spans took quadratic time here)
    inner.sort(key=lambda c: (c[0], c[1]))
    inner_starts = [c[0] for c in inner]
    out: list[Candidate] = []
    for candidate in ner:
        start, end, kind, score, name = candidate
        held = []
        for c in inner[bisect_left(inner_starts, start) :]:
            if c[0] >= end:
                break
            if c[1] <= end and c[1] - c[0] < end - start:
                held.append(c)
        best = max((c[3] for c in held), default=0.0)
        if (
            name == NER_ORGANIZATION
            and best > score
            and not people.overlaps(start, end)
            and encloses(text, start, end, [(c[0], c[1], c[2]) for c in held])
        ):
            out.append((start, end, kind, best, name))
        elif not settled.overlaps(start, end):
            out.append(candidate)
    return out


class _Spans:
    """Spans sorted by start with the running maximum of their ends: whether any overlaps
    ``[start, end)`` in logarithmic time."""

    def __init__(self, spans: list[Candidate]) -> None:
        ordered = sorted((c[0], c[1]) for c in spans)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        top = -1
        for _, e in ordered:
            top = max(top, e)
            self.max_end.append(top)

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # the spans that start before ``end``
        return before > 0 and self.max_end[before - 1] > start
