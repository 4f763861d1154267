"""A found name lengthened into the "Family, Given" form registers and records write.

Payroll lists, class and patient registers, court lists, bibliographies and exports of HR
systems put the family name first, then a comma and the given names, at the start of a line or
a field, before the rest of the record:

    Salmela, Terhi - personnummer 811218-9876
    Employee: Okonkwo-Bell, Adaeze Ngozi (night shift)
    3. Virtanen, Juha: 4 days

A finder that reads one of the two parts as a person (the family name after the line's start, a
known given name) leaves the other in clear, and the benchmark's reading of the whole name as one
person counts it as missed. :func:`inverted` lengthens a found one-word person over the other
part when the pair stands where a record's name stands:

* the pair opens a line or a field: the line's start (after a list number or bullet), or a
  label's colon, a tab or a table's bar before it;
* it is followed by a record's separator: a dash between spaces, a colon, a semicolon, an
  opening bracket, a tab, a bar, a comma and a digit, or the line's end;
* the other part is one or two capitalised words of a name's shape, none an ordinary English
  word, a place or a street word unless a name list knows it as a given or family name.

NER reads many such names as a town or a firm ("Timonen" LOCATION, "Sari" ORGANIZATION): a found
one-word place or body is lengthened the same way (and so read as the person it is), and a pair
that opens a line before a dash, a tab or a bar is taken by its shape alone when both parts pass
the last test ("Paris, France - 3 nights" does not: both are places).

Lists of family names ("Smith, Jones and Brown") do not match: "and" follows the pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_list
from veil.pii.recognizers.common import NAME_WORD, STREET_WORDS
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["inverted"]

_HYPHENED = rf"{NAME_WORD}(?:-{NAME_WORD})?"  # "Okonkwo-Bell"
_WORD = re.compile(_HYPHENED)
# where a record's name field opens: the line's start (after "3.", "-", "*" or "•"), or a
# label's colon, a tab or a table's bar
_OPENS = re.compile(r"(?:^|\n)[ \t]*(?:(?:\d{1,3}[.)]|[-*•])[ \t]+)?$|(?::|\t|\|)[ \t]*$")
# what follows the given names in a record
_CLOSES = re.compile(r"[ \t]+[-–—][ \t]|[ \t]*[:;(\t|]|,[ \t]*\d|[ \t]*(?:\n|$)")
_GIVEN = re.compile(rf",[ \t]*({_HYPHENED}(?: {NAME_WORD})?)")
_REACH = 40  # characters read before a name for the field's opening


@cache
def _names() -> frozenset[str]:
    return load_list(FIRST_NAMES) | load_list(LAST_NAMES)


def _name_part(word: str) -> bool:
    """A capitalised word (or two joined by a hyphen) that may be a given or family name: no place
    or street word (a place that is also a given name, "Paris", is left: "Paris, France - 3
    nights"), and no ordinary English word unless a name list knows it."""
    parts = word.split("-")
    if any(p in known_places() or p in STREET_WORDS for p in parts):
        return False
    return all(p in _names() or not is_ordinary_word(p) for p in parts)


# a "Family, Given" pair that a line opens with and a dash, a tab or a bar closes, found by its
# shape alone (each part a name's shape, neither a word nor a place)
_LINE_PAIR = re.compile(
    rf"(?:^|(?<=\n))[ \t]*(?:(?:\d{{1,3}}[.)]|[-*•])[ \t]+)?"
    rf"(?P<pair>({_HYPHENED}),[ \t]*({_HYPHENED}(?: {NAME_WORD})?))"
    r"(?=[ \t]+[-–—][ \t]|[ \t]*[\t|])"
)
_SHAPE_SCORE = 0.7


def inverted(
    text: str,
    people: Sequence[tuple[int, int, float]],
    not_alone: frozenset[str],
    named: Sequence[tuple[int, int, float]] = (),
) -> Iterator[tuple[int, int, float]]:
    """The "Family, Given" spans around found one-word persons (module docstring), at the found
    person's score, and around one-word places and bodies found there (``named``: NER reads a
    record's names as towns and firms), at 0.7, and the pairs that open a line before a dash, a tab
    or a bar by their shape alone; ``not_alone`` are words that name nobody on their own."""
    for match in _LINE_PAIR.finditer(text):
        if all(_name_part(w) and w not in not_alone for w in match.group("pair").replace(",", " ").split()):
            yield match.start("pair"), match.end("pair"), _SHAPE_SCORE
    people = [*people, *((s, e, _SHAPE_SCORE) for s, e, _ in named if _name_part(text[s:e]))]
    for start, end, score in people:
        name = text[start:end]
        if _WORD.fullmatch(name) is None or name in not_alone:
            continue
        opens = _OPENS.search(text, max(0, start - _REACH), start) is not None
        # the found word is the family name: the given names follow
        given = _GIVEN.match(text, end)
        if (
            opens
            and given is not None
            and _CLOSES.match(text, given.end()) is not None
            and all(_name_part(w) for w in given.group(1).split())
        ):
            yield start, given.end(), score
            continue
        # the found word is a given name: the family name is before it, after the field's opening
        before = re.search(rf"({_HYPHENED}),[ \t]*$", text[max(0, start - _REACH) : start])
        if before is None or _CLOSES.match(text, end) is None:
            continue
        family_start = start - len(before.group(0))
        if _OPENS.search(text, max(0, family_start - _REACH), family_start) and _name_part(before.group(1)):
            yield family_start, end, score
