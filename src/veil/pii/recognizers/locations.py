"""Places: street addresses, postcodes with their town, cities (gazetteer), spaCy GPE/LOC/FAC.

* street addresses, house number first or last, in the common European and Indian forms —
  "221B Baker Street", "1600 Pennsylvania Ave NW, Suite 200", "15852 Erin Common Apt. 835",
  "Hauptstraße 5", "Klaus-Groth-Weg 12", "Jeltestraat 3", "12, rue de la Paix",
  "Via Nadi, 43 Piano 2", "Calle Mayor 5", "Rua da Luz, 83", "H.No. 01, Sane Marg",
  "P.O. Box 123";
* a postcode with its town after a comma or at a line start — "10115 Berlin",
  "4394 KG Putte", "53962-547 Barros", "Bhiwandi 951860", "Karlport M8 7TW",
  "West Jose, MO 42817";
* postcodes alone — UK ("SW1A 1AA"), Canada ("K1A 0B1"), US ZIP with its state
  ("NY 10001"), a bare 5-digit ZIP / PLZ only with context ("zip", "postcode");
* cities, regions and countries from ``data/places.txt`` and the GeoNames towns of
  ``data/world_cities.txt`` (0.45: they need context such as "in", "from", "lives", or a
  following ", NY" / ", France" to be reported), also written in capitals or lower case right
  after a place preposition ("based in ESPOO", "returned to kiel");
* NER locations (0.7);
* the post-processor **address_tail** — the town or postcode right after a street address
  ("Kobeltallee 4, 74830", "Via Roma 5 in Calitri", "5 Main Street, Springfield"): LOCATION, 0.8.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from veil.pii.data import COMMON_WORDS, PLACES, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate, Pattern, PostProcessor, Recognizer
from veil.pii.recognizers.address_lines import EIRCODE_ALONE
from veil.pii.recognizers.chat_words import has_chat_word
from veil.pii.recognizers.common import (
    LOWER,
    NAME_WORD,
    STREET_PREFIXES,
    STREET_WORDS,
    UPPER,
    first_char,
    terms,
    words,
    wordset,
)
from veil.pii.recognizers.house_numbers import NOT_NUMBERED, counts_something, is_sentence_word
from veil.pii.recognizers.organizations import STANDARD_NAMES
from veil.pii.recognizers.persons import COMMON_CAPITALISED, ORG_SUFFIXES
from veil.pii.recognizers.place_names import (
    US_STATES,
    WORD_TOWNS,
    WORLD_CITIES,
    PlaceFinder,
    gazetteer_places,
    place_gazetteer,
)
from veil.pii.vocabulary import is_ordinary_word

__all__ = [
    "STREET_RECOGNIZERS",
    "US_STATES",
    "WORLD_CITIES",
    "PlaceFinder",
    "address_tail",
    "de_nl_street",
    "is_plausible_place",
    "is_postcode",
    "is_street",
    "place_gazetteer",
    "postcode",
    "spacy_location",
    "street_address",
    "town_with_postcode",
]

_COMMON_SUFFIX = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace"
    r"|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Row|Gardens|Grove|Mews|Walk|Alley|Plaza"
    r"|Marg|Chowk|Nagar|Gali|Path|Ganj"
)
# The USPS street suffixes (as used by Faker's en_US addresses), less the common ones above.
_OTHER_SUFFIX = "|".join(
    sorted(
        wordset(
            """
            Alley Avenue Branch Bridge Brook Brooks Burg Burgs Bypass Camp Canyon Cape Causeway Center
            Centers Centre Circle Circles Cliff Cliffs Club Common Commons Corner Corners Course Court
            Courts Cove Coves Creek Crest Crossing Crossroad Curve Dale Dam Divide Drives Estate Estates
            Expressway Extension Extensions Fall Falls Ferry Field Fields Flat Flats Ford Fords Forest
            Forge Forges Fork Forks Fort Freeway Garden Gateway Glen Glens Green Greens Groves Harbor
            Harbors Harbour Haven Heights Hill Hills Hollow Inlet Island Islands Isle Junction Junctions
            Key Keys Knoll Knolls Lake Lakes Land Landing Light Lights Loaf Lock Locks Lodge Loop Mall
            Manor Manors Meadow Meadows Mill Mills Mission Motorway Mount Mountain Mountains Neck
            Orchard Oval Overpass Park Parks Parkways Pass Passage Pike Pine Pines Plain Plains Point
            Points Port Ports Prairie Radial Ramp Ranch Rapid Rapids Rest Ridge Ridges River Roads Route
            Run Shoal Shoals Shore Shores Skyway Spring Springs Spur Spurs Squares Station Stravenue
            Stream Streets Summit Throughway Trace Track Trafficway Tunnel Turnpike Underpass Union
            Unions Valley Valleys Via Viaduct View Views Village Villages Ville Vista Walks Wall Ways
            Well Wells
            """
        ),
        key=lambda w: (-len(w), w),
    )
)
_UNIT = (
    r"(?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Piano|Puerta|Piso|Appartamento|Interno"
    r"|Scala|Esc|Andar|Apto|Bloco|Casa|#)\.?[ \t]*#?[A-Za-z0-9-]{1,6})?"
)
_DIRECTION = r"(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\b\.?)?"
# first digit of a number (house number), not one that a numbering word owns ("Chapter 11")
_N = first_char(r"\d") + NOT_NUMBERED
_HOUSE = rf"{_N}\d{{0,4}}(?:/\d{{1,4}})?[A-Za-z]?"
_STREET_NAME = rf"(?:{NAME_WORD}|\d{{1,3}}(?:st|nd|rd|th))(?:[ \t]{NAME_WORD}){{0,3}}"
_PARTICLES = (
    r"(?:de|del|della|delle|dei|di|da|das|do|dos|du|des|la|le|les|l'|d'|el|los|las|y|e|van|von|der|den|am|an"
    r"|im|bei|ob|sur|sous|lès|en|aux|au|upon|on|ter|op|aan)"
)
_HOUSE_AFTER = r"[ \t]\d{1,4}[a-zA-Z]?(?:[-/]\d{1,4}[a-z]?)?(?![\d.,:/-]\d|\d)"  # not a 5-digit postcode
# Street words that begin the name, lower case in French ("12, rue de la Paix"), capitalised elsewhere.
_PREFIX = words(
    (*STREET_PREFIXES, "rue", "chemin", "avenue", "boulevard", "allée", "impasse", "place", "quai")
)
_PREFIXED_NAME = (
    rf"{_PREFIX}[ \t]+(?:{_PARTICLES}[ \t]*)*{NAME_WORD}(?:[ \t-](?:{_PARTICLES}[ \t]*)*{NAME_WORD}){{0,3}}"
    rf"(?:,?{_HOUSE_AFTER})?{_UNIT}"
)
_UNIT_FIRST = words(("Flat", "Studio", "Apartment", "Apt", "Unit", "Suite"))
_NUMBER_STREET = rf",?[ \t]+{_STREET_NAME}[ \t]+(?:{_COMMON_SUFFIX})\b\.?{_DIRECTION}{_UNIT}"


_CAPITALISED_WORD = re.compile(rf"[{UPPER}][{LOWER}]+")


def is_street(text: str) -> bool:
    """Some word of the street's name is a name, not an ordinary word ("3 Key Points"); the
    number is no count or measure ("12 Volt Drive", "3 Days Post Op Dr") and no word is a
    sentence's ("Referred By Dr")."""
    tokens = text.split()
    if any(is_sentence_word(t) for t in tokens) or (
        len(tokens) > 2 and tokens[0][:1].isdigit() and counts_something(None, tokens[1], tokens[2])
    ):
        return False
    return any(
        word not in COMMON_CAPITALISED and word not in STREET_WORDS
        for word in _CAPITALISED_WORD.findall(text)
    )


def street_address() -> Recognizer:
    return Recognizer(
        name="street_address",
        entity_type=EntityType.LOCATION,
        patterns=(
            Pattern(rf"{_HOUSE}{_DIRECTION}{_NUMBER_STREET}", 0.9, "number_street"),
            # "Flat 82 Rhodes Landing", "Studio 15 Keith Stream"
            Pattern(
                rf"{_UNIT_FIRST}[ \t]+{_HOUSE},?[ \t]+{_STREET_NAME}[ \t]+"
                rf"(?:{_COMMON_SUFFIX}|{_OTHER_SUFFIX})\b",
                0.9,
                "unit_number_street",
            ),
            Pattern(
                rf"H(?<!\wH)\.?[ \t]?No\.?[ \t]*\d{{1,5}}(?:/\d{{1,4}})?{_NUMBER_STREET}",
                0.9,
                "house_no_street",
            ),
            Pattern(
                rf"{_HOUSE},?[ \t]+{_STREET_NAME}[ \t]+(?:{_OTHER_SUFFIX})\b{_DIRECTION}{_UNIT}",
                0.7,
                "number_street_other",
            ),
            # "via Nadi, 43", "Rua da Luz, 83", "avenue de Laroche"; "12, rue de la Paix"
            Pattern(_PREFIXED_NAME, 0.9, "prefixed_street"),
            Pattern(
                rf"{_HOUSE}(?:[ \t]?(?:bis|ter))?,?[ \t]+{_PREFIXED_NAME}", 0.9, "number_prefixed_street"
            ),
            Pattern(r"[Pp](?<!\w[Pp])\.?[ \t]?[Oo]\.?[ \t]+(?i:box)[ \t]+\d{1,6}\b", 0.75, "po_box"),
        ),
        validate=is_street,
        context=(
            "address",
            "lives",
            "live",
            "living",
            "resides",
            "located",
            "ship",
            "shipped",
            "deliver",
            "delivery",
            "mail",
            "street",
            "home",
            "residence",
            "moved",
            "office",
        ),
        window_before=32,
    )


# German and Dutch street names are one word ending in a street word: "Zorbachring 8/3",
# "Laraweg 50", "Klaus-Groth-Straße 12" (found from "word number" pairs, then checked).
_DE_NL_SUFFIXES = tuple(
    sorted(
        wordset(
            "straße strasse str. weg allee platz gasse damm ufer steig chaussee straat laan plein gracht "
            "kade hof dijk singel steeg markt baan dreef pad ring boulevard"
        )
    )
)
_NOT_STREETS = ("spring", "string", "bring", "during", "offspring")
# A street word is at most 60 characters ("Bürgermeister-Smidt-Straße" is 26): unbounded, the
# lazy scan runs to the end of a hostile run ("Aa'Aa'Aa'...") from every word in it (quadratic).
_WORD_NUMBER = re.compile(rf"[^\W\d_](?<![\w.-][^\W\d_])[\w.'-]{{0,60}}?[{LOWER}.]{_HOUSE_AFTER}")
_NAME_BEFORE = re.compile(rf"({NAME_WORD})[ \t]$")


# Where a number follows a blank (the house number's start), and where a word may start: a scan from
# every word of a text for a number after it is read from the numbers back instead.
_BLANK_DIGIT = re.compile(r"[ \t]\d")
_WORD_HEAD = re.compile(r"(?<![\w.-])[^\W\d_]")
_WORD_REACH = 62  # a match's word: its first letter, at most 60 characters, a last one


def _word_numbers(text: str) -> Iterator[re.Match[str]]:
    """What ``_WORD_NUMBER.finditer(text)`` finds: its matches start at a word's first letter at most
    62 characters before a blank and a digit, with no blank between, and are tried only there."""
    after = 0
    for blank in _BLANK_DIGIT.finditer(text):
        end = blank.start()
        reach = max(0, end - _WORD_REACH)
        lo = max(after, reach, *(text.rfind(c, reach, end) + 1 for c in " \t\n"))
        for head in _WORD_HEAD.finditer(text, lo, end):
            match = _WORD_NUMBER.match(text, head.start())
            if match is not None:
                yield match
                after = match.end()
                break


def _find_de_nl_streets(text: str) -> Iterator[tuple[int, int, float]]:
    for match in _word_numbers(text):
        word = match.group().split()[0]
        lower = word.lower()
        if not word[0].isupper() or not lower.endswith(_DE_NL_SUFFIXES) or lower.endswith(_NOT_STREETS):
            continue
        if lower in _DE_NL_SUFFIXES:  # "Weg 5", "Ring 3": a suffix alone is not a street name
            continue
        start = match.start()
        before = _NAME_BEFORE.search(text, max(0, start - 40), start)  # "Klaus Peter-Kreusel-Allee"
        if before is not None and before.group(1) not in COMMON_CAPITALISED:
            start = before.start()
        yield start, match.end(), 0.9


def de_nl_street() -> Recognizer:
    return Recognizer(
        name="street_de_nl",
        entity_type=EntityType.LOCATION,
        finder=_find_de_nl_streets,
        context=terms("address|adresse|anschrift|adres|lives|wohnt|woont|straße|street"),
        window_before=32,
    )


_CITY = rf"{NAME_WORD}(?:['\u2019]|[ \t-](?:{_PARTICLES}[ \t-])*{NAME_WORD}){{0,4}}"
_UK_POSTCODE = (
    r"(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})"
)
# After a comma, a field separator or at the start of a line: where a town line begins.
_LINE = r"[,;:|\n][ \t]*"


_PLACE_PREPOSITION = words(("in", "at", "from", "to", "near"))
_TOWN_WORD = re.compile(rf"[{UPPER}][^\s,-]*")
_STATE_AT_END = re.compile(r",[ \t]+([A-Z]{2})[ \t]+\d{5}(?:-\d{4})?$")


_TOWN_THEN_ZIP = re.compile(r"[^\d]+[ \t]\d{5}")


def _is_town_line(text: str) -> bool:
    """Not "10000 People" or "Order 123456"; a US line needs a real state code; a town and five
    digits inside a sentence not ordinary words ("in Release 20241")."""
    town = _TOWN_WORD.findall(text)
    if not town or all(word in COMMON_CAPITALISED for word in town):
        return False
    if _TOWN_THEN_ZIP.fullmatch(text) and all(is_ordinary_word(word) for word in town):
        return False
    match = _STATE_AT_END.search(text)
    return match is None or match.group(1) in US_STATES


def town_with_postcode() -> Recognizer:
    return Recognizer(
        name="town_with_postcode",
        entity_type=EntityType.LOCATION,
        patterns=(
            Pattern(rf"{_LINE}(?P<pii>\d{{5}}(?:-\d{{3,4}})?[ \t]{_CITY})", 0.9, "postcode_town"),
            Pattern(rf"{_LINE}(?P<pii>\d{{8}}[ \t]{_CITY})", 0.9, "cep_town"),
            Pattern(rf"{_LINE}(?P<pii>\d{{4}}[ \t]?[A-Z]{{2}}[ \t]{_CITY})", 0.9, "nl_postcode_town"),
            Pattern(rf"{_LINE}(?P<pii>{_CITY}[ \t]\d{{6}})(?![\w.,-]\d|\d)", 0.9, "town_pin"),
            Pattern(rf"{_LINE}(?P<pii>{_CITY}[ \t]{_UK_POSTCODE})\b", 0.9, "town_uk_postcode"),
            Pattern(
                rf"{_LINE}(?P<pii>{_CITY},[ \t][A-Z]{{2}}[ \t]\d{{5}}(?:-\d{{4}})?)(?![\w-])", 0.9, "us_town"
            ),
            # inside a sentence, after a place preposition: "to support them in Costamezzana 43015"
            Pattern(
                rf"{_PLACE_PREPOSITION}[ \t]+(?P<pii>{_CITY}[ \t]\d{{5}})(?![\w-]|[.,/:]\d)",
                0.85,
                "town_postcode_after_preposition",
            ),
        ),
        validate=_is_town_line,
    )


# State codes that are also words or labels ("Order ID 12345"): only after "City, ".
_AMBIGUOUS_STATES = frozenset({"ID", "IN", "OR", "ME", "OK", "HI", "DE", "CO", "PA"})
_STATE_ZIP = re.compile(r"^([A-Z]{2}),?[ \t]+\d{5}")


def is_postcode(text: str) -> bool:
    """US "ST 12345" needs a real, unambiguous state code; other postcodes pass."""
    match = _STATE_ZIP.match(text)
    if match is None:
        return True
    return match.group(1) in US_STATES and match.group(1) not in _AMBIGUOUS_STATES


def postcode() -> Recognizer:
    return Recognizer(
        name="postcode",
        entity_type=EntityType.LOCATION,
        patterns=(
            Pattern(
                # not a piece of a longer code joined by "/" or "." ("X/SW1A1AA.B")
                r"[A-PR-UWYZ](?<![\w/][A-PR-UWYZ])(?:IR ?0AA|(?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]"
                r"|[A-HK-Y]\d[ABEHMNPRV-Y]) ?\d[ABD-HJLNP-UW-Z]{2})\b(?![/.]\w)",
                0.6,
                "uk",
            ),
            Pattern(
                r"[ABCEGHJ-NPRSTVXY](?<![\w/][ABCEGHJ-NPRSTVXY])\d[ABCEGHJ-NPRSTV-Z] ?"
                r"\d[ABCEGHJ-NPRSTV-Z]\d\b(?![/.]\w)",
                0.55,
                "canada",
            ),
            Pattern(EIRCODE_ALONE, 0.6, "eircode"),  # Ireland: "A65 F4E2"
            Pattern(r"[A-Z](?<!\w[A-Z])[A-Z],?[ \t]+\d{5}(?:-\d{4})?(?![\w-])", 0.6, "us_state_zip"),
            Pattern(
                r",[ \t](?:ID|IN|OR|ME|OK|HI|DE|CO|PA)[ \t]+(?P<pii>\d{5}(?:-\d{4})?)(?![\w-])",
                0.6,
                "us_city_state_zip",
            ),
            Pattern(
                r"\d(?<![\w.,/-]\d)\d{3,7}(?:-\d{3,4})?(?![\w-]|[.,]\d|/\w)", 0.2, "postcode_with_context"
            ),
            Pattern(r"\d(?<![\w.,-]\d)\d{3}[ ]?[A-Z]{2}\b", 0.2, "nl_postcode_with_context"),
        ),
        validate=is_postcode,
        context=(
            "zip",
            "zipcode",
            "zip code",
            "postcode",
            "post code",
            "postal code",
            "postal",
            "plz",
            "code postal",
            "cp",
            "cap",
            "address",
        ),
        context_boost=0.4,
        negative_context=(
            "order",
            "invoice",
            "ref",
            "ticket",
            "id",
            "amount",
            "total",
            "price",
            "$",
            "version",
            "room",
            "patients",
            "users",
            "user",
            "items",
            "records",
            "account",
            "employee",
            "member",
            "customer",
            "case",
            "no",
            "number",
            "pin",
        ),
        window_before=24,
    )


# A lower-case word of four letters or more: no particle of a place's name ("de", "upon", "sur").
_LOWER_WORD = re.compile(rf"(?<![\w'\u2019-])[{LOWER}]{{4,}}(?![\w'\u2019-])")


# Kinds of a program's part, in lower case after its name: no place's name ends in one
_PROGRAM_KINDS = wordset(
    "trait traits type types struct structs class classes module modules method methods crate crates"
    " macro macros enum enums function functions object objects instance instances field fields"
)


# Places of one word that English also writes as an ordinary word: seas, oceans, poles, ranges and
# compass regions ("the Pacific", "the Arctic", "the West"), and the towns named by words
_WORD_PLACES = WORD_TOWNS | wordset(
    "Pacific Atlantic Arctic Antarctic Antarctica Mediterranean Baltic Adriatic Aegean Caspian Everest"
    " North South East West Midwest Orient Levant Riviera"
)


# Endings of adjectives and abstract nouns: a capitalised ordinary word with one modifies or names
# a thing ("International level", "Medieval Spanish", "Government", "Linguistics"), no town
_MODIFIER_ENDINGS = (
    "al",
    "ic",
    "ics",
    "ment",
    "ity",
    "ism",
    "ist",
    "tion",
    "sion",
    "ness",
    "ive",
    "ous",
    "ary",
)


def _an_ordinary_word(text: str) -> bool:
    """One capitalised word that is a common English word or an ordinary word with the ending of
    an adjective or an abstract noun, and no place any list knows: the small model types a word
    capitalised for emphasis or in a title as a place ("a leader at International level", "from
    Medieval Spanish"). Rarer ordinary words may be towns the lists leave out ("in Midland,
    Texas", "came to Dingle"): they stay."""
    if not text.isalpha() or text.isupper() or text in _WORD_PLACES or text in gazetteer_places():
        return False
    folded = text.casefold()
    if folded in _common_words():
        return True
    return folded.endswith(_MODIFIER_ENDINGS) and is_ordinary_word(text)


@cache
def _common_words() -> frozenset[str]:
    return frozenset(w for w in load_list(COMMON_WORDS) if w.islower())


def is_plausible_place(text: str) -> bool:
    """Letters and a capital; not an acronym that is no known place ("AI", "ML"), not a firm
    ("Enigmus AI"), not one ordinary word no list holds as a place ("International")."""
    if any(c in text for c in "@/\\#=<>|_"):
        return False
    if has_chat_word(text):
        return False  # "Hahaha", "Lmao": laughter or chat slang, no place
    letters = sum(c.isalpha() for c in text)
    if letters < 2 or not any(c.isupper() for c in text) or text in STANDARD_NAMES:
        return False
    if _an_ordinary_word(text):
        return False
    if any(c in text for c in '()[]{}"') or len(_LOWER_WORD.findall(text)) >= 3:
        # a clause, not a name: "L1 and L2) regularization is only supported by the 'saga' solver"
        return False
    words = text.split()
    if words[-1] in ORG_SUFFIXES and len(words) > 1:
        return False
    if len(words) > 1 and words[-1] in _PROGRAM_KINDS:
        return False  # "the Zabatw trait", "a Quux struct": a program's part, named by its kind
    return not (text.isupper() and len(text) <= 3 and text not in load_list(PLACES))


def spacy_location() -> Recognizer:
    return Recognizer(
        name="spacy_location",
        entity_type=EntityType.LOCATION,
        ner_labels=("GPE", "LOC", "FAC"),
        ner_score=0.65,
        validate=is_plausible_place,
        context=(
            "in",
            "from",
            "near",
            "lives",
            "live",
            "living",
            "moved",
            "based",
            "born",
            "city",
            "address",
            "located",
            "resides",
            "travel",
            "visit",
            "visited",
            "to",
        ),
        context_boost=0.15,
        # spaCy reads the names of software as places ("the Postgresql dialect", "interfaces in
        # Click", "the Starlette _DefaultLifespan class"): a word of programming beside the span
        # outweighs "in" (0.65 + 0.15 - 0.45 < 0.5); the gazetteer's places are not affected
        negative_context=SOFTWARE_NOUNS,
        negative_window_after=24,
        window_before=14,
        window_after=0,
    )


# Nouns only software has: a name beside one is a program, a library or a format.
SOFTWARE_NOUNS = (
    "dialect",
    "dialects",
    "module",
    "modules",
    "library",
    "libraries",
    "framework",
    "package",
    "packages",
    "plugin",
    "plugins",
    "api",
    "apis",
    "class",
    "subclass",
    "method",
    "methods",
    "function",
    "functions",
    "interpreter",
    "compiler",
    "runtime",
    "syntax",
    "parser",
    "backend",
    "namespace",
    "decorator",
    "interface",
    "interfaces",
    "source code",
    "codebase",
)


# -- the address tail (a post-processor) ---------------------------------------------------------

STREET_RECOGNIZERS = frozenset({"street_address", "street_de_nl"})
_UK_POSTCODE = r"[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_TOWN = (
    rf"{NAME_WORD}(?:(?:[ \t-](?:(?:de|del|della|di|da|do|dos|das|du|des|la|le|les|sur|sous|am|an|upon|aan|op"
    rf"|ter)[ \t-])*){NAME_WORD}){{0,4}}"
)
# What follows a street address: ", Berlin", " in Rosazza", ", 38986", ", 9843 WC", ", SW1A 1AA".
_ADDRESS_TAIL = re.compile(
    rf"(?:,[ \t]*|[ \t]+in[ \t]+)(?:(?P<code>\d{{4}}[ \t]?[A-Z]{{2}}|\d{{4,8}}(?:-\d{{3,4}})?|{_UK_POSTCODE})"
    rf"(?![\w-]|[.,/:]\d)|(?P<town>{_TOWN})(?![\w@.-]\w))"
)
_NAME_WORD = re.compile(NAME_WORD)


def find_address_tails(text: str, candidates: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """The town or postcode right after each street address found; a town must not be a
    common word."""
    for _, end, _, _, name in candidates:
        if name not in STREET_RECOGNIZERS:
            continue
        match = _ADDRESS_TAIL.match(text, end)
        if match is None:
            continue
        town = match.group("town")
        if town is not None and all(w in COMMON_CAPITALISED for w in _NAME_WORD.findall(town)):
            continue
        group = "town" if town is not None else "code"
        yield match.start(group), match.end(group), 0.8


def address_tail() -> PostProcessor:
    return PostProcessor(
        name="address_tail",
        entity_type=EntityType.LOCATION,
        stage="rules",
        derive=find_address_tails,
        reads=STREET_RECOGNIZERS,
        description="the town or postcode right after a street address",
    )
