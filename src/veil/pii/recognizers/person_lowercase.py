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

Not in a text with another capital, where a lower-case word is meant as a word; but a text that
shows a writer who does not capitalise ("i am", "? where") is read sentence by sentence, each
sentence written so counting as such a text (:mod:`.lower_case_passages`: "max and jen are
looking for you." in an e-mail with a capitalised signature). Read by
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
from veil.pii.recognizers.lower_case_passages import has_no_capital, is_sentence_cased, lower_case_passages
from veil.pii.recognizers.name_predicates import verb_follows
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["has_no_capital", "is_sentence_cased", "lower_case_subjects", "lower_case_text_names"]

# (not inside an address: "<julie...@example.net>", "jo@")
_WORD = re.compile(rf"(?<![\w'\u2019@#/.<-])[{LOWER}]{{3,}}(?![\w'\u2019@/-]|\.\w|\.+@)")
# How far back the code check looks for the line's start and its backticks.
_CODE_WINDOW = 400
# In a sentence-cased text, a given name in lower case: five letters or more.
_SHORTEST = 5


def lower_case_text_names(text: str, known: Callable[[str], bool]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.6) of each name in ``text`` when it has no capital, or only those of a
    sentence-cased text (:func:`is_sentence_cased`), or in each passage of it written so
    (:func:`~veil.pii.recognizers.lower_case_passages.lower_case_passages`); ``known``: whether a
    lower-case word is a name the gazetteers know and no word."""
    sentence_cased = lambda word: _given_name(word) and known(word)  # noqa: E731
    # a passage of a text that capitalises elsewhere: a given name only ("max and jen are ..."),
    # no family name ("de lunde bar", a word of another language as often)
    given = lambda word: word in _lower_given_names() and known(word)  # noqa: E731
    for start, end, no_capital in lower_case_passages(text):
        whole = start == 0 and end == len(text)
        yield from _names_in(text, start, end, (known if whole else given) if no_capital else sentence_cased)


def _names_in(
    text: str, start: int, end: int, accepts: Callable[[str], bool]
) -> Iterator[tuple[int, int, float]]:
    """The names of ``text[start:end]``: lower-case words that ``accepts``, one name for two side
    by side."""
    last: tuple[int, int] | None = None
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        if not accepts(word) or word.capitalize() in GROUP_WORDS or is_chat_word(word) or _place(word):
            continue  # a people or a faith ("english fans", "roman") is no person; nor is a place
        if is_brand(word):
            continue  # "i love heinz", "my ferrari": a brand, not a person
        found, after = match.span()
        if _written_as_code(text, found, after):
            continue  # TeX or code (":math:`\max_x f(x)`", "`max(values)`") names a function, no one
        if last is not None and text[last[1] : found] == " ":
            found = last[0]  # "ravi kumar": one name
        elif last is not None:
            yield last[0], last[1], 0.6
        last = (found, after)
    if last is not None:
        yield last[0], last[1], 0.6


# A known given name in lower case, then one blank and the word after it (any text: "then gaby
# gave herself more", "dana should pay him").
_SUBJECT = re.compile(rf"(?<![\w'\u2019@#/.<-])([{LOWER}]{{4,}})(?=[ \t][{LOWER}])")
# A determiner or a preposition before a word makes it a noun's ("the max", "per mark").
_DETERMINER_BEFORE = re.compile(
    r"(?i:the|a|an|my|your|our|their|his|her|its|this|that|these|those|of|per|every|each|no|any|some)"
    r"[ \t]+\Z"
)


def lower_case_subjects(text: str, known: Callable[[str], bool]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.6) of each known given name in lower case that a finite verb follows, in a
    text of any casing: chat and comments write a name in lower case where it is a sentence's
    subject ("then gaby gave herself more", "dana should pay him"). ``known``: as for
    :func:`lower_case_text_names`; the name is also no plural of a word ("ants", "marks"), no
    people's or faith's word, chat word, place or brand, no code, and no determiner precedes it."""
    for match in _SUBJECT.finditer(text):
        word = match.group(1)
        found, after = match.span(1)
        if not verb_follows(text, after) or word not in _lower_given_names() or not known(word):
            continue
        if word.endswith("s") and is_ordinary_word(word[:-1]):
            continue  # "ants died", "marks observed": a plural
        if word.capitalize() in GROUP_WORDS or is_chat_word(word) or _place(word) or is_brand(word):
            continue
        if _written_as_code(text, found, after):
            continue
        if _DETERMINER_BEFORE.search(text, max(0, found - 8), found) is not None:
            continue
        yield found, after, 0.6


def _written_as_code(text: str, start: int, end: int) -> bool:
    """The word is TeX or code: after a backslash ("\\max"), inside backticks on its line, or glued
    to code punctuation ("max(", "np.max", "max_x", "stats.max"). (A narrower copy of
    program_code.in_code, which cannot be imported here: program_code reads text_clues, which reads
    this module.)"""
    before = text[start - 1 : start]
    if before in ("\\", ".", "_"):
        return True
    # the line's start, at most _CODE_WINDOW characters back: a line of a whole text read for
    # each of its words would make this quadratic
    window = max(0, start - _CODE_WINDOW)
    line_start = text.rfind("\n", window, start) + 1 or window
    if text.count("`", line_start, start) % 2 == 1:
        return True
    after = text[end : end + 2]
    return after[:1] in ("(", "_") or (
        after[:1] == "." and len(after) == 2 and (after[1].islower() or after[1] == "_")
    )


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
