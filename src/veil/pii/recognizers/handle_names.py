"""A handle's owner called by name in the same post (the post-processor ``handle_names``).

A reply or a mention often calls the person it addresses by the name their handle spells:
"@DeclanHarmon Declan, there will not be ...", "@GreeterDan Dan - I very much appreciate ...",
"@StanCollymore ... (stan was strong)". Alone, such a word has nothing to say it is a name: it
may open the sentence, stand in lower case, or be no name a list knows; NER misses most. The
handle found in the same text says it: a word that spells a part of it is its owner's name.

A handle's parts are its runs between underscores and digits, cut again at each capital that
follows a lower-case letter ("DeclanHarmon": declan, harmon; "AJ_TayTay": aj, tay, tay). A word
of the text names the owner when it is at least :data:`_SHORTEST` letters long, a part starts with
it ("Vern" of "@vernontava", "tom" of "@tomvucic", "Mickey" of "@AskMrMickey") and it is, written
capitalised, no ordinary English word, place, people's or role word ("Space" of "@SpaceX",
"Dublin" of "@DublinAirport", "Irish" of "@IrishOpen2014" are not; the places are the hand-kept
list and the countries, not every town of the world gazetteer, which holds many given names), or,
in lower case, a known first name ("stan", "tom"). The handle itself, other handles, hashtags,
links and words that some candidate already covers are not read. Only texts with a handle found
by the ``username`` recognizer are read at all.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import cache

from veil.pii.data import FIRST_NAMES, known_places, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate, PostProcessor
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.role_words import is_role_word
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["HANDLE_NAMES", "handle_names", "handle_parts", "names_of_handles"]

HANDLE_NAMES = "handle_names"
#: below NER's person (0.85) and a further mention's (0.7), above the default floor (0.5)
SCORE = 0.6
_SHORTEST = 3
_USERNAME = "username"

# a run of letters of a handle, cut at underscores, digits and a capital after a lower-case letter
_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
# a word of the text that is no part of a handle, a hashtag, a link, an address or a longer token
_TEXT_WORD = re.compile(r"(?<![\w@#/.:'\u2019-])[^\W\d_]{3,}(?![\w@/'\u2019-]|\.\w)")


def handle_parts(handle: str) -> list[str]:
    """The lower-cased parts of a handle (``@`` and digits dropped): "DeclanHarmon" -> declan,
    harmon; "AJ_TayTay" -> aj, tay, tay; "vernontava" -> vernontava."""
    return [part.lower() for part in _PART.findall(handle.lstrip("@"))]


def names_of_handles(text: str, candidates: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """Words of ``text`` that name the owner of a handle found among ``candidates``."""
    handles = [(s, e) for s, e, kind, _, name in candidates if name == _USERNAME and text.startswith("@", s)]
    if not handles:
        return
    parts = {part for s, e in handles for part in handle_parts(text[s:e]) if len(part) >= _SHORTEST}
    if not parts:
        return
    # every prefix a word may be (a set, not a scan of the parts per word: a post of thousands of
    # handles made that quadratic), and what the candidates cover as disjoint sorted spans
    prefixes = {part[:k] for part in parts for k in range(_SHORTEST, len(part) + 1)}
    starts, ends = _covered(candidates)
    for match in _TEXT_WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower not in prefixes:
            continue
        start, end = match.span()
        i = bisect_left(starts, end) - 1  # the last covered span that starts before the word ends
        if i >= 0 and ends[i] > start:
            continue
        if _names_someone(word):
            yield start, end, SCORE


def _covered(candidates: Sequence[Candidate]) -> tuple[list[int], list[int]]:
    """The characters the candidates cover, as disjoint spans sorted by start (starts, ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted((s, e) for s, e, *_ in candidates):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _names_someone(word: str) -> bool:
    """A word that may be the owner's name: capitalised and no word, place, people's or role word;
    in lower case or in capitals, a known first name."""
    if word.islower() or word.isupper():
        return word.capitalize() in _first_names()
    if not word[0].isupper():
        return False
    if is_ordinary_word(word) or is_chat_word(word.lower()) or is_role_word(word):
        return False
    return word not in GROUP_WORDS and word not in _places()


@cache
def _first_names() -> frozenset[str]:
    return load_list(FIRST_NAMES)


@cache
def _places() -> frozenset[str]:
    return known_places()


def handle_names() -> PostProcessor:
    return PostProcessor(
        name=HANDLE_NAMES,
        entity_type=EntityType.PERSON,
        stage="resolved",
        derive=names_of_handles,
        reads=frozenset({_USERNAME}),
        description="a word of a post that spells part of a handle found in it: the handle owner's name",
    )
