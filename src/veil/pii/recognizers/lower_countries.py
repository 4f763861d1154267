"""Countries and big regions written in lower case inside text that capitalises otherwise: "how are
vietnam and Afghanistan alike?", "birds in punjab", "Beaches in croatia are great", "back in ohio".

Web text drops capitals on a word here and there; a country's name that is no English word and no
given name means the country in any case. :mod:`.place_lowercase` reads whole texts (or passages)
written without capitals, and :class:`.place_names.PlaceFinder` a lower-case place after a
preposition of place; this reads a lower-case country anywhere in a text that is no program's
prose (:func:`.program_prose.is_program_prose`): a domain, a path, a handle or an identifier is
no country ("parliament.uk", "@india_news", "en_india").

Only single-word countries of five letters or more from the country list
(:attr:`.place_names.PlaceFinder.lower_countries`) and the first-level regions of the United States,
Canada, Australia and India (:data:`REGIONS`, written by hand from the countries' lists of states and
provinces), less ordinary words ("jersey", "turkey", "chile", "reunion", "assam") and given names
("georgia", "jordan", "virginia").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import FIRST_NAMES, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.place_names import PlaceFinder
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["REGIONS", "lower_case_countries", "lower_country", "lower_country_names"]

# States and provinces of one word, in lower case (the US, Canada, Australia, India).
REGIONS = wordset(
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois
    iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri
    nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont wisconsin wyoming
    alberta manitoba ontario quebec saskatchewan queensland tasmania victoria
    bihar chhattisgarh gujarat haryana jharkhand karnataka kerala maharashtra manipur meghalaya mizoram
    nagaland odisha punjab rajasthan sikkim telangana tripura uttarakhand
    """
)

# countries that are also things or words the vocabulary does not hold in this sense
_NOT_COUNTRIES = wordset(
    "jersey guernsey panama brazil mali togo samoa cuba reunion chile cocos congo tonga holland"
)


@cache
def lower_country_names() -> frozenset[str]:
    """Lower-case single-word countries of five letters or more and :data:`REGIONS`, no ordinary
    word or given name."""
    given = frozenset(name.casefold() for name in load_list(FIRST_NAMES))
    return frozenset(
        c
        for c in PlaceFinder().lower_countries | REGIONS
        if " " not in c
        and "-" not in c
        and (len(c) >= 5 or c in REGIONS)
        and c.isalpha()
        and c.islower()
        and c not in given
        and c not in _NOT_COUNTRIES
        and not is_ordinary_word(c)
    )


@cache
def _pattern() -> re.Pattern[str]:
    names = "|".join(sorted(lower_country_names(), key=len, reverse=True))
    # not in a word, a domain, a path, a handle, a hashtag or an identifier
    return re.compile(rf"(?<![\w./@#\\-])(?:{names})(?![\w/@\\-]|\.\w)")


def lower_case_countries(text: str) -> Iterator[tuple[int, int, float]]:
    """Lower-case countries in ``text`` (0.6), none in a program's prose."""
    matches = list(_pattern().finditer(text))
    if not matches or is_program_prose(text):
        return
    for match in matches:
        yield match.start(), match.end(), 0.6


def lower_country() -> Recognizer:
    """:func:`lower_case_countries` as a LOCATION recognizer."""
    return Recognizer(
        name="place_lower_country", entity_type=EntityType.LOCATION, finder=lower_case_countries
    )
