"""States and provinces written as their postal codes, and regions named by their usual
abbreviation after a preposition of place: "Springfield, IL", "near Tulsa, OK", "Washington,
D.C.", "living in NZ", "back in NSW", "the state of NY".

The place gazetteer finds the town of "Chillicothe, OH" and leaves the state's code, which no list
of names holds and the small NER model leaves untyped, so "OH" leaked. Two cues make such a code a
place:

* a town before it, written as addresses and datelines write one: a capitalised word, a comma and
  the code in capitals ("Bartlesville, OK", "Fremantle, WA"). A code that is also an English word
  ("OK", "IN", "OR", "ME", "HI", "OH", "AS") needs a town the gazetteer knows ("Fine, OK" is a
  reply, "Tulsa, OK" a town);
* the news agencies' dotted abbreviations after a town ("Salem, Ore.", "Shawville, Que."), those
  that are words ("Ill.", "Mass.", "Pa.") only after a town the gazetteer knows and before no
  lower-case word;
* a preposition of place before an abbreviation English writes for a region itself ("in NZ",
  "from NSW", "to the UK" is :mod:`.country_codes`'): a short list, written by hand from the
  US, Canadian and Australian postal abbreviations and common English ones, less those that name
  other things in technical writing ("in CA", a certificate authority; "in DC", direct current;
  "in SA", simulated annealing), read only where the text is no program's prose.

Nothing in a text written in capitals (a heading or a shout: "LIVE IN NY" stays), and no code glued
to a word, a path or a number ("CA-1234", "OK/Cancel", "NY2").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.place_names import US_STATES, gazetteer_places
from veil.pii.recognizers.program_prose import is_program_prose

__all__ = ["PROVINCE_CODES", "REGION_ABBREVIATIONS", "region_code", "region_codes"]

# Canadian provinces and territories, Australian states and territories (postal abbreviations).
PROVINCE_CODES = wordset("AB BC MB NB NL NS NT NU ON PE QC SK YT NSW QLD VIC TAS ACT WA SA")
# codes that are English words or a degree after a person's name ("Jane Roe, MD", "Ann Lee, MA"):
# a town the gazetteer knows must stand before them
_WORD_CODES = wordset("OK IN OR ME HI OH AS ON PE SA ACT TAS VIC AL MD MA PA ND DC CO DE")
# the armed forces' "states" and codes that name a territory only in an address
_NOT_AFTER_TOWN = wordset("AA AE AP FM MH PW MP")
# Regions English names by an abbreviation after "in", "from", "to": postal codes of big states
# and provinces, and common ones ("NZ", "NYC", "SoCal" is no code). Not those technical prose
# writes for other things ("CA", "DC", "SA", "GA", "CT", "MS", "MI", "TN", "OR", "ID", "IL", "CO").
REGION_ABBREVIATIONS = wordset(
    "NZ NYC NY LA SF NSW QLD WA NI BC TX NJ NC SC FL AZ NV WI MN KY VA WV NH VT RI AK HI"
)
# The news agencies' abbreviations of states and provinces, written with a dot after a town
# ("Wardsville, Mo.", "Shawville, Que.", "Salem, Ore."): those that are no word; the others
# ("Ill.", "Miss.", "Mass.", "Wash.", "Ind.", "Man.") only after a town the gazetteer knows.
_AGENCY_CODES = wordset(
    "Ala Ariz Ark Calif Colo Conn Fla Ga Kan Kans Ky Md Mich Minn Mo Mont Neb Nev Okla Ore Tenn"
    " Tex Vt Va Wis Wyo Que Ont Alta Sask"
)
_AGENCY_WORDS = wordset("Ill Miss Mass Wash Ind Man Del Me Pa La")
_AGENCY = re.compile(
    r"(?P<town>[A-Z][A-Za-z]+(?:[ \t-][A-Z][A-Za-z]+){0,2})[ \t]?,[ \t]+(?P<code>[A-Z][a-z]{1,4})[ \t]?\."
    r"(?P<lower>[ \t]?[a-z0-9])?"
)
# dotted forms: "Washington, D.C.", "police in B.C.", "East L.A.", "back to N.Z."
_DOTTED = r"D\.C\.|B\.C\.|L\.A\.|N\.Y\.(?:C\.)?|N\.Z\.|N\.S\.W\."
_CODE = rf"(?:{_DOTTED}|[A-Z]{{2,3}}(?![\w./-]|['\u2019]\w))"
# a town, a comma and a code: "Chillicothe, OH area", "in Fremantle, WA :)"
_AFTER_TOWN = re.compile(
    rf"(?P<town>[A-Z][a-z]+(?:[ \t-][A-Z][a-z]+){{0,2}}),[ \t]+(?P<code>{_CODE})(?![ \t]*[0-9]{{6,}})"
)
# a preposition of place and an abbreviation: "in NZ", "back to NSW", "the state of NY"
_AFTER_PREPOSITION = re.compile(
    r"(?<![\w-])(?:[Ii]n|[Ff]rom|to|[Nn]ear|around|across|visit(?:ing|ed)?|[Ss]tate[ \t]+of|[Oo]ut[ \t]+of)"
    rf"[ \t]+(?:the[ \t]+)?(?P<code>{_CODE})"
)
# text written in capitals: three words of capitals in a row near the code
_CAPS_RUN = re.compile(r"[A-Z]{2,}[ \t,.!?]+[A-Z]{2,}[ \t,.!?]+[A-Z]{2,}")


@cache
def _towns() -> frozenset[str]:
    return gazetteer_places()


def _shouted(text: str, start: int, end: int) -> bool:
    """Capitals around the code: a heading or a shout ("WE LIVE IN NY NOW")."""
    return _CAPS_RUN.search(text, max(0, start - 16), min(len(text), end + 16)) is not None


def region_codes(text: str) -> Iterator[tuple[int, int, float]]:
    """Region codes after a town (0.7) and region abbreviations after a preposition of place
    (0.6), as a finder."""
    seen: set[int] = set()
    for match in _AFTER_TOWN.finditer(text):
        code = match.group("code")
        bare = code.replace(".", "")
        if not (code.endswith(".") or bare in US_STATES or bare in PROVINCE_CODES) or bare in _NOT_AFTER_TOWN:
            continue
        if bare in _WORD_CODES and not code.endswith(".") and match.group("town") not in _towns():
            continue
        start, end = match.span("code")
        if not _shouted(text, start, end):
            seen.add(start)
            yield start, end, 0.7
    for match in _AGENCY.finditer(text):
        code, town = match.group("code"), match.group("town")
        if code in _AGENCY_CODES or (code in _AGENCY_WORDS and not match.group("lower") and town in _towns()):
            seen.add(match.start("code"))
            yield match.start("code"), match.end("code") + (text[match.end("code")] == "."), 0.7
    technical: bool | None = None
    for match in _AFTER_PREPOSITION.finditer(text):
        code = match.group("code")
        start, end = match.span("code")
        if start in seen or not (code.endswith(".") or code in REGION_ABBREVIATIONS):
            continue
        if _shouted(text, match.start(), end):
            continue
        if technical is None:
            technical = is_program_prose(text)
        if technical:
            return
        yield start, end, 0.6


def region_code() -> Recognizer:
    """:func:`region_codes` as a LOCATION recognizer."""
    return Recognizer(name="place_region_code", entity_type=EntityType.LOCATION, finder=region_codes)
