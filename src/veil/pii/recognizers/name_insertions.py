"""A nickname or a former name written inside a person's name: 'Tarla "Tee" Varnow', 'Quenby
“Q” Orvale', "Ilsa Dorne (Karvel) Maddox" (a maiden name in brackets, as judgments write the
applicants).

The rules and NER find one side of it ("Varnow", "Ilsa Dorne") and stop at the quotation mark
or the bracket, leaving the given name or the family name unmasked. What marks the whole is its
shape: capitalised name words, a quoted or bracketed name word or two, more name words, one of
the sides already found as a person. :func:`inserted` lengthens a found person over the insertion
and the name words on its other side, at the found span's own score (the longer span then wins).

A side word is no name word when it is a common capitalised word ("The", "Monday"), a place, or
an ordinary English word that no family name is: 'The "Wizard" Varnow' and 'Paris "Lights" Varnow'
stay as found. Read by :mod:`.person_coreference`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.recognizers.common import NAME_WORD
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["inserted", "nicknamed"]

_WORDS = rf"{NAME_WORD}(?:[ \t]{NAME_WORD})?"
# the insertion: one or two name words in quotation marks or in brackets
_INSERTION = rf"(?:[\"\u201c\u2018'](?:{_WORDS})[\"\u201d\u2019']|\((?:{_WORDS})\))"
_BEFORE = re.compile(rf"(?<![\w'\u2019.-])(?P<side>{_WORDS})[ \t]+{_INSERTION}[ \t]+$")
_AFTER = re.compile(rf"[ \t]+{_INSERTION}[ \t]+(?P<side>{NAME_WORD})(?![\w'\u2019-])")


def inserted(
    text: str, people: Sequence[tuple[int, int, float]], not_names: frozenset[str]
) -> Iterator[tuple[int, int, float]]:
    """Each found person (start, end, score) with a nickname or a former name and more of the
    name on its other side, lengthened over both (see the module's docstring). ``not_names``:
    capitalised words that are no name ("Monday", "The")."""
    for start, end, score in people:
        before = _BEFORE.search(text, max(0, start - 80), start)
        if before is not None and all(_name_word(w, not_names) for w in before.group("side").split()):
            yield before.start("side"), end, score
        after = _AFTER.match(text, end)
        if after is not None and _name_word(after.group("side"), not_names):
            yield start, after.end("side"), score


# A nickname in quotation marks between a given and a family name: the shape of a person's name
# whoever found its sides (none may have: 'Quenby "Q" Orvale', 'Anton "Big Tee" Varnow').
_NICKNAMED = re.compile(
    rf"(?<![\w'\u2019.-])(?P<given>{NAME_WORD})[ \t]+[\"\u201c](?P<nick>{_WORDS})[\"\u201d]"
    rf"[ \t]+(?P<family>{NAME_WORD})(?![\w'\u2019-])"
)
# A nickname in quotation marks standing for the given name, after the words that give one ('known
# as "Big Tee" Varnow', 'nicknamed "Doc" Orvale'), as police reports and news write a suspect.
_CALLED_NICKNAMED = re.compile(
    r"(?<![\w'\u2019-])(?i:known[ \t]+as|nicknamed|dubbed|alias|aka|a\.k\.a\.|called)[ \t]+"
    rf"(?P<name>[\"\u201c](?P<nick>{_WORDS})[\"\u201d][ \t]+(?P<family>{NAME_WORD}))(?![\w'\u2019-])"
)


def nicknamed(text: str, not_names: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    """A given name, a nickname in quotation marks and a family name ('Quenby "Q" Orvale'), or a
    quoted nickname and a family name after "known as", "nicknamed", "alias" ('known as "Big Tee"
    Varnow'): a person (0.8), when the given and the family name are name words (see
    :func:`_name_word`) and no nickname word is a common capitalised one."""
    if '"' not in text and "\u201c" not in text:
        return
    for match in _NICKNAMED.finditer(text):
        if _name_word(match.group("given"), not_names) and _name_word(match.group("family"), not_names):
            yield match.start(), match.end(), 0.8
    for match in _CALLED_NICKNAMED.finditer(text):
        if _name_word(match.group("family"), not_names) and not any(
            w in not_names for w in match.group("nick").split()
        ):
            yield match.start("name"), match.end("name"), 0.8  # 'known as "Big Tee" Varnow'


def _name_word(word: str, not_names: frozenset[str]) -> bool:
    """A capitalised word that may be part of a person's name: no common capitalised word, no
    place, no ordinary English word unless a known given or family name."""
    if word in not_names or word in known_places():
        return False
    known = word in load_words(FIRST_NAMES) or word in load_words(LAST_NAMES)
    return known or not is_ordinary_word(word)
