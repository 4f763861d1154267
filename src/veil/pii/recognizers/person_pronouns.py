"""A name that the next words refer to as a person: "Tarvin, who led the inquiry", "Odrasek,
whose last film ...", "Velmont herself appeared" (read by :mod:`.person_cues`).

News and encyclopedia text names a person in full once and then by the family name alone, often
where the excerpt at hand lacks the full name; spaCy's small model then types the lone family name
ORG or GPE, or finds nothing. A relative pronoun of persons (", who", ", whose") or a reflexive
pronoun of persons ("herself", "himself") right after the name says it is someone: a town, a
firm or a thing takes "which" and "itself". One or two capitalised words, at 0.65: above the
model's guess of a firm or a place for the same word (0.55, 0.65 ties and loses to the place's
own rules), below the rules that know a firm or a place.

Not a name: a word after a determiner ("the Democrats, who") or after "of" ("members of Ardent
Path, who": the members), an ordinary English word alone
("Officials, who"), a people's or a faith's word ("Catholics, who"), a known place ("Paris,
where"), a word in capitals ("NATO, who"), a common capitalised word ("Monday, who").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import known_places
from veil.pii.recognizers.common import LOWER, UPPER
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_words import COMMON_CAPITALISED, TITLES
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["PRONOUN_SCORE", "pronoun_names"]

PRONOUN_SCORE = 0.65

_WORD = rf"[{UPPER}][{LOWER}]+(?:[-'\u2019][{UPPER}]?[{LOWER}]+)?"
# one or two name words, then the pronoun of persons: the relative one after a comma, the
# reflexive one right after the name ("Velmont herself", not "Velmont told herself")
_REFERRED = re.compile(
    rf"(?<![\w'\u2019.@#-])(?P<name>{_WORD}(?:[ \t]{_WORD})?)"
    r"(?:,[ \t]+(?:who|whose|whom)|[ \t]+(?:himself|herself))(?![\w'\u2019-])"
)
# a determiner or a possessive before the name makes it a common noun's or a thing's ("the
# Democrats, who", "our Ambassador himself"); after "of" the pronoun may refer to the noun before
# ("former members of Ardent Path, who helped him")
_DETERMINER_BEFORE = re.compile(
    r"(?<![\w'\u2019-])(?i:the|a|an|this|that|these|those|our|your|their|his|her|its|my|every|each|some|any|of)"
    r"[ \t]+$"
)


def pronoun_names(text: str) -> Iterator[tuple[int, int, float]]:
    """The names that a pronoun of persons right after them refers to (see the module's docstring)."""
    if "who" not in text and "self" not in text:
        return
    places = known_places()
    for match in _REFERRED.finditer(text):
        start, end = match.span("name")
        words = match.group("name").split()
        if _DETERMINER_BEFORE.search(text, max(0, start - 8), start) is not None:
            continue
        if words[0] in TITLES:
            continue  # "Mr, who": a title alone; a titled name is the title recognizer's
        if any(w in GROUP_WORDS or w in COMMON_CAPITALISED or w in places for w in words):
            continue
        if all(is_ordinary_word(w) for w in words):
            continue  # "Officials, who", "Critics themselves": ordinary words
        yield start, end, PRONOUN_SCORE
