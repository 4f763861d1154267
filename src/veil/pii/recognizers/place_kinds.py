"""Places named by their kind: a river, a lake, a mountain, an island, a fort, a bridge, a castle
("the Hudson River", "Lake Tahoe", "Fort Lee", "Mount Rainier", "Sheikh Lotfollah Mosque").

No gazetteer lists every river or building, and the small NER model often types such a name
by its proper noun ("Hudson", "Lee": a person). A capitalised name with a place's kind after it
("... River", "... Castle") or before it ("Lake ...", "Fort ...", "Isle of ...") is a place when
one of its words is a proper noun (no ordinary English word): "Data Lake", "Memory Bridge",
"Game Engine Island" name no place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
)
# Kinds written before it: "Lake Tahoe", "Mount Rainier", "Fort Lee", "Cape Horn", "Isle of Skye".
KIND_BEFORE = ("Lake", "Mount", "Fort", "Cape", "Isle of", "Gulf of", "Bay of", "Sea of", "Strait of")

_AFTER = re.compile(words(KIND_AFTER) + r"(?![\w'\u2019-])")
# one to three capitalised words right before the kind, on its line
_NAME_BEFORE = re.compile(rf"(?<![\w'\u2019-])((?:{NAME_WORD}[ \t]){{1,3}})$")
_BEFORE = re.compile(
    words(tuple(k.replace(" ", r"[ \t]") for k in KIND_BEFORE)) + rf"[ \t]({NAME_WORD})(?![\w'\u2019-])"
)
# a capitalised word right after: the name goes on ("Eric Temple Bell", "Tampa Bay Rays", "Fort
# Lee Historic Park"), and names a person, a team or a longer place that this is only part of
_NAME_GOES_ON = re.compile(r"[ \t]+[A-Z]")
# words that start a sentence or a phrase, not a name ("The River", "In Fort ...")
_NOT_NAMES = frozenset({"The", "A", "An", "This", "That", "In", "At", "On", "To", "From", "Of", "And", "Or"})


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
        if names and _proper(names) and not _NAME_GOES_ON.match(text, match.end()):
            yield match.start() - len(" ".join(names)) - 1, match.end()
    for match in _BEFORE.finditer(text):
        if _proper(match.group(1).split()) and not _NAME_GOES_ON.match(text, match.end()):
            yield match.start(), match.end()
