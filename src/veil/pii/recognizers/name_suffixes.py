"""What follows a person's name and is part of it: a regnal or generational number ("Louis XIV",
"John Paul II", "Henry Ford III"), "Jr." / "Sr." ("Martin Luther King Jr."), and the family name
after a given and a middle name ("Rainer Werner Fassbinder", "Marc Lamont Hill", "Jean le Rond
d'Alembert").

Writers of biographies, history and news put these after a name; the small spaCy model often
reads "Louis XIV" as one PERSON, which the NER filter then refused for its word in capitals
("XIV" looked like an acronym), and the rules that find "John Paul" stop before "II". Two
helpers: :func:`is_regnal_number` lets the NER filter keep a Roman numeral after a name word,
and :func:`suffixed` lengthens a found person over the number or "Jr." after it.

The rules read "Rainer Werner" or "Eric Temple" as a whole name (a first name, then a known
family name) and stop there; NER, which would read the third word, no longer sees a name the
rules settled. After a found name of two words or more, one more capitalised word joins it when
it is a family name: not a common capitalised word, a place, a street word, a legal form or the
end of a firm's name, not an ordinary English word unless a known family name ("Hill", "Bell";
not "Foundation", "Prize"), and no capitalised word follows it ("Jane Austen Book Club").

A bare "I" is left out on purpose ("Elizabeth I" reads like "... Elizabeth I never said") but
before a comma, a semicolon, a bracket or a possessive ("Pope Damasus I, who died"), and so are
"V" and "X" before a capitalised word ("Smith V Jones", a case's "versus").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from veil.pii.data import LAST_NAMES, known_places, load_words
from veil.pii.recognizers.common import LEGAL_FORMS, NAME_WORD, STREET_WORDS, wordset
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["is_regnal_number", "suffixed"]

# I to XXXIX, written the one standard way.
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|VI{0,3}|I{1,3})|X{1,3}")

# After a found name: a Roman numeral (checked by :func:`_is_suffix_number`), "QC"/"KC"/"SC" (a
# barrister's rank, part of the name in judgments: "Mr D. Pannick QC"), or "Jr."/"Sr."/"Esq."
# (after one more family-name word: "... King Jr."); then a word's end or a possessive
# ("Wilhelm II's").
_SUFFIX = re.compile(
    rf"(?:[ \t](?P<number>[IVX]{{1,6}})|(?:[ \t]{NAME_WORD})?,?[ \t](?:Jr|Sr|Jnr|Snr|Esq)\.?"
    r"|[ \t](?:QC|KC|SC))"
    r"(?=['\u2019]s(?!\w)|(?![\w'\u2019-]))"
)
_CAPITALISED_NEXT = re.compile(r"[ \t]+[A-Z]")
# One more word after a found name: particles maybe, then a capitalised word ("de Beaumarchais",
# "L'Enfant"), not followed by another capitalised word.
_TAIL_PARTICLE = r"(?:van|von|der|den|de|du|da|di|dos|del|della|le|la)[ \t]"
# An elided particle is written joined to the family name: "Jean le Rond d'Alembert", "d'Souza".
_ELIDED = r"(?:[dl]['\u2019](?=[A-Z]))?"
_TAIL = re.compile(
    rf"[ \t](?:{_TAIL_PARTICLE}){{0,3}}{_ELIDED}(?P<word>{NAME_WORD})(?![\w'\u2019-]|[ \t]+[A-Z])"
)


def is_regnal_number(word: str) -> bool:
    """A Roman numeral from I to XXXIX ("II", "XIV"), as a regnal or generational number."""
    return _ROMAN.fullmatch(word) is not None


def suffixed(
    text: str, people: Sequence[tuple[int, int, float]], not_names: frozenset[str]
) -> Iterator[tuple[int, int, float]]:
    """Each found person (start, end, score) followed by a number, "Jr." or (after two words or
    more) a family name, lengthened over it, at its own score: the longer span then wins over the
    shorter one. ``not_names``: capitalised words that are no family name ("Monday", "Street")."""
    for start, end, score in people:
        match = _SUFFIX.match(text, end)
        if match is not None and _is_suffix_number(text, match):
            yield start, match.end(), score
            continue
        if " " not in text[start:end].strip():
            continue  # one word: "Anna Foundation" is no name
        tail = _TAIL.match(text, end)
        if tail is not None and _is_family_name(tail.group("word"), not_names):
            yield start, tail.end(), score


def _is_family_name(word: str, not_names: frozenset[str]) -> bool:
    """A word that may end a name after a given and a middle name (see the module's doc)."""
    known = word in load_words(LAST_NAMES)
    if (
        (word in not_names and not (known and word in STREET_WORDS))  # "Marc Lamont Hill"
        or word in _NOT_FAMILY
        or word in known_places()
        or (word in STREET_WORDS and not known)
    ):
        return False  # a street word may be a family name too: "Hill", "Ford"
    return known or not is_ordinary_word(word)


# Legal forms and the last words of firms' and works' names, which follow a person's name in
# an organisation's ("Jane Smith Ltd", "Paul Allen Institute").
_NOT_FAMILY = frozenset(LEGAL_FORMS) | wordset(
    "Inc Ltd LLC Foundation Institute Prize Award Society Trust Fund Center Centre Company Group "
    "Hall Museum Library Gallery Stadium Arena Theatre Theater Building Tower House Park School "
    "College University Hospital Clinic Bridge Airport Station Square"
)


def _is_suffix_number(text: str, match: re.Match[str]) -> bool:
    """Not a number (so "Jr."), or a Roman numeral, "I" only before a comma, a semicolon, a
    bracket or a possessive ("Pope Damasus I, who", "Aleksei I's reign"; not "Elizabeth I never
    said"), and not a lone "V" or "X" before a capitalised word ("Smith V Jones")."""
    number = match.group("number")
    if number is None:
        return True
    if number == "I":
        after = text[match.end() : match.end() + 2]
        return after[:1] in (",", ";", ")") or after in ("'s", "\u2019s")  # not "John I'm"
    if not is_regnal_number(number):
        return False
    return len(number) > 1 or _CAPITALISED_NEXT.match(text, match.end()) is None
