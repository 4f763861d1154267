"""The kind of one part of a postal address (a line, or a comma-separated piece): street, unit,
PO box, military line, postcode with or without its town, country, town, region code; the
grammar that joins parts into one address is :mod:`~veil.pii.recognizers.addresses`, the patterns
of each kind :mod:`~veil.pii.recognizers.address_lines`, street-type words
:mod:`~veil.pii.recognizers.street_types`.

Hand-written: no library classifies address lines of many countries at regex speed.
"""

from __future__ import annotations

from functools import cached_property

from veil.pii.data import COMMON_WORDS, COUNTRIES, FIRST_NAMES, PLACES, load_list
from veil.pii.recognizers.address_lines import (
    ANY_CODE_TOWN,
    ANY_TOWN_CODE,
    BLANK_DIGIT,
    CODE_FIRST,
    DETERMINERS,
    DIGIT,
    DIRECTIONS,
    FUNCTION_WORDS,
    HOUSE,
    INNER_UNIT,
    NUMBER_TAIL,
    ORDINAL,
    PARTICLES,
    PREFIX_KINDS,
    QUALIFIER,
    REGION_CODE,
    REGION_PART,
    SENTENCE_BREAK,
    TITLES,
    TOWN_FIRST,
    TRAILING,
    WORD_KINDS,
    ZIP,
    in_prose,
    shape_kind,
)
from veil.pii.recognizers.house_numbers import counts_something, is_numbering_word, is_sentence_word
from veil.pii.recognizers.persons import COMMON_CAPITALISED
from veil.pii.recognizers.street_types import (
    CORE_SUFFIXES,
    is_lower_word,
    is_name_word,
    street_term,
)

__all__ = ["COUNTRY_NAMES", "PartKinds"]

COUNTRY_NAMES = "country_names.txt"  # in veil.pii.data (see its README)
# what PartKinds._town_form tells: a town's name, or one that starts with a first name
_TOWN, _NAMED_TOWN = 1, 2


class PartKinds:
    """The kind of one address part (:meth:`kind`); gazetteers loaded on first use."""

    @cached_property
    def countries(self) -> frozenset[str]:
        """English names and the names in 28 other languages ("Suid-Afrika", "Ελλάδα", "Norge")."""
        return frozenset(c.casefold() for c in load_list(COUNTRIES) | load_list(COUNTRY_NAMES))

    @cached_property
    def places(self) -> frozenset[str]:
        return frozenset(p.casefold() for p in load_list(PLACES))

    @cached_property
    def common_words(self) -> frozenset[str]:
        return frozenset(w for w in load_list(COMMON_WORDS) if w.islower()) | FUNCTION_WORDS

    @cached_property
    def first_names(self) -> frozenset[str]:
        return load_list(FIRST_NAMES)

    def __getstate__(self) -> dict[str, object]:  # ship no word lists to worker processes
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        pass

    def kind(self, part: str, *, line: bool = False) -> str | None:
        """The kind of an address part (all of ``part``), or None; remembered (asked repeatedly).
        With ``line``, only a street line's kinds (street, street_weak, unit, pobox, military) are
        sure: the tests for the others are skipped, so that another kind may read as None."""
        found = self._kinds.get(part, "?")  # "?": not asked yet (no kind is named so)
        if found == "?":
            if line:  # asked of every ending of a part (``_tail_part``): seldom twice, not kept
                return self._kind(part, line=True)
            found = self._kinds[part] = self._kind(part)
        return found

    @cached_property
    def _kinds(self) -> dict[str, str | None]:  # for one text at a time: no text stays behind
        return {}

    def _kind(self, part: str, *, line: bool = False) -> str | None:
        part = part.strip(TRAILING)
        if not part or len(part) > 90 or SENTENCE_BREAK.search(part):
            return None
        shaped = shape_kind(part)
        if shaped is not None:
            return shaped
        if DIGIT.search(part):
            street = self._street(part)
            if street == "street" or (line and street is None):
                return street  # (a postcode, the only other kind here, is no street line's kind)
            return self._postcode(part) or street
        if line:  # a street named without its number ("Via Nadi"), unless a country's name
            named = self._street_words(part.split(), named=True) == "street"
            return "street" if named and not self._country(part) else None
        if self._country(part):
            return "country"
        if self._street_words(part.split(), named=True) == "street":
            return "street"  # "Via Nadi" (its number comes next), "Sane Marg"
        form = self._town_form(part, country=False)  # (read once for both kinds of town below)
        if form == _TOWN:
            return "town"
        if REGION_PART.fullmatch(part):
            return "region"  # "VIC", "NI", "mp": a region code on its own (joins before a postcode)
        # a town named like a person ("Mika", "Florence") is a town only before a region + postcode
        return "named_town" if form == _NAMED_TOWN else None

    def _country(self, text: str) -> bool:
        """A country's name in any case, also with a qualifier: "Cyprus (Greek)"."""
        folded = text.casefold()
        if folded in self.countries:
            return True
        qualified = QUALIFIER.fullmatch(folded)
        return qualified is not None and qualified.group(1) in self.countries

    def _postcode(self, part: str) -> str | None:
        """ "postcode" (with a town or country), "postcode_bare" (with a region only, or a UK or
        Canadian code), "code" (digits alone), "code_tail" (digits after a short word: "mp 35739"),
        or None."""
        for regex in (CODE_FIRST, TOWN_FIRST):
            match = regex.fullmatch(part)
            if match is not None and self._town(match.group("town"), postcode=True):
                return "postcode"
        if REGION_CODE.fullmatch(part):
            return "postcode_bare"
        if ZIP.fullmatch(part):
            return "code"
        # a place in any script, a country with a qualifier, and its postcode: "Cyprus (Greek) 51034"
        match = ANY_TOWN_CODE.fullmatch(part) or ANY_CODE_TOWN.fullmatch(part)
        if match is not None:
            place = match.group("place").rstrip(" ,")
            if self._country(place) or self._town(place, postcode=True):
                return "postcode"
            if REGION_PART.fullmatch(place) or (
                len(place.split()) <= 3 and all(is_lower_word(w) for w in place.split())
            ):
                return "code_tail"  # "mp 35739", "delmas 35739": joins only after a street or a town
        return None

    def _town(self, text: str, *, postcode: bool = False) -> bool:
        """A place's name: known (any case), a country, or capitalised (or all-capital) words in
        any script that are neither common words nor (unless a postcode goes with it) a person's
        name."""
        form = self._town_form(text)
        return form == _TOWN or (postcode and form == _NAMED_TOWN)

    def _town_form(self, text: str, *, country: bool | None = None) -> int:
        """_TOWN, _NAMED_TOWN (a town's form, but a person's first name first: a town only with a
        postcode) or 0 (see :meth:`_town`); ``country``: whether ``text`` names a country, when
        the caller knows."""
        folded = text.casefold()
        if folded in self.places or (self._country(text) if country is None else country):
            return _TOWN
        words = text.replace("-", " ").split()
        if not 1 <= len(words) <= 4 or (len(text) <= 3 and text.isupper()):
            return 0
        if not all(is_name_word(w) or w.lower() in PARTICLES for w in words):
            return 0
        if any(is_sentence_word(w) and not w.isupper() for w in text.split()):
            # "Close To Schools", "Seen By": a sentence's words (but "Ashby-by-Sea", and "Torino
            # TO", "Salem OR": a region's code in capitals)
            return 0
        if (
            not is_name_word(words[0])
            or words[0].rstrip(".") in TITLES
            or all(w.strip(".") in COMMON_CAPITALISED or w in PARTICLES for w in words)
        ):
            return 0
        return _NAMED_TOWN if words[0] in self.first_names else _TOWN

    def _street(self, part: str) -> str | None:
        part = self._without_units(part)  # "0610 Christine Manors Suite 670", "... Apt. 417 Csipkerek"
        if HOUSE.fullmatch(part):
            return "unit"  # "43 Piano 2": a house number and a unit
        tokens = part.split()
        # two numbers first: a postcode or box number before the house number ("17151 2450 Crown St")
        if len(tokens) > 2 and tokens[0].isdigit() and len(tokens[0]) <= 6 and HOUSE.fullmatch(tokens[1]):
            tokens = tokens[1:]
            part = " ".join(tokens)
        if len(tokens) < 2 or len(tokens) > 9:
            return None
        if HOUSE.fullmatch(tokens[0]):  # "4417 Cedar Hollow Road", "12, rue de la Paix"
            if tokens[1] == "of" or counts_something(None, tokens[1], tokens[2] if len(tokens) > 2 else None):
                return None  # a count, never a street: "Rule 39 of the Rules of Court", "45 YEAR OLD"
            if len(tokens) > 2 and HOUSE.fullmatch(tokens[-1]):  # "971 Kesk 53": a number both sides
                return self._street_words(tokens[1:-1], lower=True)
            return self._street_words(tokens[1:])
        match = BLANK_DIGIT.search(part)  # "Mannerheimintie 14 B 22", "Via Roma 5"
        if match is None:
            return None
        if not NUMBER_TAIL.fullmatch(part, match.start() + 1):
            # a number inside a street's name: "Brucker Bundesstrasse 31 Zezig Streets",
            # "Λεωφόρος Συγγρού 119 Nino Point"; each side is capitalised, one is a street
            at = next((k for k, t in enumerate(tokens) if t[0].isdigit() and HOUSE.fullmatch(t)), None)
            if at is None:
                return None
            before, after = tokens[:at], tokens[at + 1 :]
            if (
                not after
                or any(DIGIT.search(t) for t in after)
                or counts_something(before[-1], after[0], after[1] if len(after) > 1 else None)
            ):
                return None  # ("Chapter 11 Bankruptcy Court", "Samsung 990 Pro Drive")
            if not is_name_word(after[0]) and street_term(after[0]) is None:
                return None
            if any(
                is_lower_word(w) and w not in PARTICLES and street_term(w) is None for w in (*before, *after)
            ):
                return None
            sides = tuple(
                "term" if len(side) == 1 and street_term(side[0]) in WORD_KINDS else self._street_words(side)
                for side in (before, after)
            )
            if None in sides:
                return None
            # "Grössgstötten 50 street": a name, its number, then a street-type word (weak: "Listing
            # 4 Street" reads the same)
            return "street" if "street" in sides else "street_weak" if sides[1] == "term" else None
        named = part[: match.start()].rstrip(",").split()
        if named and (
            is_numbering_word(named[-1])
            or (named[-1].endswith(".") and len(named[-1]) > 3 and street_term(named[-1]) is None)
        ):
            # "Section 12", "Lesson 5": the number is the section's, not a house's; "Court
            # Order. 3": a sentence ends before the number (but "Király u. 15", "Hauptstr. 5")
            return None
        return self._street_words(named, lower=True)

    def _without_units(self, part: str) -> str:
        """``part`` less its unit words and what follows them when that is a unit, a town or a
        country ("107 Igias Street Suite 503 Armenomonastiro Cyprus" -> "107 Igias Street")."""
        unit = INNER_UNIT.search(part)
        if unit is None or unit.start() == 0:
            return part
        rest = part[unit.end() :]
        while (more := INNER_UNIT.match(rest)) is not None:
            rest = rest[more.end() :]
        rest = rest.strip(" \t,")
        if rest and not (self._country(rest) or self._town(rest, postcode=True)):
            return part
        return part[: unit.start()].rstrip(" ,")

    def _street_words(self, words: list[str], *, named: bool = False, lower: bool = False) -> str | None:
        """ "street" when a street-type word (:mod:`~veil.pii.recognizers.street_types`) is among
        ``words`` (name words in any script, particles, ordinals, directions), "street_weak" for
        other capitalised names; with ``named`` (no house number) only a street word first or
        last makes a street.

        Lower-case words make a street only beside a street-type word where the language puts
        it — first for a prefix ("rue de pologne"), last for a suffix ("hegyalja út") — and an
        all-lower-case name needs a core suffix ("baker street", not "road map") or a prefix."""
        n = len(words)
        if not 1 <= n <= 7:
            return None
        strong = placed = False
        names = lowers = 0
        for i, word in enumerate(words):
            term = street_term(word)
            if term is not None:
                if in_prose(words, i):
                    return None
                # without a number, the word must stand where its language puts it ("Via Nadi",
                # "Sane Marg"; not "Dr. Geert Dippel")
                edge = (i == 0 and term in PREFIX_KINDS) or (i == n - 1 and term in ("suffix", "both"))
                strong = strong or term == "ending" or not named or edge
                bare = word.rstrip(".,").casefold()
                placed = (
                    placed
                    or term == "ending"
                    or (
                        (i == 0 and term in ("prefix", "both"))
                        or (
                            i == n - 1 and term in ("suffix", "both") and (bare in CORE_SUFFIXES or names > 0)
                        )
                    )
                )
                if term == "ending":
                    names += 1
                elif word[:1].islower() and 0 < i < n - 1:
                    lowers += 1  # "the bus station is on ...": a street word inside lower-case prose
                continue
            bare = word.rstrip(".,")
            if bare[:1] in "([{":
                return None  # "the Court (Rule 52": a bracket opens an aside, not a street's name
            if bare in DETERMINERS or is_sentence_word(bare):
                # "at this place 5", "in our court 3": a noun of prose, not a street's name;
                # "SEEN BY DR", "Referred To Dr": a sentence and a title, not a street's name
                return None
            if is_name_word(bare):
                names += 1
            elif bare.lower() in PARTICLES:
                pass
            elif is_lower_word(bare):
                lowers += 1
            elif not (ORDINAL.fullmatch(word) or word in DIRECTIONS):
                return None
            else:
                names += 1
        if (
            lowers
            and any(street_term(w) is not None and w[0].isupper() for w in words)
            and not (is_name_word(words[-1]) and street_term(words[-1]) is None)
        ):
            # "Avenue yesterday", "Station is on": a capitalised street word in prose (but "Ulica
            # bratov Martinec": a capitalised name ends it)
            return None
        if lowers > 1 or (lowers and not placed):
            if lowers > 1:
                return None  # prose: "Rasmus pls bring them to Scandiagade 78"
            # "Pod vinicami 21": lower-case words after a capitalised first word, number after
            return (
                "street_weak"
                if lower
                and not strong
                and n > 1
                and is_name_word(words[0])
                and words[0] not in COMMON_CAPITALISED
                and not any(w.isupper() and len(w) > 1 for w in words)
                and not any(
                    w.casefold() in self.common_words or (w.islower() and len(w) < 3) for w in words[1:]
                )
                else None
            )
        if not names and not lowers and "the" in words:
            return None  # "2002 the Court ruled": a year and a noun of prose; a street has a name
        if strong and (names + lowers > 0 or (n > 1 and any(w[:1].isupper() for w in words))):
            return "street" if not named or n > 1 else None
        if strong or named or lowers or any(w.isupper() and len(w) > 1 for w in words):
            return None
        if not is_name_word(words[0]):
            return None
        if all(w.rstrip(".,") in COMMON_CAPITALISED or w.rstrip(".,") in PARTICLES for w in words):
            return None
        return "street_weak"
