"""Names that name no human: planets in an astrologer's or astronomer's text, named storms, pets.

Web text names things the way it names people: "Venus is conjunct Saturn", "natal Mars" (a
horoscope), "Hurricane Rita threatened the coast ... Rita packed winds" (a storm), "my cat's
name is Whiskers", "a puppy called Frank" (a pet). The small model and the name cues read them as
persons; the corpora's annotators do not. A span is judged here, not a word: "Freddie Mercury"
and "Bruno Mars" stay people, and a planet's name counts as a planet only in a text that names
another planet too ("Mercury and Venus"), so "Mars" alone, a family name, is left to the other
rules.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["PLANETS", "names_no_human", "pet_names", "storm_names"]

#: the planets astrologers and astronomers write about, with the lunar nodes of Vedic astrology
PLANETS = frozenset(
    {"Mercury", "Venus", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune", "Pluto", "Rahu", "Ketu"}
)
_PLANET = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(PLANETS)) + r")(?![\w-])")
# "Hurricane Rita", "Tropical Storm Isaac", "Typhoon Haiyan", "Cyclone Tracy"
_STORM = re.compile(
    r"(?<![\w-])(?:Hurricane|Typhoon|Cyclone|Superstorm|(?:Tropical|Subtropical|Winter)[ \t]+Storm)"
    r"[ \t]+(?P<name>[A-Z][a-z]+)(?![\w-])"
)
# "my cat's name is Twinky", "a dog named Rex", "our kitten s called Frank", "the horse, called Bo"
_PET = re.compile(
    r"(?i:\b(?:cats?|dogs?|kittens?|kitty|pupp(?:y|ies)|pup|horses?|ponies|pony|hamsters?|rabbits?"
    r"|bunny|parrots?|budgies?|pets?|goldfish|guinea[ \t]pigs?|ferrets?|tortoises?|turtles?))"
    r"(?:[ \t]?['\u2019]?[ \t]?s)?,?[ \t]+(?:(?:that|which|who)[ \t]+(?:is|was)[ \t]+)?"
    r"(?:(?i:name[ \t]+is|names[ \t]+are|named|called)[ \t]+)(?P<name>[A-Z][\w'\u2019-]*)"
)


# the words before a pet's or storm's name a span may hold ("Called Frank", "Storm Isaac")
_CUE_WORDS = frozenset({"called", "named", "storm", "hurricane", "typhoon", "cyclone"})


@lru_cache(maxsize=8)
def storm_names(text: str) -> frozenset[str]:
    """The names the text gives storms ("Hurricane Rita" -> "Rita")."""
    return frozenset(m.group("name") for m in _STORM.finditer(text))


@lru_cache(maxsize=8)
def pet_names(text: str) -> frozenset[str]:
    """The names the text gives pets ("a dog named Rex" -> "Rex")."""
    return frozenset(m.group("name") for m in _PET.finditer(text))


@lru_cache(maxsize=8)
def _planets_named(text: str) -> frozenset[str]:
    return frozenset(m.group() for m in _PLANET.finditer(text))


def names_no_human(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a planet's name in a text that names two planets or more, a
    storm's name or a storm with its name ("Hurricane Rita"), or a pet's name, all as the text
    gives them."""
    fragment = text[start:end].strip(" \t.,;:!?\"'")
    if not fragment or not fragment[0].isupper():
        return False
    if fragment in PLANETS and len(_planets_named(text)) >= 2:
        return True
    if _STORM.fullmatch(fragment):
        return True
    cue, _, name = fragment.rpartition(" ")
    if cue and cue.lower() not in _CUE_WORDS:
        return False  # "Frank Miller": a person's name with the pet's
    return name in storm_names(text) or name in pet_names(text)
