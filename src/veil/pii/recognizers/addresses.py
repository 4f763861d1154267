"""Whole postal addresses: a small grammar that joins the lines (or comma-separated parts) of
an address into ONE LOCATION span.

An address is a run of *parts*, one a line (after any "> " or bullet) or separated by commas
or semicolons, each classified on its own (:mod:`~veil.pii.recognizers.address_lines`): a street
line, unit, PO box, military line, postcode with or without its town or region, country (any
case and many languages, "Cyprus (Greek)"), town, region code, or a short unknown line.

Street lines in any script and language order: :mod:`~veil.pii.recognizers.street_types`;
lower-case words make a street only beside a street-type word ("36 rue de pologne", not
"12 road map").

A block is a maximal run of classified parts, on consecutive lines or comma-separated (a blank
line ends it), that holds a *strong* part (street, PO box, military line, postcode); a town
joins after a street or before a postcode; an unknown short line or a region code joins only
between a street and a postcode or country; nothing but a country follows a postcode-with-town.
The first part may carry a lead-in ("Ship to 88 Harbour View Terrace"), the last trailing words
("France. We left"). Reported: blocks of two parts or more (0.95), a lone military line, one
street line with a street-only type word and its number, also inside a sentence ("Magasinsgatan
7", 0.85), a street without a type word after an address cue ("lives at 172 Maneeži 75", 0.85),
intersections ("the corner of Csabai kapu 39. and Mathias Pass", 0.85), and a town in
capitals above a country line ("ALFRICK\nUnited Kingdom", 0.85).

Hand-written: no library offers a multilingual, line-joining address grammar at regex speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from veil.pii.data import COMMON_WORDS, COUNTRIES, FIRST_NAMES, PLACES, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.address_lines import (
    ANY_CODE_TOWN,
    ANY_TOWN_CODE,
    BEFORE_CODE,
    BLANK_DIGIT,
    CODE_FIRST,
    CUE,
    DETERMINERS,
    DIGIT,
    DIRECTIONS,
    FUNCTION_WORDS,
    HOUSE,
    INNER_UNIT,
    LOWER_STARTS,
    LOWER_STREET_STARTS,
    MILITARY_ALONE,
    MOST_PARTS,
    NUMBER_TAIL,
    ORDINAL,
    PARTICLES,
    PREFIX_KINDS,
    QUALIFIER,
    REACH,
    REGION_CODE,
    REGION_PART,
    SENTENCE_END,
    STREET_KINDS,
    STRONG_KINDS,
    TITLES,
    TOKEN,
    TOWN_FIRST,
    TOWN_KINDS,
    TRAILING,
    WORD_KINDS,
    ZIP,
    in_prose,
    is_filler,
    joins_after_blank,
    joins_left,
    joins_right,
    shape_kind,
    split_parts,
    strip_end,
    with_number_before,
)
from veil.pii.recognizers.intersections import intersections
from veil.pii.recognizers.persons import COMMON_CAPITALISED
from veil.pii.recognizers.place_lines import towns_above_countries
from veil.pii.recognizers.street_types import (
    CORE_SUFFIXES,
    has_street_only_word,
    is_lower_word,
    is_name_word,
    street_term,
)

__all__ = ["ADDRESS_BLOCK", "AddressFinder", "address_block"]

ADDRESS_BLOCK = "address_block"
COUNTRY_NAMES = "country_names.txt"  # in veil.pii.data (see its README)


class AddressFinder:
    """Address blocks in a text (see the module's docstring); gazetteers loaded on first use."""

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

    def __repr__(self) -> str:
        return "AddressFinder()"

    # -- classification of one part ------------------------------------------------------------

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
        if not part or len(part) > 90:
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
        if self._town(part):
            return "town"
        if REGION_PART.fullmatch(part):
            return "region"  # "VIC", "NI", "mp": a region code on its own (joins before a postcode)
        # a town named like a person ("Mika", "Florence") is a town only before a region + postcode
        return "named_town" if self._town(part, postcode=True) else None

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
        folded = text.casefold()
        if folded in self.places or self._country(text):
            return True
        words = text.replace("-", " ").split()
        if not 1 <= len(words) <= 4 or (len(text) <= 3 and text.isupper()):
            return False
        if not all(is_name_word(w) or w.lower() in PARTICLES for w in words):
            return False
        if (
            not is_name_word(words[0])
            or words[0].rstrip(".") in TITLES
            or all(w.strip(".") in COMMON_CAPITALISED or w in PARTICLES for w in words)
        ):
            return False
        return postcode or words[0] not in self.first_names

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
            if tokens[1] == "of":  # a count, never a street: "Rule 39 of the Rules of Court"
                return None
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
            if not after or any(DIGIT.search(t) for t in after):
                return None
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
        return self._street_words(part[: match.start()].rstrip(",").split(), lower=True)

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
            if bare in DETERMINERS:
                return None  # "at this place 5", "in our court 3": a noun of prose, not a street's name
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
        if strong and (names + lowers > 0 or (n > 1 and any(w[:1].isupper() for w in words))):
            return "street" if not named or n > 1 else None
        if strong or named or lowers or any(w.isupper() and len(w) > 1 for w in words):
            return None
        if not is_name_word(words[0]):
            return None
        if all(w.rstrip(".,") in COMMON_CAPITALISED or w.rstrip(".,") in PARTICLES for w in words):
            return None
        return "street_weak"

    # -- blocks --------------------------------------------------------------------------------

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        try:
            found = list(intersections(text, self.kind)) if "of" in text else []
            if "\n" in text:
                found.extend(towns_above_countries(text, self._country, self._town, self.places))
            if DIGIT.search(text):  # (a block holds a part with a digit)
                found.extend(self._blocks(text))
        finally:
            self._kinds.clear()
        # one span per address: an intersection and a street found inside it are merged
        found.sort()
        merged: list[tuple[int, int, float]] = []
        for start, end, score in found:
            start = with_number_before(text, start)
            if merged and start < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), max(last[2], score))
            else:
                merged.append((start, end, score))
        yield from merged

    def _blocks(self, text: str) -> Iterator[tuple[int, int, float]]:
        parts = split_parts(text)
        # every block holds a part with a digit (a number, a postcode): only parts within a few
        # places of one are classified (prose with many commas and no numbers costs little)
        near = [False] * len(parts)
        digits = [DIGIT.search(text, s, e) is not None for s, e, _ in parts]
        for j, digit in enumerate(digits):
            if digit:
                for k in range(max(0, j - REACH), min(len(parts), j + REACH + 1)):
                    near[k] = True
        kinds = [self.kind(text[s:e]) if near[j] else None for j, (s, e, _) in enumerate(parts)]
        # a part that is not an address part may end with a street ("Ship to 88 Harbour View
        # Terrace", "Address: Fayepad 03", "send it to USNS Comfort\nFPO AP 96522"): where it starts
        leads: list[tuple[int, str] | None] = [
            self._tail_part(text, part)
            if kind is None and (digits[j] or (j + 1 < len(parts) and digits[j + 1]))
            else None
            for j, (part, kind) in enumerate(zip(parts, kinds, strict=True))
        ]
        for j, (s, e, _) in enumerate(parts):
            if kinds[j] is None and near[j]:
                if is_filler(text, s, e):
                    kinds[j] = "filler"  # a town in odd letters, "delmas": joins before a postcode/country
                elif (
                    digits[j]
                    and j > 0
                    and kinds[j - 1] in TOWN_KINDS
                    and self._head_part(text, parts[j], ["filler"]) is not None
                ):
                    kinds[j] = "closing"  # "Australia 38837. Please call": ends the block before it
        for j, part in enumerate(parts):
            if kinds[j] is None and digits[j]:
                yield from self._inner_streets(text, part)
        i = 0
        while i < len(parts):
            block = self._block(text, parts, kinds, leads, i)
            if block is None:
                i += 1
                continue
            start, end, strong, seen, hi = block
            if strong and (len(seen) >= 2 or MILITARY_ALONE.fullmatch(text, start, end)):
                yield start, end, 0.95
            elif (
                seen == ["street"]
                and DIGIT.search(text, start, end)
                and has_street_only_word(text[start:end])
            ):
                yield start, end, 0.85  # one street line with its number: "Magasinsgatan 7"
            elif "street_weak" in seen[:1] and CUE.search(text, max(0, start - 40), start):
                yield start, end, 0.85  # "lives at 172 Maneeži 75, Saareküla"
            i = hi + 1

    def _inner_streets(self, text: str, part: tuple[int, int, bool]) -> Iterator[tuple[int, int, float]]:
        """A street line inside a sentence, ending at its number or at the street-type word after
        it ("The parcel went to Λεωφόρος Συγγρού 119 yesterday", "lives on Hafnarstraeti 5 street")."""
        start, end, _ = part
        tokens = list(TOKEN.finditer(text, start, end))
        numbers = [
            k for k, m in enumerate(tokens[:-1]) if text[m.start()].isdigit() and HOUSE.fullmatch(m.group())
        ]
        numbers = numbers[:5]
        if not numbers or not (
            any(street_term(m.group()) is not None for m in tokens)
            or CUE.search(text, max(0, start - 40), end)
        ):
            return  # neither a street-type word nor an address cue: no street in this sentence
        for k in numbers:
            stops = [tokens[k].end()]
            if street_term(tokens[k + 1].group()) in WORD_KINDS:
                stops.insert(0, tokens[k + 1].end())
            # house number first: the street ends at its type word ("went to 1 Kaka Street today")
            after = next(
                (m for m in tokens[k + 2 : k + 7] if street_term(m.group()) in ("suffix", "both")), None
            )
            if after is not None:
                stops.insert(0, after.end())
            for stop in stops:
                stop = strip_end(text, start, stop)
                lead = self._tail_part(text, (start, stop, False))
                if lead is not None and lead[1] == "street" and has_street_only_word(text[lead[0] : stop]):
                    yield lead[0], stop, 0.85
                    break
                if (
                    lead is not None
                    and lead[1] == "street_weak"
                    and CUE.search(text, max(0, lead[0] - 40), lead[0])
                ):
                    yield lead[0], stop, 0.85
                    break

    def _block(
        self,
        text: str,
        parts: list[tuple[int, int, bool]],
        kinds: list[str | None],
        leads: list[tuple[int, str] | None],
        i: int,
    ) -> tuple[int, int, bool, list[str | None], int] | None:
        """(start, end, holds a strong part, the kinds of its parts, last part) of the block grown
        from part ``i``, or None when no block starts there."""
        lead = leads[i]
        if kinds[i] not in STRONG_KINDS and kinds[i] != "street_weak" and lead is None:
            return None
        lo = hi = i
        if lead is None:
            while lo > 0 and i - lo + 1 < MOST_PARTS and not parts[lo - 1][2] and joins_left(kinds, lo - 1):
                lo -= 1
            if lo > 0 and not parts[lo - 1][2] and kinds[lo - 1] is None:
                lead = leads[lo - 1] or self._tail_part(text, parts[lo - 1])  # "Mail: USS Halsey"
                if lead is not None:
                    lo -= 1
            # a town first only before a postcode without a town of its own ("Lakewood\nCO 80226")
            while lead is None and kinds[lo] in ("town", "named_town") and kinds[lo + 1] != "postcode_bare":
                lo += 1
        while (
            hi + 1 < len(parts)
            and hi + 1 - lo < MOST_PARTS
            and (not parts[hi][2] or joins_after_blank(text, parts, kinds, lo, hi + 1))
            and joins_right(kinds, lo, hi + 1)
        ):
            hi += 1
        start = parts[lo][0] if lead is None else lead[0]
        end = parts[hi][1]
        count = hi - lo + 1
        seen = [kinds[lo] if lead is None else lead[1], *kinds[lo + 1 : hi + 1]]
        # trailing words after the last part ("France. We left", "CO 80226 and ...")
        if hi + 1 < len(parts) and not parts[hi][2] and kinds[hi] != "country":
            numbered = DIGIT.search(text, start, parts[hi][1]) is not None
            found = self._head_part(text, parts[hi + 1], seen, numbered=numbered)
            if found is not None:
                end, count = found, count + 1
                seen.append("tail")
        end = strip_end(text, start, end)
        # strong: a strong part, or a street, more address parts and a country ("971 Kesk 53\n
        # Suite 343\nPärnu\nEstonia")
        strong = any(k in STRONG_KINDS for k in seen) or (
            count >= 3 and "country" in seen and "unit" in seen and any(k in STREET_KINDS for k in seen)
        )
        return start, end, strong, seen, hi

    def _tail_part(self, text: str, part: tuple[int, int, bool]) -> tuple[int, str] | None:
        """Start of a street, unit, PO box or military part at the end of ``part`` (after a
        lead-in such as "Ship to" or "Address:")."""
        start, end, _ = part
        found = None
        tokens = list(TOKEN.finditer(text, start, end))[-12:]  # a street line has at most twelve words
        for n, m in enumerate(tokens):
            word = m.group()
            if word.endswith(":"):
                continue
            lower = not (word[0].isupper() or word[0].isdigit() or word[0] == "#")
            # a lower-case street names itself in one or two words before its type and number
            # ("hegyalja út 98."): tried only from the word two places before a number
            if (
                lower
                and street_term(word) not in LOWER_STREET_STARTS
                and word.casefold() not in LOWER_STARTS
                and not (
                    n + 2 < len(tokens)
                    and street_term(tokens[n + 1].group()) in WORD_KINDS
                    and HOUSE.fullmatch(tokens[n + 2].group())
                )
            ):
                continue
            kind = self.kind(text[m.start() : end], line=True)
            if kind in ("street", "unit", "pobox", "military"):
                # an earlier weak street reaching to the same end covers more ("68954 Geddingmoor
                # 24 Apt. 835")
                between = text[found[0] : m.start()].split() if found is not None else []
                if found is not None and all(
                    w[0].isdigit() or (is_name_word(w) and w not in COMMON_CAPITALISED) for w in between
                ):
                    return found[0], kind
                return m.start(), kind
            if kind == "street_weak" and found is None and word not in COMMON_CAPITALISED and not lower:
                found = m.start(), kind
        return found

    def _head_part(
        self, text: str, part: tuple[int, int, bool], kinds: list[str | None], *, numbered: bool = True
    ) -> int | None:
        """End of a postcode, country or known place at the start of ``part`` (before trailing words)."""
        start, end, _ = part
        stop = SENTENCE_END.search(text, start, end)
        if stop is not None:
            end = stop.start()
        ends = [m.end() for m in TOKEN.finditer(text, start, end)][:5]
        for at in reversed(ends):
            value = text[start:at].strip(TRAILING)
            kind = self.kind(value)
            if (
                kind in ("postcode", "postcode_bare", "country", "military")
                or (kind in ("code", "code_tail") and kinds[-1] in BEFORE_CODE)
                or (kind == "house" and kinds == ["street"] and not numbered)  # "улица Кака, 1 yesterday"
                or (kind == "town" and "postcode" not in kinds and value.casefold() in self.places)
            ):
                return start + len(text[start:at].rstrip(TRAILING))
        return None


def address_block() -> Recognizer:
    return Recognizer(
        name=ADDRESS_BLOCK,
        entity_type=EntityType.LOCATION,
        finder=AddressFinder(),
        context=("address", "ship to", "mail to", "deliver to", "lives at", "billing", "shipping"),
        context_boost=0.05,
    )
