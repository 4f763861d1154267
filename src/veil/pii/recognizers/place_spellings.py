"""Towns as English prose spells them: the GeoNames names (``data/world_cities.txt``) without
their diacritics and transliteration marks ("Tikrīt" is written "Tikrit", "Sāmarrā" "Samarra",
"Kütahya" "Kutahya") and without an Arabic article before the name ("Al Fallūjah" is written
"Fallujah").

The gazetteer holds the names as GeoNames transliterates them, while news and encyclopedic
English drops the marks and the article; a town no reader would spell with a macron was
otherwise unknown. A plain spelling that is an ordinary English word, a first name or a family
name is left out, as the gazetteer leaves those out ("Bush", "Carmen", "Drama"), and so is one
of three letters or fewer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from veil.pii.data import FIRST_NAMES, LAST_NAMES, load_list
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["plain_spelling", "plain_town_spellings"]

# the GeoNames towns (place_names.WORLD_CITIES; named here, as place_names reads this module)
_WORLD_CITIES = "world_cities.txt"
# transliteration marks that English drops: apostrophes for 'ayn and hamza, the okina
_MARKS = re.compile("['\u2019\u2018\u02bb\u02bc\u02be\u02bf]")
# the Arabic article before a town's name, as GeoNames writes it ("Al Fallūjah", "Ad Dīwānīyah")
_ARTICLE = re.compile(r"(?:Al|Ad|Ar|As|An|Ash|At|Az|Ath|Adh|El)[ -](?=[A-Z])")
_SHORTEST = 4


def plain_spelling(name: str) -> str:
    """``name`` without its diacritics and transliteration marks ("Sāmarrā" -> "Samarra")."""
    bare = _MARKS.sub("", name)
    return "".join(c for c in unicodedata.normalize("NFD", bare) if not unicodedata.combining(c))


@cache
def plain_town_spellings() -> frozenset[str]:
    """The plain spellings of the GeoNames towns that the list does not already hold (see the
    module docstring)."""
    towns = load_list(_WORLD_CITIES)
    first, family = load_list(FIRST_NAMES), load_list(LAST_NAMES)
    found: set[str] = set()
    for town in towns:
        plain = town if town.isascii() and "'" not in town else plain_spelling(town)
        article = _ARTICLE.match(plain)
        for spelling in (plain, plain[article.end() :] if article else plain):
            if spelling not in towns:
                found.add(spelling)
    return frozenset(
        s
        for s in found
        if len(s) >= _SHORTEST
        and s not in first
        and s not in family
        and not (" " not in s and (is_ordinary_word(s) or is_ordinary_word(s.lower())))
    )
