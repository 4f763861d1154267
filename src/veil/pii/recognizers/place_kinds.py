"""Places named by their kind: a river, a lake, a mountain, an island, a fort, a bridge, a castle,
a hall, a station, a museum ("the Hudson River", "Lake Tahoe", "Fort Lee", "Mount Rainier",
"Sheikh Lotfollah Mosque", "Carnegie Hall", "Shandao Station").

No gazetteer lists every river or building, and the small NER model often types such a name
by its proper noun ("Hudson", "Lee": a person). A capitalised name with a place's kind after it
("... River", "... Castle") or before it ("Lake ...", "Fort ...", "Isle of ...") is a place when
one of its words is a proper noun; a realm or a town's kind before a known place ("Kingdom of
France", "City of Buenos Aires") makes one place of both; a sea named bare after "the" ("the
Mediterranean") is one (no ordinary English word): "Data Lake", "Memory Bridge",
"Game Engine Island" name no place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import known_places, load_list
from veil.pii.recognizers.common import NAME_WORD, words
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["KIND_AFTER", "KIND_BEFORE", "places_by_kind"]

# Kinds written after the name: "Hudson River", "Sonoran Desert", "Auckland Castle".
KIND_AFTER = (
    "River",
    "Lake",
    "Sea",
    "Ocean",
    "Bay",
    "Island",
    "Islands",
    "Mountains",
    "Peninsula",
    "Desert",
    "Valley",
    "Canyon",
    "Falls",
    # plurals that end American towns' names: "Saratoga Springs", "Englewood Cliffs"
    "Springs",
    "Heights",
    "Hills",
    "Cliffs",
    "Glacier",
    "Strait",
    "Creek",
    "Bridge",
    "Castle",
    "Cathedral",
    "Palace",
    "Mosque",
    "Temple",
    "Cemetery",
    "Stadium",
    "Arena",
    "Airport",
    "Abbey",
    "Basilica",
    "Fortress",
    "Reservoir",
    "Archipelago",
    "Plateau",
    # buildings and grounds a visit or a route names: "Carnegie Hall", "Shandao Station",
    # "Al-Ghaza Hotel", "Broad Art Museum", "Hyde Park" (not "Center": a product's console)
    "Hall",
    "Station",
    "Museum",
    "Hotel",
    "Tower",
    "Towers",
    "Theatre",
    "Theater",
    "Lighthouse",
    "Monastery",
    "Chapel",
    "Zoo",
    "Harbour",
    "Harbor",
    "Beach",
    "Pier",
    "Square",
    "Park",
    # roads named like places, not streets of an address: "Muskogee Turnpike", "Osage Trail"
    "Turnpike",
    "Expressway",
    "Freeway",
    "Motorway",
    "Parkway",
    "Trail",
)
# Kinds written before it: "Lake Tahoe", "Mount Rainier", "Fort Lee", "Cape Horn", "Isle of Skye".
KIND_BEFORE = ("Lake", "Mount", "Fort", "Cape", "Isle of", "Gulf of", "Bay of", "Sea of", "Strait of")

# the kind, and the rest of its name after "of": "Museum of Art", "Hall of Fame"
_AFTER = re.compile(
    words(KIND_AFTER)
    + rf"(?:[ \t]+of[ \t]+(?:the[ \t]+)?{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})?(?![\w'\u2019-])"
)
# one to five capitalised words right before the kind, on its line ("Chiang Kai Shek Memorial Hall")
_NAME_BEFORE = re.compile(rf"(?<![\w'\u2019-])((?:{NAME_WORD}[ \t]){{1,5}})$")
# a possessive names the place's owner, no part of its name: "New York's Metropolitan Museum"
_POSSESSIVE = ("'s", "\u2019s")
_BEFORE = re.compile(
    words(tuple(k.replace(" ", r"[ \t]") for k in KIND_BEFORE)) + rf"[ \t]({NAME_WORD})(?![\w'\u2019-])"
)
# A realm or a town named by its kind before a known place: "the Kingdom of France", "the City of
# Buenos Aires", "the Grand Duchy of Luxembourg". The kind is part of the place's name (a NER reads
# the place alone, and a span of half the name leaves the rest); the place after "of" must be one
# the gazetteers know, whole, so "City of Light" or "Kingdom of Heaven" name none.
_POLITIES = ("Kingdom", "City", "Republic", "Grand Duchy", "Duchy", "Principality", "County", "Province")
_POLITY = re.compile(
    words(tuple(k.replace(" ", r"[ \t]") for k in _POLITIES))
    + rf"[ \t]of[ \t]((?:{NAME_WORD})(?:[ \t]{NAME_WORD}){{0,3}})(?![\w'\u2019-])"
)
# the capitalised word before a realm's kind, when it is part of a longer name ("People's
# Republic of China", "United Kingdom of ..."), which other rules read whole
_WORD_BEFORE = re.compile(r"([A-Z][\w'\u2019.-]*)[ \t]+$")
# Seas and polar regions named bare after "the" ("across the Mediterranean", "sailed the Pacific",
# "to cross the Antarctic"); not before a capitalised word, where the name goes on ("the Atlantic
# Ocean", "the Pacific Standard")
# Speed: the sea's name is scanned for (its first letter first), "the" checked behind it after
_BARE_SEA = re.compile(
    words(
        (
            "Mediterranean",
            "Pacific",
            "Atlantic",
            "Caribbean",
            "Adriatic",
            "Aegean",
            "Baltic",
            "Arctic",
            "Antarctic",
        )
    )
    + r"(?![\w'\u2019-]|[ \t]+[A-Z])"
)
_THE_BEFORE = re.compile(r"(?<![\w'\u2019-])the[ \t]+$")
# a capitalised word right after: the name goes on ("Eric Temple Bell", "Tampa Bay Rays", "Fort
# Lee Historic Park"), and names a person, a team or a longer place that this is only part of
_NAME_GOES_ON = re.compile(r"[ \t]+[A-Z]")
# words that start a sentence or a phrase, not a name ("The River", "In Fort ...")
_NOT_NAMES = frozenset({"The", "A", "An", "This", "That", "In", "At", "On", "To", "From", "Of", "And", "Or"})


# Verbs a guide starts a sentence with before a place's name ("Visit ...", "See ..."); a
# sentence's first word is otherwise kept: "Grand Central Station", "Fort Lee Historic Park"
_IMPERATIVES = frozenset(
    {"Visit", "See", "Explore", "Try", "Take", "Enjoy", "Stay", "Walk", "Head", "Go", "Stop", "Tour", "Climb"}
)
# A public service's word before the kind: "Tarsova Police Station" is the police's office, an
# organisation the institutions' recognizers read, no place
_SERVICES = frozenset({"Police", "Fire", "Ambulance", "Gendarmerie", "Coastguard"})
# where a sentence starts: the text's start, after a full stop, a colon or a line break
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n])[ \t]*$")
# the GeoNames towns (place_names.WORLD_CITIES; named here, as place_names reads this module)
_WORLD_CITIES = "world_cities.txt"


@cache
def _towns() -> frozenset[str]:
    return known_places() | load_list(_WORLD_CITIES)


def _is_town(name: str) -> bool:
    return bool(name) and name in _towns()


def _proper(names: list[str]) -> bool:
    """A word that is a proper noun: not an ordinary word and not a sentence's first word."""
    return any(not is_ordinary_word(n) and n not in _NOT_NAMES for n in names)


def places_by_kind(text: str) -> Iterator[tuple[int, int]]:
    """Spans of places named by their kind (see the module docstring)."""
    for match in _AFTER.finditer(text):
        before = _NAME_BEFORE.search(text, max(0, match.start() - 130), match.start())
        if before is None:
            continue
        names = before.group(1).split()
        while names and names[0] in _NOT_NAMES:
            names.pop(0)
        if (
            len(names) > 1
            and names[0] in _IMPERATIVES
            and _SENTENCE_START.search(text, max(0, before.start() - 3), before.start())
        ):
            names.pop(0)  # a guide's imperative first: "Visit Fort Kessel Heritage Park"
        owner = ""
        for i in range(len(names) - 1, -1, -1):
            if names[i].endswith(_POSSESSIVE):
                owner, names = " ".join(names[: i + 1])[:-2], names[i + 1 :]
                break
        # a known place as the owner makes a name of ordinary words one: "Mecca's Grand Mosque"
        proper = (_proper(names) or _is_town(owner)) and not (names and names[-1] in _SERVICES)
        if names and proper and not _NAME_GOES_ON.match(text, match.end()):
            start = match.start() - len(" ".join(names)) - 1
            yield start, match.end()
            if _is_town(owner):  # the owner is a place too: "New York's" in "New York's Metropolitan Museum"
                yield start - 3 - len(owner), start - 3
    for match in _POLITY.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        part = before is not None and before.group(1) not in _NOT_NAMES
        if _is_town(match.group(1)) and not part and not _NAME_GOES_ON.match(text, match.end()):
            yield match.start(), match.end()
    for match in _BARE_SEA.finditer(text):
        if _THE_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            yield match.start(), match.end()
    for match in _BEFORE.finditer(text):
        if _proper(match.group(1).split()) and not _NAME_GOES_ON.match(text, match.end()):
            yield match.start(), match.end()
