"""Names listed beside a found organisation (the post-processor ``body_lists``).

A list of three names or more, written with commas ("Zorblet, Applied Kinetics, Nextora and
Lantern", "Quill Fabrics, Marrow Depot, Walmart, and Tinder Hall"), lists things of one kind:
the writer coordinates peers. Where the rules or NER found one item as an organisation and no
item as a person or a place, the other items are organisations too, however ordinary their
words ("Applied Kinetics", "Tinder Hall") or unknown their name ("Zorblet"): nothing but
the list says what they are, and the list says it.

A list is read on one line, each item one to four capitalised words (maybe joined by "of",
"for", "on" or "&"), the last maybe after "and", "or" or "&". A line whose words outside the
list are all capitalised or small is a heading in Title Case ("2.1. Economics, Property Rights,
and Credibility of the State"): its items are capitalised by the style, not as names, and are
left alone, unless two items are found organisations (a line that lists bodies: "Terminal 2:
Nextora Air, Quill Airways, Brightwing"). A mixed list (a person or a place among the items)
says nothing of the others. An ordinary word opening a sentence before a comma is no item
("However, Google, Apple and Bing"), nor is a role ("Head of Sales, Morrow & Quill ApS").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate, PostProcessor
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.legal_forms import legal_forms
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["BODY_LISTS", "body_lists", "listed_bodies"]

BODY_LISTS = "body_lists"
#: a listed name's score: passes the default floor (0.5), below the found spans it joins
LISTED_SCORE = 0.55
# Found spans this sure or surer say what the list holds (the default floor).
_SOURCE_SCORE = 0.5
# A capitalised word: "Applied", "JetBlue", "Yahoo!", "Inc.", "AT&T".
_WORD = r"[A-Z][\w'\u2019.!&-]{0,40}"
# An item: one to four such words, a small word maybe between two of them ("Bank of Ireland").
_ITEM = rf"{_WORD}(?: (?:of |for |on |& )?{_WORD}){{0,3}}"
_SEPARATOR = re.compile(r",? (?:and|or|&) |, ")
# Three items or more: two commas at least, or a comma and a closing "and", "or" or "&". Each
# part matches one way only (a word's characters exclude the separators): linear time.
_LIST = re.compile(
    rf"(?<![\w'\u2019.&-])({_ITEM})(?:, {_ITEM})+(?:,? (?:and|or|&) {_ITEM})?(?![\w'\u2019&-])"
)
# The small words a heading in Title Case leaves in lower case.
_HEADING_SMALL = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)
_LOWER_WORD = re.compile(r"(?<![\w'\u2019-])([a-z][\w'\u2019-]*)")
_LINE_REACH = 200
# First words of a role, which a signature or a byline lists before the firm ("Head of Sales,
# Morrow & Quill ApS"): no item is a body that starts so.
_ROLES = wordset(
    "Head Chief Director Manager Officer President Vice VP CEO CFO CTO COO Founder Owner Senior Junior"
)
_PEOPLE_AND_PLACES = frozenset({EntityType.PERSON, EntityType.LOCATION})


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of the list ``text[start:end]``: the parts between its separators, less a
    full stop ending the last ("Walmart."), a legal form after a comma kept with its firm."""
    items: list[tuple[int, int]] = []
    at = start
    for separator in _SEPARATOR.finditer(text, start, end):
        items.append((at, separator.start()))
        at = separator.end()
    items.append((at, end - 1 if text[end - 1] == "." else end))
    merged: list[tuple[int, int]] = []
    for item_start, item_end in items:
        if merged and text[item_start:item_end].rstrip(".") in legal_forms():
            merged[-1] = (merged[-1][0], item_end)  # "Quill, Inc.": a firm and its legal form
        else:
            merged.append((item_start, item_end))
    return merged


def _in_a_heading(text: str, start: int, end: int) -> bool:
    """The line around ``text[start:end]`` writes no lower-case word outside it but small ones."""
    # the line, as far as _LINE_REACH either side (a search to the text's ends for each list
    # would take quadratic time on a text of many lists and no line break)
    line_start = text.rfind("\n", max(0, start - _LINE_REACH), start) + 1 or max(0, start - _LINE_REACH)
    line_end = text.find("\n", end, end + _LINE_REACH)
    line_end = min(len(text), end + _LINE_REACH) if line_end == -1 else line_end
    for part_start, part_end in ((line_start, start), (end, line_end)):
        for match in _LOWER_WORD.finditer(text, part_start, part_end):
            if match.group(1) not in _HEADING_SMALL:
                return False
    return True


def _opens_a_sentence(text: str, start: int) -> bool:
    """``text[start]`` starts a line or follows the end of a sentence."""
    before = text[max(0, start - 3) : start].rstrip(" \t")
    return not before or before[-1] in '.!?:\n"\u201c'


def _a_name(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` may be a listed name: no word that opens any sentence ("The", "I"), no
    ordinary word opening this one ("However")."""
    value = text[start:end]
    if value in COMMON_CAPITALISED or value.split()[0] in _ROLES:
        return False
    return " " in value or not (_opens_a_sentence(text, start) and is_ordinary_word(value))


def listed_bodies(text: str, resolved: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """The items of each list in ``text`` that lists a found organisation and no person or
    place, those the resolution left unfound, at :data:`LISTED_SCORE` (see the module's
    docstring)."""
    if ", " not in text:
        return
    spans = sorted((start, end, found) for start, end, found, score, _ in resolved if score >= _SOURCE_SCORE)
    if not spans:
        return
    starts = [start for start, _, _ in spans]
    longest = max(end - start for start, end, _ in spans)
    for match in _LIST.finditer(text):
        items = _items(text, match.start(), match.end())
        if len(items) < 3:
            continue
        kinds: list[set[str]] = []
        bodies: set[tuple[int, int]] = set()  # the found organisations, each once ("Jensen & Son")
        for start, end in items:
            low = bisect_left(starts, start - longest)
            overlapping = [
                (s, e, found)
                for s, e, found in spans[low : bisect_left(starts, end)]
                if s < end and start < e
            ]
            kinds.append({found for _, _, found in overlapping})
            bodies.update((s, e) for s, e, found in overlapping if found == EntityType.ORGANIZATION)
        if not any(EntityType.ORGANIZATION in found for found in kinds):
            continue
        if any(found & _PEOPLE_AND_PLACES for found in kinds):
            continue
        if len(bodies) < 2 and _in_a_heading(text, match.start(), match.end()):
            continue
        for (start, end), found in zip(items, kinds, strict=True):
            if not found and _a_name(text, start, end):
                yield start, end, LISTED_SCORE


def body_lists() -> PostProcessor:
    return PostProcessor(
        name=BODY_LISTS,
        entity_type=EntityType.ORGANIZATION,
        stage="resolved",
        derive=listed_bodies,
        description="names listed with commas beside a found organisation, no person or place among them",
    )
