"""A found name lengthened over the particles and joined family names that belong to it.

Many naming traditions join the parts of a full name with small words that the finders of a
name's core stop at:

* Arabic, Hebrew and Malay names chain a father's (and a family's) name with "bin", "ibn",
  "bint", "binti", "ben", "ould", and end with a family name after "al-"/"el-" or "Al"/"El"
  ("Ahmed bin Rashid al-Maktoum", "Fatima bint Khalid", "Mohammed bin Zayed Al Nahyan");
* Spanish, Portuguese and Catalan names join two family names with "y", "e", "i" ("García y
  Pérez", "da Silva e Costa") and Dutch, German, Portuguese and Italian ones put "van", "ter",
  "von", "dos", "di" before the family name ("Diederik ter Horst");
* Irish names put "Ó", "Ní", "Nic", "Mac", "Ua" before it ("Siobhán Nic Aodha").

A finder that reads "Ahmed bin Rashid" (a known given name and a name) leaves "al-Maktoum" out, and
one that reads "Yosef" leaves out the "David ben" before it. :func:`with_particles` lengthens each found
person, at its own score (so the longer span wins over the shorter one):

* **after** it, over particles and a capitalised word that may be a family name (no common, place,
  street or ordinary English word unless a known family name); after "y", "e" or "i" only for a
  found name of two words or more, and not over a known given name that is no family name ("Juan
  Pérez y María": two people);
* **before** it, over one or two capitalised given names and particles ("David ben" before
  "Yosef", "Ana Paula dos" before "Santos Ferreira"), when the first is a known given name; and
  over one known given name right before a found name that has a particle in it ("Maria" before
  "José García y Pérez"), as Spanish and Portuguese names carry two given names before their
  particles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_list, load_words
from veil.pii.recognizers.common import NAME_WORD, STREET_WORDS, wordset
from veil.pii.recognizers.name_lists import fold
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["with_particles"]

# Particles written in lower case between a name's parts; those of a father's name first.
_LINEAGE = (
    r"(?:bin|ibn|bint|binti|ben|bat|ould|abu|van|von|ter|ten|zu|dos|das|do|da|de|del|della|di|du|der|den)"
)
# Particles written with a capital: Arabic families ("Al Nahyan"), Irish ones ("Nic Aodha", "Ó Briain").
_CAPITAL = r"(?:Al|El|Nic|N\u00ed|\u00d3|O|Ua|Mac|Mc)"
# Joined to the family name by a hyphen: "al-Maktoum", "el-Amin", "ad-Din", "ash-Shami".
_HYPHENED = r"(?:al|el|Al|El|ad|ar|as|at|az|ash|ud|an)-"
_AND = r"(?:y|e|i)"
# One step after a found name: the conjunction of a double family name, or particles, then a name word.
_AFTER = re.compile(
    rf"[ \t](?:(?P<and>{_AND})[ \t](?:{_LINEAGE}[ \t]){{0,2}}|(?:{_LINEAGE}[ \t]){{1,3}}"
    rf"|{_CAPITAL}[ \t])?"
    rf"(?:{_HYPHENED})?(?P<word>{NAME_WORD})(?![\w'\u2019@/-]|\.\w)"
)
# Before a found name: one or two given names and particles ("David ben ", "Ana Paula dos ").
_FATHERS = r"(?:bin|ibn|bint|binti|ben|bat|ould|abu)"
_GIVEN_AND_PARTICLE = re.compile(
    rf"(?<![\w'\u2019.@/-])(?P<given>{NAME_WORD})(?:[ \t](?P<second>{NAME_WORD}))?[ \t]"
    rf"(?:{_LINEAGE}[ \t]){{1,3}}$"
)
_GIVEN_BEFORE = re.compile(rf"(?<![\w'\u2019.@/-])(?P<given>{NAME_WORD})[ \t]$")
_HAS_PARTICLE = re.compile(rf"[ \t](?:{_LINEAGE}|{_AND}|{_CAPITAL})[ \t]|[ \t](?:{_HYPHENED})")
_STARTS_WITH_PARTICLE = re.compile(rf"{_FATHERS}[ \t]")
# Words that end an organisation's name or name a thing, never a family name.
_NOT_FAMILY = wordset(
    "Inc Ltd LLC Foundation Institute Prize Award Society Trust Fund Center Centre Company Group Hall Museum "
    "Library Gallery Stadium Arena Theatre Theater Building Tower House Park School College University "
    "Hospital Clinic Bridge Airport Station Square Street Road Avenue Bank Party Church Mosque Dynasty"
)
_MOST_STEPS = 3


def with_particles(
    text: str, people: Sequence[tuple[int, int, float]], not_names: frozenset[str]
) -> Iterator[tuple[int, int, float]]:
    """Each found person (start, end, score) lengthened over the particles and names that belong to
    it (see the module's doc), at its own score. ``not_names``: capitalised words that are no name
    ("Monday", "Street")."""
    for start, end, score in people:
        new_start = _start(text, start, end, not_names)
        new_end = _end(text, new_start, end, not_names)
        if (new_start, new_end) != (start, end):
            yield new_start, new_end, score


def _end(text: str, start: int, end: int, not_names: frozenset[str]) -> int:
    for _ in range(_MOST_STEPS):
        match = _AFTER.match(text, end)
        if match is None or match.end("word") == match.start("word"):
            break
        joiner = text[end : match.start("word")]
        if not joiner.strip():
            break  # a bare word after the name: name_suffixes' rule
        word = match.group("word")
        if not _family_word(word, not_names):
            break
        if match.group("and") is not None and (
            " " not in text[start:end].strip() or (fold(word) in _first() and fold(word) not in _last())
        ):
            break  # "Juan y María", "Juan Pérez y María": two people
        end = match.end("word")
    return end


def _start(text: str, start: int, end: int, not_names: frozenset[str]) -> int:
    first = _first()
    window = max(0, start - 40)
    if _STARTS_WITH_PARTICLE.match(text, start):  # "ben Yosef" read without "David"
        given = _GIVEN_BEFORE.search(text, window, start)
        if given is not None and _given_word(given.group("given"), first, not_names):
            return given.start("given")
        return start
    given = _GIVEN_AND_PARTICLE.search(text, window, start)
    if given is not None:
        second = given.group("second")
        if _given_word(given.group("given"), first, not_names) and (
            second is None or _given_word(second, first, not_names) or _family_word(second, not_names)
        ):
            return given.start("given")  # "Ana Paula" of "Ana Paula dos Santos Ferreira"
        if second is not None and _given_word(second, first, not_names):
            return given.start("second")  # "Dear Ana dos Santos"
    if _HAS_PARTICLE.search(text, start, end) is not None:
        before = _GIVEN_BEFORE.search(text, window, start)
        if before is not None and _given_word(before.group("given"), first, not_names):
            return before.start("given")  # "Maria" of "Maria José García y Pérez"
    return start


def _given_word(word: str, first: frozenset[str], not_names: frozenset[str]) -> bool:
    return fold(word) in first and word not in not_names and word not in known_places()


def _family_word(word: str, not_names: frozenset[str]) -> bool:
    """A capitalised word that may be a family name: no common capitalised word, place, street
    word or the end of a firm's name; no ordinary English word unless a known family name."""
    known = fold(word) in _last()
    if word in not_names or word in _NOT_FAMILY or word in known_places():
        return False
    if word in load_list("world_cities.txt") and not known:
        return False  # "Pedro Alves de Almada"
    if word in STREET_WORDS and not known:
        return False
    return known or not is_ordinary_word(word)


@cache
def _first() -> frozenset[str]:
    """Known given names, as written and without accents ("María" as "Maria")."""
    return frozenset(fold(n) for n in load_words(FIRST_NAMES))


@cache
def _last() -> frozenset[str]:
    """Known family names without accents."""
    return frozenset(fold(n) for n in load_words(LAST_NAMES))
