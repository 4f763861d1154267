"""Places named by the shipped gazetteers: cities, regions and countries of ``data/places.txt``
and the GeoNames towns of ``data/world_cities.txt``.

A name is reported at 0.45 and needs context ("in", "from", "lives", "visited"...) to pass, or
0.7 when ", NY" / ", France" follows it; written in capitals or in lower case it counts right
after a place preposition ("based in HARSTAD", "returned to kristiansund"). A GeoNames town
after an article is a word used otherwise ("the Laplace distribution"). Hand-written lookup:
the gazetteers are sets, scanned over runs of capitalised words, longest name first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, cached_property

from veil.pii.data import COUNTRIES, FIRST_NAMES, LAST_NAMES, PLACES, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LOWER, NAME_START, NAME_WORD, word_branches, words, wordset
from veil.pii.recognizers.country_codes import country_abbreviations
from veil.pii.recognizers.persons import COMMON_CAPITALISED
from veil.pii.recognizers.place_appositions import compass_regions, epithet_places, places_by_apposition
from veil.pii.recognizers.place_kinds import places_by_kind
from veil.pii.recognizers.place_spellings import plain_town_spellings
from veil.pii.recognizers.word_leads import folded
from veil.pii.vocabulary import is_ordinary_word

__all__ = [
    "FORMER_AND_REGIONAL_PLACES",
    "US_STATES",
    "WORD_TOWNS",
    "WORLD_CITIES",
    "PlaceFinder",
    "gazetteer_places",
    "place_gazetteer",
    "with_feature",
]

US_STATES = wordset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR AS GU MP VI FM MH PW AA AE AP"
)

# A run of capitalised words, with the particles of place names between them ("Aix-en-Provence",
# "Abadia dos Dourados", "Aire-sur-l'Adour", "Stratford-upon-Avon").
_PLACE_PARTICLE = (
    r"(?:(?:de|del|della|delle|di|da|das|do|dos|du|des|la|le|les|el|en|sur|sous|lès|upon|on|of|am|an|im"
    r"|e|y)[ \t-]+|[ld]['\u2019])"
)
_PLACE_TOKEN = re.compile(rf"{NAME_START}(?:\.)?(?:[ \t-]+{_PLACE_PARTICLE}{{0,2}}{NAME_WORD}\.?){{0,3}}")
_NON_SPACE = re.compile(r"[^ \t]+")
_PART = re.compile(r"[^ \t-]+")
_TRAILING_REGION = re.compile(rf",[ \t]*(?:[A-Z]{{2}}\b|{NAME_WORD})")


# A place in lower case or in capitals right after a place preposition ("i'm from switzerland",
# "based in ESPOO", "University of BASHALL TOWN"): the words are looked up case-folded.
_CAPS = r"A-ZÀ-ÖØ-ÞĀ-žȘȚ\u0386-\u03ab\u0400-\u042f"  # capital letters: Latin, Greek, Cyrillic
_CAPS_WORD = rf"[{_CAPS}][{_CAPS}'\u2019]*"
_AFTER_PREPOSITION = re.compile(
    words(("in", "from", "to", "near", "across", "around", "visit", "visited", "visiting", "of"))
    + rf"[ \t]+(?=(?:(?P<words>[{LOWER}][{LOWER}'\u2019]*(?:[ \t-][{LOWER}'\u2019]+){{0,5}})"
    rf"|(?P<caps>{_CAPS_WORD}(?:[ \t-][{_CAPS}][{_CAPS}'\u2019]*){{0,5}}))(?![\w-]|\.\w))"
)  # not a host's label: "write to uk.com" names a domain, no country. The words are read ahead,
# not consumed: a preposition among them starts its own match ("to see someone from kiel")
_COUNTRY_WORDS = frozenset({"chad", "china", "georgia", "guinea", "japan", "jordan", "niger", "turkey"})
# "the UK", "U.S." (country_codes): as sure as a place the gazetteer knows with its region after it
_ABBREVIATION_SCORE = 0.7
# "the Hudson River", "Fort Lee" (place_kinds): above the NER's person (0.85), which the proper
# noun in such a name often draws ("Hudson", "Lee")
_KIND_SCORE = 0.88
# the place of a person's epithet, "Theodorus of Tabennese", and a compass point's region, "the
# West" (place_appositions): below the NER's person, which may read the whole as one name
_EPITHET_SCORE = 0.6
WORLD_CITIES = "world_cities.txt"  # in veil.pii.data (GeoNames towns; see its README)
_ARTICLE_BEFORE = re.compile(r"\b(?i:the|a|an)[ \t]+$")
# A well-known place named alone (PlaceFinder._stands_alone): at the floor, so reported bare
_ALONE_SCORE = 0.5
# a town with its state or country after it, no comma between ("Westminster Colorado"): as sure
# as one with ", Colorado" after it
_REGION_SCORE = 0.7
# characters that join a word to a path, an identifier or a handle ("Europe/Berlin", "@Denmark",
# "Germany.csv", "Peru_2019", "Chile-based")
_JOINED_BEFORE = frozenset("/\\_-.@#=<>[{`")
_JOINED_AFTER = re.compile(r"[/\\_\-@#=<>(\[{`]|\.\w")
_CAPITALISED_AFTER = re.compile(r"[ \t]+[A-Z0-9]")  # "Vietnam War", "Tulsa 2024"
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][\w'\u2019-]*[ \t]+$")  # "Hotel Monaco"


# "St", "St.", "Ste" written for "Saint", "Sainte" before a place's name.
_SAINT = re.compile(r"(St|Ste)\.?[ \t]+(?=[A-Z])")


def _first_words(names: frozenset[str]) -> frozenset[str]:
    firsts = (_PART.match(name) for name in names)
    return frozenset(first.group() for first in firsts if first is not None)


def _saint(name: str) -> str:
    """``name`` with an abbreviated "St"/"Ste" written out, as the gazetteers write it."""
    match = _SAINT.match(name)
    if match is None:
        return name
    return ("Saint " if match.group(1) == "St" else "Sainte ") + name[match.end() :]


# Places that neither gazetteer file lists, since both list today's towns, regions and countries:
# former states and empires ("the Soviet Union", "Gaul"), and regions and ranges written as names
# ("Crimea", "the Alps", "Asia Minor"). Names only: no adjective that is also one ("Baltic").
FORMER_AND_REGIONAL_PLACES = frozenset(
    {
        "Soviet Union",
        "USSR",
        "Yugoslavia",
        "Czechoslovakia",
        "East Germany",
        "West Germany",
        "Prussia",
        "Persia",
        "Burma",
        "Ceylon",
        "Zaire",
        "Rhodesia",
        "Siam",
        "Austria-Hungary",
        "Ottoman Empire",
        "Roman Empire",
        "Holy Roman Empire",
        "Byzantine Empire",
        "Gaul",
        "Mesopotamia",
        "Anatolia",
        "Asia Minor",
        "Crimea",
        "Siberia",
        "Scandinavia",
        "Patagonia",
        "Balkans",
        "Caucasus",
        "Alps",
        "Andes",
        "Himalayas",
        "Pyrenees",
        "Sahara",
        "Nevis",
        "Saint Kitts",
        "Middle East",
        "Far East",
        "South East Asia",
        "Southeast Asia",
        "Midwest",
        # continents and the regions named like them ("moved to Europe", "across Africa")
        "Europe",
        "Asia",
        "Africa",
        "Antarctica",
        "Oceania",
        "Australasia",
        "Eurasia",
        "North America",
        "South America",
        "Central America",
        "Latin America",
        "Sub-Saharan Africa",
        "North Africa",
        "West Africa",
        "East Africa",
        "Southern Africa",
        "Central Asia",
        "East Asia",
        "South Asia",
        "Western Europe",
        "Eastern Europe",
        "Central Europe",
        "Northern Europe",
        "Southern Europe",
    }
)


# A compass point or a part before a known place is part of its name: "North Yorkshire", "East
# Los Angeles", "Upper Austria", "Greater Manchester" (the gazetteers list the place alone).
_COMPASS = wordset(
    "North South East West Northern Southern Eastern Western Central Upper Lower Greater Inner Outer"
    " Northeast Northwest Southeast Southwest"
)


@cache
def _countries_of_words() -> frozenset[str]:
    """Countries of several words ("South Korea", "United Arab Emirates"): the one-word ones are
    left to the NER and the hand-kept places, as many are also names or words ("Jordan", "Chad")."""
    return frozenset(c for c in load_list(COUNTRIES) if " " in c)


@cache
def gazetteer_places() -> frozenset[str]:
    """Every place the gazetteers know, as written: the hand-kept places, the GeoNames towns, the
    countries and :data:`FORMER_AND_REGIONAL_PLACES`."""
    return load_list(PLACES) | load_list(WORLD_CITIES) | load_list(COUNTRIES) | FORMER_AND_REGIONAL_PLACES


class PlaceFinder:
    """Cities, regions and countries from the shipped gazetteer (longest match first)."""

    @cached_property
    def places(self) -> frozenset[str]:
        """The hand-kept places and the GeoNames towns (less words, first names, family names),
        also as English spells them without diacritics (:mod:`.place_spellings`)."""
        return (
            load_list(PLACES)
            | load_list(WORLD_CITIES)
            | plain_town_spellings()
            | FORMER_AND_REGIONAL_PLACES
            | _countries_of_words()
        )

    @cached_property
    def hand_places(self) -> frozenset[str]:
        return load_list(PLACES) | FORMER_AND_REGIONAL_PLACES

    @cached_property
    def folded_places(self) -> frozenset[str]:
        """Places and countries case-folded, for a name written in capitals or in lower case
        (a lower-case one needs six letters or more: "conda" is a town too)."""
        return frozenset(p.casefold() for p in self.places | load_list(COUNTRIES)) - _COUNTRY_WORDS

    @cached_property
    def _heads(self) -> tuple[frozenset[str], frozenset[str]]:
        """The first words (as ``_PART`` splits them) of the lower-case countries and of the
        case-folded places: a name after a preposition is known only if its first word is one
        (case-folding changes no blank or hyphen, so a folded name's first word is its first
        word folded)."""
        return _first_words(self.lower_countries), _first_words(self.folded_places)

    def __getstate__(self) -> dict[str, object]:
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        pass

    @cached_property
    def lower_countries(self) -> frozenset[str]:
        """Countries as written in lower case ("switzerland", "new zealand"), less those that are
        also ordinary words ("turkey", "china", "chad") or pronouns ("us")."""
        return (
            frozenset(c.casefold() for c in load_list(COUNTRIES) if len(c) > 3 or c in ("UK", "USA"))
            - _COUNTRY_WORDS
        )

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for start, end, score in self._after_preposition(text):
            yield with_feature(text, start, end, score)
        for start, end in country_abbreviations(text):
            yield start, end, _ABBREVIATION_SCORE
        for start, end in places_by_kind(text):
            yield start, end, _KIND_SCORE
        for start, end in places_by_apposition(text):
            yield start, end, _KIND_SCORE
        for start, end in epithet_places(text):
            yield start, end, _EPITHET_SCORE
        for start, end in compass_regions(text):
            yield start, end, _EPITHET_SCORE
        yield from self._cued(text)
        yield from self._word_towns(text)
        for start, end, score in self._listed(text):
            yield with_feature(text, start, end, score)

    def _listed(self, text: str) -> Iterator[tuple[int, int, float]]:
        """The gazetteers' names in the runs of capitalised words."""
        places = self.places
        for run in _PLACE_TOKEN.finditer(text):
            value = run.group()
            if " " not in value and "\t" not in value and "-" not in value:  # one word: the common case
                name = value if value in places else value.rstrip(".")
                if name in places and self._named(text, run.start(), name):
                    end = run.start() + len(name)
                    yield run.start(), end, self._score(text, end, run.start())
                continue
            yield from self._longest(text, run.start(), value)

    def _named(self, text: str, start: int, name: str) -> bool:
        """A GeoNames town after an article is a word used otherwise ("the Laplace distribution",
        "a Rayleigh fading channel"); the hand-kept places stand ("the Hague"), and so does a town
        with a feature of the land after it ("the Gaza strip")."""
        return (
            name in self.hand_places
            or _ARTICLE_BEFORE.search(text, max(0, start - 5), start) is None
            or _FEATURE_AFTER.match(text, start + len(name)) is not None  # "the Gaza strip"
        )

    def _after_preposition(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A country or place in lower case or in capitals right after a place preposition ("i'm
        from switzerland", "I'm in HARSTAD, at the conference", "returned to LYCKSELE")."""
        lower_heads, folded_heads = self._heads
        for match in _AFTER_PREPOSITION.finditer(text):
            group = "words" if match.group("words") is not None else "caps"
            value = match.group(group)
            head = _PART.match(value)
            # every name tried below starts with the value's first word ("of the house": "the"),
            # so a first word that starts no known name rules them all out (most matches)
            if head is None or (
                head.group() not in lower_heads and head.group().casefold() not in folded_heads
            ):
                continue
            ends = [m.end() for m in _PART.finditer(value)]
            for n in range(len(ends), 0, -1):
                name = value[: ends[n - 1]]
                folded = name.casefold()
                if group == "words":
                    known = name in self.lower_countries or (len(name) >= 6 and folded in self.folded_places)
                else:
                    known = len(name) >= 4 and folded in self.folded_places
                if known:
                    start = match.start(group)
                    yield start, start + len(name), 0.45
                    break

    def _word_towns(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A town named by an ordinary word (:data:`WORD_TOWNS`), with a place of living or
        travel before it or a known region after it: "she grew up in Bath", "Mobile, Alabama"."""
        for match in _WORD_TOWN.finditer(text):
            start = match.start()
            cued = _CUE_BEFORE.search(text, max(0, start - 40), start) is not None
            region = (match.group("region") or "").lstrip(", \t")
            if cued or region in US_STATES or region in self.places:
                yield match.start("town"), match.end("town"), 0.7

    def _longest(self, text: str, offset: int, value: str) -> Iterator[tuple[int, int, float]]:
        """Longest known names in a run of capitalised words, left to right."""
        places = self.places
        spans = [(m.start(), m.end()) for m in _NON_SPACE.finditer(value)]
        i = 0
        while i < len(spans):
            for j in range(min(len(spans), i + 5), i, -1):
                name = value[spans[i][0] : spans[j - 1][1]]
                if name not in places:
                    name = name.rstrip(".")
                # "St Petersburg", "St. Helena": the gazetteer writes "Saint"
                known = name in places or _saint(name) in places
                if known and self._named(text, offset + spans[i][0], name):
                    end = offset + spans[i][0] + len(name)
                    first = (
                        spans[i - 1][0]
                        if i > 0 and value[spans[i - 1][0] : spans[i - 1][1]] in _COMPASS
                        else spans[i][0]
                    )
                    region = self._region_after(value, spans, j) if end == offset + spans[j - 1][1] else None
                    if region is not None:  # "Westminster Colorado": a town and its region
                        yield offset + first, offset + spans[region - 1][1], _REGION_SCORE
                        i = region - 1
                        break
                    yield offset + first, end, self._score(text, end, offset + first)
                    i = j - 1
                    break
            i += 1

    def _region_after(self, value: str, spans: list[tuple[int, int]], j: int) -> int | None:
        """The end (in ``spans``) of a state or country of the hand-kept list that follows the
        place ending before ``spans[j]`` with no comma, as posts and signatures write a town's
        region ("here in Westminster Colorado", "Nenagh Ireland"); None if none does. (The caller
        asks only when nothing, no full stop either, ends the place: "beating England. South
        Africa" names two.)"""
        for k in range(min(len(spans), j + 3), j, -1):
            region = value[spans[j][0] : spans[k - 1][1]]
            if region in self.hand_places and region not in self._alone_excluded:
                return k
        return None

    def _score(self, text: str, end: int, start: int) -> float:
        """0.7 when followed by ", NY" or ", France" (a region of a known place); 0.5 for a
        well-known place that stands alone (:meth:`_stands_alone`); else 0.45."""
        tail = _TRAILING_REGION.match(text, end)
        if tail is not None:
            region = tail.group().lstrip(", \t")
            if region in US_STATES or region in self.places:
                return 0.7
        return _ALONE_SCORE if self._stands_alone(text, start, end) else 0.45

    def _stands_alone(self, text: str, start: int, end: int) -> bool:
        """A country or a large city of the hand-kept list, named on its own, is a place without
        a word of context: short texts (posts, headlines, answers) name one bare ("Denmark for
        me", "where was it? Uruguay?"). Not a name that is also a word, a person's first or family
        name or a common capitalised word ("Nice", "Florence", "Jordan"); not a word of a longer
        capitalised name ("Lisbon Treaty", "Hotel Monaco"), nor of a path or identifier
        ("Europe/Berlin", "Germany.csv"); not in capitals (an acronym's list is another)."""
        name = text[start:end]
        if name not in self.hand_places or name.isupper() or name in self._alone_excluded:
            return False
        if (start > 0 and text[start - 1] in _JOINED_BEFORE) or _JOINED_AFTER.match(text, end):
            return False
        return (
            _CAPITALISED_AFTER.match(text, end) is None
            and _CAPITALISED_BEFORE.search(text, max(0, start - 40), start) is None
        )

    @cached_property
    def _alone_excluded(self) -> frozenset[str]:
        """Hand-kept places of one word that is also a word or a common capitalised word
        ("Nice", "Mobile"), or a person's first or family name ("Florence", "Hastings"), less the
        countries and continents that are names too ("India", "Asia"; not "Jordan", "Chad")."""
        names = self.first_names | load_list(LAST_NAMES)
        countries = (load_list(COUNTRIES) | FORMER_AND_REGIONAL_PLACES) - {
            word.capitalize() for word in _COUNTRY_WORDS
        }
        return frozenset(
            place
            for place in self.hand_places
            if " " not in place
            and (
                is_ordinary_word(place)
                or place in COMMON_CAPITALISED
                or (place in names and place not in countries)
                or place.casefold() in _COUNTRY_WORDS
            )
        )

    def __repr__(self) -> str:
        return "PlaceFinder()"

    @cached_property
    def first_names(self) -> frozenset[str]:
        return load_list(FIRST_NAMES)

    def _cued(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A town no list knows, named by the words around it: "was hit near Ebeltoft on Monday",
        "worked in our Karlovac office" (0.45, as a known place; the cue is also context). Not an
        ordinary word, a common capitalised word, a first name or an acronym ("near John", "in our
        Sales office")."""
        # each match holds its cue word (_NEAR's "near" in any case, _OUR_SITE's site in lower
        # case): a text without one is not scanned (both start at nearly any word)
        view = folded(text)
        near = view is None or "near" in view
        site = any(word in text for word in _SITES)
        for regex in (
            (_NEAR, _OUR_SITE) if near and site else (_NEAR,) if near else (_OUR_SITE,) if site else ()
        ):
            for match in regex.finditer(text):
                start = match.start("name")
                kept: list[str] = []
                for word in match.group("name").split():  # up to the first word that is no name
                    bare = word[:-2] if word.endswith(("'s", "\u2019s")) else word
                    if word[0].isupper() and (
                        is_ordinary_word(bare) or bare in COMMON_CAPITALISED or bare.isupper()
                    ):
                        break
                    kept.append(word)
                while kept and not kept[-1][0].isupper():
                    kept.pop()  # a particle ends no name
                if kept and kept[0] not in self.first_names:
                    yield start, start + len(" ".join(kept)), 0.45


# A feature of the land or a town's word after a known place's name, as informal text writes it
# (in lower case: "the Gaza strip", "tampa bay", "the Bohai sea") or as a city's full name
# ("Taipei City"): part of the place's name
_FEATURE_AFTER = re.compile(
    r"[ \t]+(?:sea|bay|strip|river|valley|lake|island|islands|mountains|hills|coast|peninsula|delta|gulf"
    r"|desert|canyon|City)(?![\w'\u2019-])"
)
# a place with its feature is as sure as one with its region after it
_FEATURE_SCORE = 0.7


def with_feature(text: str, start: int, end: int, score: float) -> tuple[int, int, float]:
    """The place ``text[start:end]`` with the feature word after it (:data:`_FEATURE_AFTER`)."""
    feature = _FEATURE_AFTER.match(text, end)
    if feature is None:
        return start, end, score
    return start, feature.end(), max(score, _FEATURE_SCORE)


# Towns whose names are ordinary English words, left out of the gazetteers ("Reading the
# manual", "Bath towels", "Mobile phones"): a town only with a place of living or travel before it
# ("grew up in Bath", "moved to Reading") or its region after it ("Mobile, Alabama"), see
# PlaceFinder._word_towns. Hand-kept: towns of 20,000 people or more that no list may hold.
WORD_TOWNS = wordset(
    """
    Bath Reading Mobile Nice Split Hull Derby Wells Sale Bury Deal Orange Concord Independence
    Buffalo Phoenix Bend Cork Worms Tours Mesa Chester Normal
    """
)
_WORD_TOWNS = WORD_TOWNS  # the name tests/pii/test_pattern_equivalence.py reads
_TOWN_CUE = (
    r"(?:born|raised|grew[ \t]+up|grown[ \t]+up|lives?|lived|living|resides?|resided|residing|based"
    r"|settled|moved|moving|relocated|travell?ed|flew|drove|returned|stays?|stayed|staying|studied"
    r"|works?|worked|working|arrived|visited|visiting|hometown|native)"
)
# Speed: each town's first letter first, which ``re`` scans for, then what may not be before it
# ("(?<![\w'-])Bath" as "B(?<![\w'-]B)ath": the same matches; a leading look-behind is tried at
# every position)
_WORD_TOWN = re.compile(
    "(?P<town>(?:"
    + "|".join(f"{h}(?<![\\w'\u2019-]{h})(?:{body})" for h, body in word_branches(tuple(WORD_TOWNS)).items())
    + rf"))(?![\w'\u2019-])"
    rf"(?P<region>,[ \t]*(?:[A-Z]{{2}}\b|{NAME_WORD}))?"
)
# the cue, read back from the town: "grew up in ", "moved with her parents to " (one word between)
_CUE_BEFORE = re.compile(
    rf"(?<![\w-]){_TOWN_CUE}[ \t]+(?:\w+[ \t]+)?(?:in|to|from|near|at)[ \t]+$", re.IGNORECASE
)


_CUED_NAME = (
    rf"(?P<name>{NAME_WORD}(?:[ \t](?:(?:nad|pod|na|u|de|del|la|an|am|upon|on)[ \t])?{NAME_WORD}){{0,2}})"
)
_NEAR = re.compile(rf"{words(('near',), any_case=True)}[ \t]+{_CUED_NAME}(?![\w'\u2019-])")
# the words after a site's town: "in our Karlovac office"
_SITES: tuple[str, ...] = ("office", "branch", "site", "plant", "factory", "warehouse", "campus", "store")
_SITES += ("depot", "clinic", "headquarters", "facility")
_OUR_SITE = re.compile(
    rf"{words(('our', 'their', 'its', 'his', 'her', 'my', 'your'))}[ \t]+{_CUED_NAME}[ \t]+"
    rf"(?:{'|'.join(_SITES)})s?\b"
)


def place_gazetteer() -> Recognizer:
    return Recognizer(
        name="place_gazetteer",
        entity_type=EntityType.LOCATION,
        finder=PlaceFinder(),
        context=(
            "in",
            "from",
            "near",
            "at",
            "to",
            "lives",
            "live",
            "living",
            "lived",
            "moved",
            "based",
            "born",
            "city",
            "town",
            "visit",
            "visited",
            "address",
            "located",
            "relocated",
            "resides",
            "resident",
            "hometown",
            "travel",
            "travelled",
            "traveled",
            "trip",
            "flight",
            "office",
            "branch",
            "clinic",
            "hospital",
        ),
        context_boost=0.35,
        window_before=14,
        window_after=10,
    )
