"""Places that a lower-case word of their kind introduces or follows: "the southern city of
Halvar", "the village of Ostra Nova", "the monastery of Pelmor", "the Battle of Kelmor", "Tarsk
county", "the Dunmore district", "Velkar Oblast", and the place that opens a news agency's dateline ("KELMORE
(AP) -").

News, encyclopedic and legal prose introduce a town no gazetteer lists by its kind: the kind is
an ordinary noun in lower case, so the capitalised name after "city of" (or before "district")
is the place's proper name, even when the word is also an English word ("the city of Tyre"). A
battle or a siege is named by where it was fought ("the Siege of Varnholt"). A dateline names
the place a report was filed from before the agency and a dash. Saints, monks and medieval
nobles are named by one name and their place (:func:`epithet_places`: "Velric of Tarsomb"), the
place a weaker find (below a person's NER span, which may hold the whole). A capitalised compass
point after "the" is a region (:func:`compass_regions`: "trade with the West").

Not in a capitalised title (the kind is lower case), nor a name that starts a phrase ("The",
"This"), nor, after the kind, an ordinary word or an acronym ("the Memory region", "the AWS
region": a program's regions are no places). Linear: every regex is anchored on its cue word
with bounded repetitions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.body_heads import HEADS
from veil.pii.recognizers.common import NAME_WORD
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["compass_regions", "epithet_places", "places_by_apposition"]

# particles inside a place's name: "Bourg de Varn", "Castel del Monte", "Kingston upon Hull"
_PARTICLE = r"(?:de|la|le|les|del|della|di|da|du|van|von|en|sur|am|an|upon|on|al|el)"
_NAME = rf"{NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}{NAME_WORD}){{0,3}}"
# kinds of settlement, of territory or of a walled house that "of" joins to a name
_KIND_OF = (
    r"city|town|village|hamlet|port|island|islands|province|region|county|district|municipality"
    r"|commune|parish|oblast|prefecture|canton|governorate|monastery|abbey|fortress|suburb|borough"
    r"|settlement|emirate|capital"
)
# (its province may follow in brackets: "the district of Kelbara (Tarsk)", one place)
_BEFORE = re.compile(
    rf"(?<![\w-])(?:{_KIND_OF})[ \t]+of[ \t]+(?P<name>{_NAME}(?:[ \t]*\({NAME_WORD}\))?)(?![\w'\u2019-])"
)
# a battle's or a siege's place: "the Battle of Kelmor", "the Siege of Varnholt"
_BATTLE = re.compile(rf"(?<![\w-])(?:Battle|Siege|Sack)[ \t]+of[ \t]+(?P<name>{_NAME})(?![\w'\u2019-])")
# an administrative unit's kind after its name: "Tarsk county", "the Dunmore district"
_KIND_AFTER = (
    r"county|district|province|region|oblast|prefecture|municipality|governorate|canton"
    r"|arrondissement|voivodeship"
)
# or its capitalised kind, where no capitalised word goes on ("Tarsk Oblast"; "Tarsk District
# Court" is a court)
_KIND_AFTER_CAPITALISED = (
    r"Oblast|Province|Prefecture|Governorate|Voivodeship|Krai|Raion|Canton|Region|District|County"
)
_AFTER = re.compile(
    rf"(?<![\w'\u2019-])(?P<name>{_NAME})[ \t]+"
    rf"(?:(?:{_KIND_AFTER})(?![\w-])|(?:{_KIND_AFTER_CAPITALISED})(?![\w-]|[ \t]+[A-Z]))"
)
# a dateline: a place in capitals at a line's start (or after a colon), maybe its state, the
# agency in brackets and a dash: "KELMORE, Oregon (AP) -", "TARSK (Reuters) —"
_DATELINE = re.compile(
    r"(?:^|(?<=\n)|(?<=:[ \t]))[ \t]*(?P<name>[A-Z][A-Z'\u2019.-]{2,}(?:[ \t]+[A-Z][A-Z'\u2019.-]{1,}){0,2})"
    r"(?:,[ \t]*[A-Z][a-z.]+(?:[ \t]+[A-Z][a-z.]+)?)?"
    r"[ \t]*\([A-Z][A-Za-z.&]{1,15}\)[ \t]*(?:--?|\u2013|\u2014)[ \t]"
)
# a person named by one name and a place, as saints, monks and medieval nobles are ("Theodorus of
# Tabennese", "Bonosus of Sardica", "John of Gaunt"): the place after "of"
_EPITHET = re.compile(
    r"(?<![\w'\u2019.-])(?P<given>[A-Z][a-z]{2,})[ \t]+of[ \t]+"
    r"(?P<name>[A-Z][a-z]{2,}(?:[ \t]+[A-Z][a-z]{2,})?)(?![\w'\u2019-]|[ \t]+[A-Z]|[ \t]+of\b)"
)
# a capitalised word before the given name: a longer name ("Jane Tarrow of Kelby Freight": a
# person's employer, no epithet)
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'\u2019.-]*[ \t]+$")
# a region named by its compass point, capitalised after "the" and standing alone ("trade with
# the West", "a brother injured in the South", "from the Northeast"); not before a capitalised
# word or a hyphen, where a longer name goes on ("the North Sea", "the West Bank", "the South-West")
_COMPASS = re.compile(
    r"(?<![\w'\u2019-])[Tt]he[ \t]+(?P<name>(?:North|South)(?:east|west)?|East|West|Midwest)"
    r"(?![\w'\u2019-]|[ \t]+[A-Z])"
)
# words that open a phrase, never a place's name
_NOT_NAMES = frozenset(
    {"The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "His", "Her", "Our", "Your", "Each"}
)
# an acronym (a cloud's region, "the AWS region") or a word in capitals
_CAPITALS = re.compile(r"[A-Z0-9]{2,}")
_WORD = re.compile(r"\S+")


def _name_span(match: re.Match[str]) -> tuple[int, int] | None:
    name = match.group("name")
    first = name.split()[0]
    if first in _NOT_NAMES:
        return None
    return match.span("name")


def places_by_apposition(text: str) -> Iterator[tuple[int, int]]:
    """Spans of places named beside a lower-case word of their kind (see the module docstring)."""
    for regex in (_BEFORE, _BATTLE):
        for match in regex.finditer(text):
            span = _name_span(match)
            if span is not None:
                yield span
    for match in _AFTER.finditer(text):
        # the proper words right before the kind ("In Tarsk county": "Tarsk")
        first = None
        for word in reversed(list(_WORD.finditer(match.group("name")))):
            value = word.group()
            if value in _NOT_NAMES or _CAPITALS.fullmatch(value) or is_ordinary_word(value):
                break
            first = word
        if first is not None and first.group()[0].isupper():
            yield match.start("name") + first.start(), match.end()
    for match in _DATELINE.finditer(text):
        yield match.span("name")


def epithet_places(text: str) -> Iterator[tuple[int, int]]:
    """The place in a person's epithet, "Theodorus of Tabennese": one capitalised name that is no
    English word and no body's or place's head before "of", and capitalised words that are no
    English words after it; none in a program's prose ("HashMap of Vec")."""
    technical: bool | None = None
    for match in _EPITHET.finditer(text):
        given, name = match.group("given"), match.group("name")
        if given in _NOT_NAMES or given in HEADS or is_ordinary_word(given):
            continue
        if _CAPITALISED_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            continue
        if any(is_ordinary_word(word) for word in name.split()):
            continue
        if technical is None:
            technical = is_program_prose(text)
        if technical:
            return
        yield match.span("name")


def compass_regions(text: str) -> Iterator[tuple[int, int]]:
    """Regions named by a capitalised compass point after "the" ("the West", "the Midwest")."""
    for match in _COMPASS.finditer(text):
        yield match.span("name")
