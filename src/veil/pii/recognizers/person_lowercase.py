"""Names in a text whose writer capitalises no name: "the true gender of bertram", "wow emma and
kaite", "Did anyone notice simon wears glasses".

A text with no capital at all (a chat line, a comment, a lower-case template) gives no capital to
tell a name from a word. There, a word the name gazetteers know that is no English word, nor the
plural of one, nor an ordinary or function word, nor a people's or a faith's name ("english"),
nor a known place that is no given name ("london": :mod:`.place_lowercase`), is a name (0.6):
"bertram", "kaite", "dana"; two such words side by side are one name ("ravi kumar").

A text whose only capitals open its sentences or lines, stand in the pronoun "I" or in a word in
capitals ("LOL", "OMG") is written the same way: its writer would have capitalised a name
mid-sentence, and did not. There the word must also be a known given name of five letters or
more that is no word, month or place too ("sydney", "april") (0.6): "simon", "chloe", "freddy";
shorter given names in lower case are as often words of another language or slang ("ina", "oni",
"max", "meta").

Not in a text with another capital, where a lower-case word is meant as a word. Read by
:mod:`~veil.pii.recognizers.person_context`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from veil.pii.data import FIRST_NAMES, known_places, load_words
from veil.pii.recognizers.brand_words import is_brand
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import LOWER
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES

__all__ = ["has_no_capital", "is_sentence_cased", "lower_case_text_names"]

_WORD = re.compile(rf"(?<![\w'\u2019@#/.-])[{LOWER}]{{3,}}(?![\w'\u2019@/-]|\.\w)")
# A capital other than the pronoun "I" (alone or in a contraction: "I'm", "I'll").
_CAPITAL = re.compile(r"[A-Z\u00c0-\u00de](?<!\bI)|I(?=\w)(?!['\u2019])")
_CAPITAL_LETTER = re.compile(r"[A-Z\u00c0-\u00de]")
_PRONOUN_I = re.compile(r"I(?:['\u2019][a-z]{1,2})?")
# What may stand between a sentence's end (or a line's start) and its first word.
_OPENERS = " \t\"'(*[-\u201c\u2018"
_SENTENCE_ENDS = ".!?:;\n"
_WINDOW = 32  # characters looked at before a capitalised word for its sentence's end
# In a sentence-cased text, a given name in lower case: five letters or more.
_SHORTEST = 5


def is_sentence_cased(text: str) -> bool:
    """Every capital of ``text`` opens a sentence or a line, or stands in the pronoun "I" or in a
    word in capitals ("LOL"); and it has at least one such capital."""
    seen = False
    done = 0  # the end of the last word looked at: its other capitals need no second look
    for capital in _CAPITAL_LETTER.finditer(text):
        at = capital.start()
        if at < done:
            continue
        seen = True
        # the whole word around the capital, found by stepping out from it (a regex for "a word
        # with a capital in it" would rescan a long word from each of its letters)
        start, done = at, at + 1
        while start > 0 and _joins(text[start - 1]):
            start -= 1
        while done < len(text) and _joins(text[done]):
            done += 1
        word = text[start:done]
        if _PRONOUN_I.fullmatch(word) or (len(word) > 1 and word.isupper()):
            continue
        before = text[max(0, start - _WINDOW) : start].rstrip(_OPENERS)  # a window: no quadratic scan
        if before and before[-1] not in _SENTENCE_ENDS and not _is_symbol(before[-1]):
            return False
    return seen


def _joins(char: str) -> bool:
    """A character of a word: a letter, a digit, "_", an apostrophe or a hyphen."""
    return char.isalnum() or char in "_'\u2019-"


def _is_symbol(char: str) -> bool:
    """An emoji or another pictograph, which ends a line of chat as a full stop does."""
    return ord(char) >= 0x2190 and not char.isalnum()


def lower_case_text_names(text: str, known: Callable[[str], bool]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.6) of each name in ``text`` when it has no capital, or only those of a
    sentence-cased text (:func:`is_sentence_cased`); ``known``: whether a lower-case word is a name
    the gazetteers know and no word."""
    if has_no_capital(text):
        accepts = known
    elif is_sentence_cased(text):
        accepts = lambda word: _given_name(word) and known(word)  # noqa: E731
    else:
        return
    last: tuple[int, int] | None = None
    for match in _WORD.finditer(text):
        word = match.group()
        if not accepts(word) or word.capitalize() in GROUP_WORDS or is_chat_word(word) or _place(word):
            continue  # a people or a faith ("english fans", "roman") is no person; nor is a place
        if is_brand(word):
            continue  # "i love heinz", "my ferrari": a brand, not a person
        start, end = match.span()
        if _written_as_code(text, start, end):
            continue  # TeX or code (":math:`\max_x f(x)`", "`max(values)`") names a function, no one
        if last is not None and text[last[1] : start] == " ":
            start = last[0]  # "ravi kumar": one name
        elif last is not None:
            yield last[0], last[1], 0.6
        last = (start, end)
    if last is not None:
        yield last[0], last[1], 0.6


def _written_as_code(text: str, start: int, end: int) -> bool:
    """The word is TeX or code: after a backslash ("\\max"), inside backticks on its line, or glued
    to code punctuation ("max(", "np.max", "max_x", "stats.max"). (A narrower copy of
    program_code.in_code, which cannot be imported here: program_code reads text_clues, which reads
    this module.)"""
    before = text[start - 1 : start]
    if before in ("\\", ".", "_"):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if text.count("`", line_start, start) % 2 == 1:
        return True
    after = text[end : end + 2]
    return after[:1] in ("(", "_") or (
        after[:1] == "." and len(after) == 2 and (after[1].islower() or after[1] == "_")
    )


def has_no_capital(text: str) -> bool:
    """``text`` has no capital but the pronoun "I" ("i'm", "I'll")."""
    return _CAPITAL.search(text) is None


def _place(word: str) -> bool:
    """A known place that is no given name ("london", "madrid": family names too, places here)."""
    capitalised = word.capitalize()
    return capitalised in known_places() and capitalised not in load_words(FIRST_NAMES)


def _given_name(word: str) -> bool:
    """A known given name of five letters or more, no word, month or place too ("sydney", "april")."""
    return len(word) >= _SHORTEST and word in _lower_given_names() and word.capitalize() not in known_places()


@cache
def _lower_given_names() -> frozenset[str]:
    return frozenset(name.lower() for name in load_words(FIRST_NAMES) if name not in AMBIGUOUS_FIRST_NAMES)
