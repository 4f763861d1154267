"""Places in a text whose writer capitalises no name: "i live in india", "back to korea", "hello from
abq new mexico", "not in amsterdam".

Where a text has no capital but the pronoun "I", or its only capitals open sentences or stand in
words in capitals (:func:`~veil.pii.recognizers.lower_case_passages.is_sentence_cased`), no capital
tells a place from a word. There a known place or country of one to three words, in lower case,
is a place (LOCATION, 0.6) when no word of one is an English word, an ordinary word or chat slang
("nice", "reading", "bath" stay words) and it is no known given name ("sofia", "georgia" are read
as people by :mod:`.person_lowercase`). A place of several words may hold English words ("new
mexico", "hong kong", "south africa").

Not in a text with another capital, where the writer would have capitalised the place; but a text
that shows a writer who does not capitalise ("i am", "? where") is read sentence by sentence
(:mod:`.lower_case_passages`: a forum question "where can i get morcillas in tampa?" above a
capitalised answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import FIRST_NAMES, known_places, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import LOWER
from veil.pii.recognizers.lower_case_passages import lower_case_passages
from veil.pii.recognizers.person_address import english_words
from veil.pii.recognizers.place_names import with_feature
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["is_lower_case_place", "lower_case_text_places", "place_lowercase"]

# A lower-case word, not inside a handle, a path, an address or a longer token.
_WORD = re.compile(rf"(?<![\w'\u2019@#/.-])[{LOWER}]{{2,}}(?![\w'\u2019@/-]|\.\w)")
_LONGEST = 3  # words in a place's name: "bosnia and herzegovina"
# The end of a handle or a domain's label, then a dot: the word is the rest of an address that a
# tokenizer spaced out ("letwino @parliament . uk", "chloe @chloesmith . org . uk"), no place.
_DOMAIN_BEFORE = re.compile(r"(?:@\w+|(?<!\w)(?:co|com|org|net|gov|ac|edu))[ \t]?\.[ \t]?$")


def lower_case_text_places(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.6) of each known place in ``text`` written in lower case, where ``text`` (or
    a passage of it) capitalises no name (see the module's doc)."""
    for start, end, _no_capital in lower_case_passages(text):
        yield from _places_in(text, start, end)


def _places_in(text: str, lo: int, hi: int) -> Iterator[tuple[int, int, float]]:
    spans = [m.span() for m in _WORD.finditer(text, lo, hi)]
    i = 0
    while i < len(spans):
        # the longest place from this word on ("new mexico" before "new"), its words one space apart
        for n in range(min(_LONGEST, len(spans) - i), 0, -1):
            last = i + n - 1
            if any(spans[k][1] + 1 != spans[k + 1][0] or text[spans[k][1]] != " " for k in range(i, last)):
                continue
            start, end = spans[i][0], spans[last][1]
            if is_lower_case_place(text[start:end]) and not _DOMAIN_BEFORE.search(
                text, max(0, start - 40), start
            ):
                yield with_feature(text, start, end, 0.6)  # "tampa bay"
                i += n
                break
        else:
            i += 1


def is_lower_case_place(words: str) -> bool:
    """``words`` (lower case) is a known place or country and no given name; one word must also be
    no English, ordinary or chat word."""
    place = _lower_places().get(words)
    if place is None or place in _given_names():
        return False
    if " " in words:
        return True
    return not (words in english_words() or is_ordinary_word(words) or is_chat_word(words))


@cache
def _lower_places() -> dict[str, str]:
    """Each known place in lower case -> as the gazetteer writes it."""
    return {place.lower(): place for place in known_places() if place.replace(" ", "").isalpha()}


@cache
def _given_names() -> frozenset[str]:
    return load_words(FIRST_NAMES)


class LowerCasePlaceFinder:
    """:func:`lower_case_text_places` as a recognizer's finder."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        return lower_case_text_places(text)

    def __repr__(self) -> str:
        return "LowerCasePlaceFinder()"


def place_lowercase() -> Recognizer:
    return Recognizer(name="place_lowercase", entity_type=EntityType.LOCATION, finder=LowerCasePlaceFinder())
