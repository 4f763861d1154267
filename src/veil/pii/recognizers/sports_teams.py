"""Sports teams named by their town and a nickname: "the Pittsburgh Pirates", "Tampa Bay Rays",
"the Chicago White Sox", "Leeds United", "Bolton Wanderers".

The nickname is often an ordinary plural ("Pirates", "Cardinals") and the town a known place,
so the small NER model reads the whole as a place or, from the nickname's capitals, a person.
A known place followed by one or two capitalised words, the last an English plural noun or a club's word
(:data:`_CLUB_WORDS`), is a team, unless the phrase is itself a place ("Colorado Springs",
"Beverly Hills", "Florida Keys": :data:`_PLACE_PLURALS`) or a firm or body's name ending in a
plural that is no nickname ("Texas Instruments", "Kent Services": :data:`_NOT_NICKNAMES`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import LAST_NAMES, PLACES, known_places, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.place_names import WORLD_CITIES
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["sports_team", "sports_teams"]

# Words that end a club's name in English football and elsewhere: "Leeds United", "Bolton Wanderers"
_CLUB_WORDS = wordset("United Rovers Wanderers Athletic Albion Hotspur FC AFC Sox")
# Plurals that end places' names: "Colorado Springs", "Beverly Hills", "Cayman Islands"
_PLACE_PLURALS = wordset(
    """
    Springs Hills Heights Falls Islands Isles Keys Lakes Mountains Plains Rapids Highlands Woods
    Gardens Fields Park Parks Meadows Downs Sands Cliffs Shores Pines Oaks Palms Forks Glens Flats
    Narrows Shoals Banks Mills Wells Gates Towers Acres Estates Villas Terraces Lanes Streets Roads
    """
)
# Plurals that end firms' and bodies' names and services, not nicknames: "Texas Instruments"
_NOT_NICKNAMES = wordset(
    """
    Instruments Industries Services Systems Solutions Technologies Airlines Airways Holdings Partners
    Associates Enterprises Studios Games Records Pictures Communications Networks Products Foods
    Hotels Resorts Motors News Times Sciences Affairs Relations Resources Works Stores Markets Sales
    Buses Trains Trams Taxis Hospitals Schools Libraries Museums Courts Councils Police Archives
    Awards Prizes Medals Championships Olympics Finals Lectures Talks Papers Letters Notes Studies
    Essays Sessions Conferences
    """
)
# A run of capitalised words (scanned for by its first capital; possessive, so a long run is read
# once); the team is the run's end, read in Python (a pattern with a place of up to four words and
# a nickname tried at every capital took 4 ms per 100k characters)
_RUN = re.compile(r"[A-Z](?<![\w'\u2019.-][A-Z])[\w'\u2019.-]*+(?:[ \t][A-Z][\w'\u2019.-]*+)+")


_WORD = re.compile(r"[^ \t]+")
# the name goes on: "Cleveland Browns Stadium", "Casa Grande Farias e Filhos" (a firm)
_NAME_GOES_ON = re.compile(r"[ \t]+(?:e|y|&|and|und|et|en)[ \t]+[A-Z]")
_ENDINGS = ("s", *_CLUB_WORDS)
# a capitalised word right before a nickname: the nickname ends a longer name
_NAME_BEFORE = re.compile(r"[A-Z][\w'\u2019.-]*[ \t]+$")


def _split(words: list[str]) -> Iterator[tuple[int, str, str]]:
    """Ways to read the words as a place and a nickname of one or two words, the place starting
    as early as it can ("The Boston Red Sox": not "The Boston"), then longest."""
    for first in range(len(words) - 1):
        for cut in range(len(words) - 1, first, -1):
            nick = words[cut:]
            if len(nick) <= 2:
                yield first, " ".join(words[first:cut]), " ".join(nick)


@cache
def _family() -> frozenset[str]:
    """Family names: a nickname is a noun or a people's name, not a family's ("Farias")."""
    return load_list(LAST_NAMES)


@cache
def _towns() -> frozenset[str]:
    """Known places, countries and the GeoNames towns (a team is named after a town)."""
    return known_places() | load_list(PLACES) | load_list(WORLD_CITIES)


def sports_teams(text: str) -> Iterator[tuple[int, int, float]]:
    """Spans of teams named by a known place and a nickname (see the module docstring), at 0.9,
    and the nickname's other mentions alone, at 0.85: a text that names "the Pittsburgh Pirates"
    goes on with "the Pirates' affiliate", "two Red Sox pitchers" (one sense per text)."""
    teams = list(_full_names(text))
    for start, end, _ in teams:
        yield start, end, 0.9
    nicknames = {nick for _, _, nick in teams if nick}
    if not nicknames:
        return
    taken = [(start, end) for start, end, _ in teams]
    alone = re.compile(
        r"(?<![\w'\u2019.-])(?:"
        + "|".join(re.escape(n) for n in sorted(nicknames, key=len, reverse=True))
        + r")(?![\w-])"
    )
    for match in alone.finditer(text):
        if _NAME_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            continue  # part of a longer name: "the Triple-A Pawtucket Red Sox", another team
        if not any(start < match.end() and match.start() < end for start, end in taken):
            yield match.start(), match.end(), 0.85


def _full_names(text: str) -> Iterator[tuple[int, int, str]]:
    """Teams named by a known place and a nickname: their spans and nicknames."""
    places = _towns()
    for match in _RUN.finditer(text):
        run = match.group().rstrip(".'\u2019")  # "the Pittsburgh Pirates' affiliate"
        end = match.start() + len(run)
        if not run.endswith(_ENDINGS) or _NAME_GOES_ON.match(text, end):
            continue  # no plural nor club's word at the end; or "Casa Grande Farias e Filhos"
        found = [(match.start() + m.start(), m.group()) for m in _WORD.finditer(run)][-6:]
        starts = [start for start, _ in found]
        words = [word for _, word in found]
        for first, place, nick in _split(words):
            last = nick.split()[-1]
            if place not in places or last in _PLACE_PLURALS or last in _NOT_NICKNAMES or last in _family():
                continue
            if f"{place} {nick}" in places:
                break
            # a plural nickname is an English noun ("Pirates", "Cowboys"): a town that is also a
            # given name before a family name in "-s" is a person ("Florence Papadopoulos")
            if last in _CLUB_WORDS or (last.endswith("s") and is_ordinary_word(last)):
                # a club's word alone ("United", "Athletic") names no team; "Red Sox" does
                yield starts[first], end, "" if nick in _CLUB_WORDS else nick
                break


def sports_team() -> Recognizer:
    return Recognizer(
        name="organization_team",
        entity_type=EntityType.ORGANIZATION,
        finder=sports_teams,
    )
