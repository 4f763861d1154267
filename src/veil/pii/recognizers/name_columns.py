"""Names written one to a line, each ended by a comma: the members of a court, a board or a panel.

Judgments list their bench so ("Françoise Tulkens, President,\\n Ireneu Cabral Barreto,\\n Danutė
Jočienė, judges,\\nand Sally Dollé, Section Registrar,"), as do minutes and programmes. Each line is
a name of two to four words (particles allowed), maybe a role after another comma. A run of three
such lines or more names people when the first-name gazetteer knows the first word of one of
them; each name is then a PERSON (0.8), whether or not a gazetteer knows its words. A line made of
ordinary words, a place or a firm ends the run ("Ground floor,", "Paris,").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import LEGAL_FORMS, LOWER, NAME_TAIL, UPPER
from veil.pii.recognizers.name_lists import NameLists, fold
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["column_names"]

_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten|zu)"
_WORD = rf"[{UPPER}]{NAME_TAIL}(?:-[{UPPER}{LOWER}][{LOWER}]+)?"
# One line: "and" maybe, a name of two to four words, a role after a comma maybe, a comma.
_NAME_LINE = re.compile(
    rf"^[ \t]*(?:and[ \t]+)?(?P<name>{_WORD}(?:[ \t](?:{_PARTICLE}[ \t]){{0,2}}{_WORD}){{1,3}})"
    rf",(?:[ \t]*[^\n,]{{1,40}},)?[ \t]*\r?$",
    re.MULTILINE,
)
_NOT_IN_NAMES = frozenset(LEGAL_FORMS) | COMMON_CAPITALISED
# The fewest lines of a column.
_RUN = 3


def column_names(text: str, lists: NameLists) -> Iterator[tuple[int, int, float]]:
    """The names of each column of three name lines or more (see the module's docstring)."""
    if ",\n" not in text and ",\r\n" not in text:
        return
    run: list[re.Match[str]] = []
    for match in _NAME_LINE.finditer(text):
        if run and text[run[-1].end() : match.start()].strip():
            yield from _column(run, lists)  # text between two lines ends a run
            run = []
        run.append(match)
    yield from _column(run, lists)


def _column(run: list[re.Match[str]], lists: NameLists) -> Iterator[tuple[int, int, float]]:
    names = [m for m in run if _name_like(m.group("name"), lists)]
    if len(names) < _RUN or len(names) < len(run) - 1:
        return  # a column of something else ("Ground Floor,", "Paris,") with a name or two in it
    first_names = lists.first
    if not any((w := m.group("name").split()[0]) in first_names or fold(w) in first_names for m in names):
        return
    for match in names:
        yield match.start("name"), match.end("name"), 0.8


def _name_like(name: str, lists: NameLists) -> bool:
    """No legal form, common capitalised word or place; not ordinary words only."""
    words = [w for w in name.split() if w[0].isupper()]
    if name in lists.places or any(w in _NOT_IN_NAMES or w in lists.places for w in words):
        return False
    return not all(is_ordinary_word(w) and w not in lists.first for w in words)
