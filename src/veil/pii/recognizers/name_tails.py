"""A family name written in lower case right after a capitalised given name: "Kylie minogue",
"Paulo nutini's new record", "is that Mauro renallo?".

Comments and tweets capitalise the first word of a name and often not the second: the writer
types the given name as they would any name and the family name as it comes. A lower-case word
right after a known given name, one blank between, is the rest of the name when it is no English
word, no chat slang, no place and no function word (see :func:`family_tail`):

* a family name the gazetteer knows ("minogue") makes the whole a name by itself (0.7);
* a word no list knows ("nutini") only extends the given name's span, as long as the word after it
  is no such word too: two unknown lower-case words in a row are a passage of another language
  ("Maria siempre tiene ..."), not a name.

Read by :class:`~veil.pii.recognizers.first_names.FirstNameFinder`.
"""

from __future__ import annotations

import re
from functools import cache

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import LOWER
from veil.pii.recognizers.name_predicates import is_finite_verb
from veil.pii.recognizers.person_address import english_words
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["family_tail"]

# The lower-case word after the given name, one blank between (not a handle, an address or a path).
_TAIL = re.compile(rf"[ \t]([{LOWER}][{LOWER}'\u2019]{{2,24}})(?![\w@/-])")
# The word after that, in lower case.
_NEXT = re.compile(rf"[ \t]+([{LOWER}]+)(?![\w@/-])")
_SHORTEST_UNKNOWN = 4


@cache
def _lower_family_names() -> frozenset[str]:
    names = frozenset(n.lower() for n in load_words(LAST_NAMES) | load_words(FIRST_NAMES) if len(n) > 2)
    return names - english_words()


def _word(word: str) -> bool:
    """``word`` (lower case) is a word, not a name: English (an irregular past too: "came"),
    chat slang or a place."""
    return (
        word in english_words()
        or is_finite_verb(word)
        or is_ordinary_word(word)
        or is_chat_word(word)
        or word.capitalize() in known_places()
    )


def family_tail(text: str, end: int) -> tuple[int, bool] | None:
    """Where the lower-case family name after the given name ending at ``end`` ends, and whether
    the gazetteer knows it; None when the next word is no such family name (see the module's doc)."""
    match = _TAIL.match(text, end)
    if match is None:
        return None
    word = match.group(1)
    bare = word.rstrip("'\u2019")
    for suffix in ("'s", "\u2019s"):
        if bare.endswith(suffix):
            bare = bare[: -len(suffix)]
    if not bare.isalpha() or _word(bare):
        return None
    tail_end = match.start(1) + len(bare)
    if bare in _lower_family_names():
        return tail_end, True
    if len(bare) < _SHORTEST_UNKNOWN or bare != word:
        return None
    after = _NEXT.match(text, match.end())
    if after is not None and not _word(after.group(1)):
        return None  # a passage of another language, not a name
    return tail_end, False
