"""People who introduce themselves: "I'm Aoife and this is my brother", "I am Xochitl, from
Oaxaca", "Hi, this is Thandeka from billing", "Hello, it's Oyelaran here".

Messages, chats, voicemails and forms written by people start with who is writing, in the first
person, a given name alone as often as a full one, of any origin. The name comes right after "I'm",
"I am", or (after a greeting) "this is" / "it's", and the clause goes on or ends right after it: a
comma, a full stop, "and", "from", "here", "speaking", "calling", "with", "of", "at". What else
stands there in a capital is a people ("I'm Canadian"), a faith, a diet or a star sign ("I'm
Vegan", "I'm Aries"), a role ("I'm Head of ..."), a
brand, a place or an ordinary word said with a capital ("I'm Sorry", "I am Legend"): none of
these is read.

A known given name (not one that is also a common word: "Will", "May") scores 0.8; a word no list
knows, no English, chat, place or brand word, 0.75 (above the small model's guess of a place for
an unfamiliar name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.brand_words import is_brand
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import LOWER, NAME_TAIL, UPPER, wordset
from veil.pii.recognizers.name_lists import NameLists, fold
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.recognizers.role_words import is_role_word
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["introduced_names"]

_WORD = rf"[{UPPER}]{NAME_TAIL}(?:-[{UPPER}{LOWER}][{LOWER}]+)?"
_GREETING = r"(?:[Hh]i|[Hh]ello|[Hh]ey|[Hh]iya|[Gg]ood[ \t]+(?:morning|afternoon|evening)|[Dd]ear[ \t]+all)"
# Scan-friendly: the "I" (or the greeting's first letter) first, what is before it after it.
_INTRODUCTION = re.compile(
    rf"(?:I(?<![\w'\u2019-]I)(?:['\u2019]m|[ \t]+am)"
    rf"|(?<![\w'\u2019-]){_GREETING}[ \t]*[,!.]?[ \t]+(?:[Tt]his[ \t]+is|[Ii]t['\u2019]s))[ \t]+"
    rf"(?P<name>{_WORD}(?:[ \t]{_WORD}){{0,2}})"
    r"(?=[ \t]*(?:[,.!;:)]|\r?\n|$)|[ \t]+(?:and|from|here|speaking|calling|with|of|at|by)(?![\w'\u2019-]))"
)
# What people say they are with a capital, besides peoples and faiths: a diet, a star sign, a
# generation ("I'm Vegan", "I'm Aries", "I'm Millennial"). ("Leo" is a given name as often.)
_SELF_DESCRIPTIONS = wordset(
    "Vegan Vegetarian Pescatarian Aries Taurus Gemini Cancer Virgo Libra Scorpio Sagittarius Capricorn "
    "Aquarius Pisces Millennial Boomer Gen Introvert Extrovert"
)
_KNOWN = 0.8
_UNKNOWN = 0.75


def introduced_names(text: str, lists: NameLists) -> Iterator[tuple[int, int, float]]:
    """The names people give themselves in ``text`` (see the module's doc), judged by ``lists``."""
    if "I" not in text and "is" not in text and "it" not in text:
        return
    for match in _INTRODUCTION.finditer(text):
        words = match.group("name").split()
        first = words[0]
        if not all(_may_be_name(w, lists) or fold(w) in lists.last for w in words):
            continue
        if not _may_be_name(first, lists):
            continue
        known = fold(first) in lists.first and first not in AMBIGUOUS_FIRST_NAMES
        yield match.start("name"), match.end("name"), _KNOWN if known else _UNKNOWN


def _may_be_name(word: str, lists: NameLists) -> bool:
    """No common capitalised word, people, faith, role, brand, place or chat word; an ordinary
    English word only when a known given name ("Grace" yes, "Sorry" no)."""
    head, _, tail = word.partition("-")
    if tail and (head in lists.places or is_ordinary_word(tail)):
        return False  # "I am Paris-based", "I'm Python-certified"
    if (
        word in COMMON_CAPITALISED
        or word in GROUP_WORDS
        or word in _SELF_DESCRIPTIONS
        or is_role_word(word)
        or is_brand(word)
        or is_chat_word(word)
        or word in lists.places
    ):
        return False
    if fold(word) in lists.first and word not in AMBIGUOUS_FIRST_NAMES:
        return True
    return not is_ordinary_word(word) and word.lower() not in lists.common
