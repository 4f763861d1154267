"""Names in a text written wholly in lower case: "the true gender of bertram", "wow emma and kaite".

A text with no capital at all (a chat line, a comment, a lower-case template) gives no capital to
tell a name from a word. There, a word the name gazetteers know that is no English word, nor the
plural of one, nor an ordinary or function word, nor a people's or a faith's name ("english"), is a
name (0.6): "bertram", "kaite", "dana"; two
such words side by side are one name ("ravi kumar"). Not in a text with capitals, where a
lower-case word is meant as a word. Read by :mod:`~veil.pii.recognizers.person_context`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from veil.pii.recognizers.common import LOWER
from veil.pii.recognizers.people_words import GROUP_WORDS

__all__ = ["lower_case_text_names"]

_WORD = re.compile(rf"(?<![\w'\u2019@#/.-])[{LOWER}]{{3,}}(?![\w'\u2019@/-])")
# A capital other than the pronoun "I" (alone or in a contraction: "I'm", "I'll").
_CAPITAL = re.compile(r"[A-Z\u00c0-\u00de](?<!\bI)|I(?=\w)(?!['\u2019])")


def lower_case_text_names(text: str, known: Callable[[str], bool]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.6) of each name in ``text`` when it has no capital; ``known``: whether a
    lower-case word is a name the gazetteers know and no word."""
    if _CAPITAL.search(text) is not None:
        return
    last: tuple[int, int] | None = None
    for match in _WORD.finditer(text):
        word = match.group()
        if not known(word) or word.capitalize() in GROUP_WORDS:
            continue  # a people or a faith ("english fans", "roman") is no person
        start, end = match.span()
        if last is not None and text[last[1] : start] == " ":
            start = last[0]  # "ravi kumar": one name
        elif last is not None:
            yield last[0], last[1], 0.6
        last = (start, end)
    if last is not None:
        yield last[0], last[1], 0.6
