"""Whole postal addresses: a small grammar that joins the lines (or comma-separated parts) of
an address into ONE LOCATION span.

An address is written as a run of *parts*, one a line or separated by commas or semicolons.
Each part is classified on its own:

* ``street`` — a house number and a street name ("4417 Cedar Hollow Road", "12 Rue des Lilas",
  "221B Baker St."), or a street name and a number ("Mannerheimintie 14 B 22", "Via Roma 5",
  "Hauptstraße 5"); *strong* when a street word says so (Road, Rue, Via, -straße, -tie, -gatan
  ...), *weak* otherwise;
* ``unit`` — "Suite 210", "Apt. 4B", "Floor 3", "Unit 12", "#5";
* ``pobox`` — "PO Box 5521", "P.O. Box 12", "Postfach 10 20", "Apartado 55";
* ``military`` — US military mail: "PSC 4123, Box 7781", "Unit 7302 Box 118", "CMR 410",
  "USNS Comfort", "APO AE 09012", "FPO AP 96522-0456", "DPO AA 34092";
* ``postcode`` — a postcode with its town or region in either order ("69003 Lyon",
  "Lakewood, CO 80226", "Wellington 6140", "Sydney NSW 2000", "Portsmouth PO1 3AX",
  "Finland 00100"), or a postcode with only a region ("CO 80226", "SW1A 1AA");
* ``country`` — a country name in any letter case ("USA", "united kingdom", "Deutschland");
* ``town`` — one to four capitalised words that are not common words nor a person's name
  (a town on its own line, a county).

A block is a maximal run of classified parts, on consecutive lines or comma-separated (a blank
line ends it), that holds a *strong* part (street, PO box, military line, postcode); a town
joins a block after a street, or before a postcode that has no town of its own; nothing but a
country follows a postcode-with-town. The first part may carry a lead-in ("Ship to 88 Harbour
View Terrace"), the last trailing words ("France. We left"). Blocks of two parts or more are
reported (0.95; a single street or town line is the business of
:mod:`veil.pii.recognizers.locations`), and so is a lone military line.

Written by hand: no library offers a multilingual, line-joining address grammar that runs at
regex speed (libpostal needs a 2 GB model and a C library).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from veil.pii.data import COUNTRIES, FIRST_NAMES, PLACES, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LOWER, STREET_PREFIXES, STREET_WORDS, UPPER, wordset
from veil.pii.recognizers.persons import COMMON_CAPITALISED

__all__ = ["ADDRESS_BLOCK", "AddressFinder", "address_block"]

ADDRESS_BLOCK = "address_block"

# Street words (any case, without a final dot): suffixes, abbreviations, prefixes in several languages.
_STREET_TERMS = frozenset(
    w.casefold()
    for w in (
        *STREET_WORDS,
        *STREET_PREFIXES,
        *wordset(
            """
            Ln Blvd Ct Pl Sq Ter Terr Cres Pkwy Hwy Cir Trl Pde Parade Esplanade Embankment Wharf Quay
            Marg Chowk Nagar Gali Ganj Sector Colony Layout Cross Main Nagar Salai Veedhi
            rue chemin avenue boulevard allée impasse place quai cours route
            Strasse Straße Str Weg Allee Platz Gasse Damm Ufer Ring Steig Chaussee Markt
            Straat Laan Plein Gracht Kade Dijk Singel Steeg Dreef Pad
            Calle Avda Av Carrer Passeig Rua Via Viale Vicolo Corso Piazza Largo
            Ulica Ul Utca Ut Gatan Gata Vej Veien Vegen Gade Tie Katu Kuja Polku Tanhua
            """
        ),
    )
)
# Endings of one-word street names: "Hauptstraße", "Jeltestraat", "Mannerheimintie", "Storgatan".
_STREET_ENDINGS = tuple(
    wordset(
        """
        straße strasse str. weg allee platz gasse damm ufer ring steig chaussee markt
        straat laan plein gracht kade dijk singel steeg dreef pad
        gatan gata vägen väg gränd vej vejen gade veien vegen gata
        tie katu kuja polku tanhua raitti väylä
        utca ulica ucica
        """
    )
)
_PARTICLES = wordset(
    "de del della delle dei di da das do dos du des la le les l' d' el los las y e van von der den am an "
    "im bei ob sur sous lès en aux au upon on ter op aan of the nad pod pri pred"
)
_DIRECTIONS = wordset("N S E W NE NW SE SW N. S. E. W. North South East West")
_HOUSE = re.compile(r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?,?")
_HOUSE_ALONE = re.compile(r"\d{1,4}[A-Za-z]?")
_ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th|e|er|ème|º|ª)\.?", re.IGNORECASE)
_NUMBER_TAIL = re.compile(
    r"\d{1,5}[A-Za-z]?(?:[ \t]?[-/][ \t]?\d{1,5}[A-Za-z]?)?(?:[ \t]+[A-Za-z](?:[ \t]+\d{1,4})?)?"
)
_WORD = re.compile(rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'\u2019.-]*")
_CAPITAL_WORD = re.compile(rf"[{UPPER}][{UPPER}{LOWER}'\u2019.-]*")

# A unit's number: with a digit ("4B", "#12", "2-3"), or one or two letters after a blank ("Apt B").
_UNIT_ID = r"(?:[ \t]*#?[ \t]*(?=[A-Za-z-]{0,5}\d)[A-Za-z0-9][A-Za-z0-9-]{0,5}|[ \t]+[A-Za-z]{1,2})"
_UNIT = re.compile(
    r"(?i:apt|apartment|appt|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|block|blk|level|lvl"
    r"|piso|piano|étage|etage|stock|wohnung|whg|dept|department|office|studio|house|tower|lgh|lägenhet"
    r"|leilighet|asunto|as|porras|kat|daire|stan|byt|bus|boîte|bte|interno|int|scala|esc|andar|apto|bloco"
    r"|puerta|pta|kv|lejl)"
    rf"\.?(?:[ \t]*(?:no\.?[ \t]*)?{_UNIT_ID})"
    r"|#[ \t]?[A-Za-z0-9-]{1,6}"
    r"|\d{1,3}(?:st|nd|rd|th)[ \t]+(?i:floor)"
)
_POBOX = re.compile(
    r"(?i:p\.?[ \t]?o\.?[ \t]?box|post[ \t]office[ \t]box|postfach|apartado(?:[ \t]de[ \t]correos)?|casilla"
    r"|caixa[ \t]postal|boîte[ \t]postale|b\.?p\.?|postbus|box)\.?[ \t]*#?[ \t]*\d{1,7}(?:[ \t]\d{2,4})?"
)
_MILITARY = re.compile(
    r"(?:PSC|CMR|UPR|Unit)[ \t]+\d{1,5}(?:,?[ \t]+Box[ \t]+\d{1,5})?"
    r"|(?:USS|USNS|USCGC|HMS)[ \t]+[A-Z][A-Za-z'.-]+(?:[ \t][A-Z][A-Za-z'.-]+){0,2}"
    r"|(?:APO|FPO|DPO)[ \t]+(?:AE|AA|AP)(?:[ \t]+\d{5}(?:-\d{4})?)?"
    r"|(?:AE|AA|AP)[ \t]+\d{5}(?:-\d{4})?"
)
_MILITARY_ALONE = re.compile(r"(?:APO|FPO|DPO)[ \t]+(?:AE|AA|AP)[ \t]+\d{5}(?:-\d{4})?")
# Postcodes: UK, Canada, and digit codes (Brazil's CEP "01310-100", Poland's "00-950", US ZIP+4).
_UK = r"[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_CA = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]?\d[ABCEGHJ-NPRSTV-Z]\d"
# digit postcodes, also written in groups: "057 03" (CZ/SK), "114 55" (SE, GR), "00-950" (PL)
_DIGITS = r"\d{4,6}(?:-\d{3,4})?|\d{2}-\d{3}|\d{3}[ \t]\d{2}"
_CODE = rf"(?:{_UK}|{_CA}|{_DIGITS}|\d{{4}}[ \t]?[A-Z]{{2}}|[A-Z]{{1,2}}-\d{{4,5}})"
_REGION = r"(?:[A-Z]{2,3}|\([A-Z]{2,3}\))"
_PLACE_WORDS = (
    rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'\u2019.-]*(?:[ \t-]+[{UPPER}{LOWER}][{UPPER}{LOWER}'\u2019.-]*){{0,4}}"
)
_CODE_FIRST = re.compile(rf"(?P<code>{_CODE})[ \t]+(?P<town>{_PLACE_WORDS})(?:,?[ \t]+{_REGION})?")
_TOWN_FIRST = re.compile(
    rf"(?P<town>{_PLACE_WORDS})(?:,?[ \t]+(?P<region>{_REGION}|[{UPPER}][{LOWER}]+))?,?[ \t]+"
    rf"(?P<code>{_CODE})"
)
# A postcode with only a region: "CO 80226", "NSW 2000", "ON K1A 0B1", or a UK/Canadian code alone.
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC"
    "|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|NSW|VIC|QLD|TAS|ACT|NT|SA|WA"
    "|AB|BC|MB|NB|NL|NS|ON|PE|QC|SK|YT|NU|AS|FM|MH|MP|PW"
)
_REGION_CODE = re.compile(rf"(?:{_STATES})[ \t]+(?:\d{{5}}(?:-\d{{4}})?|\d{{4}}|{_CA})|{_UK}|{_CA}")
_ZIP = re.compile(r"\d{4,6}(?:-\d{3,4})?|\d{4}[ \t]?[A-Z]{2}")
_TRAILING = " \t.!?)\"'"
_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_LOWER_WORD = re.compile(rf"[{LOWER}]{{3,}}")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_TOWN_WORD = re.compile(rf"[{UPPER}][{LOWER}]*(?:['\u2019.-][{UPPER}{LOWER}]?[{LOWER}]*)*\.?|[{UPPER}]{{2,}}")
_TRAILING_UNIT = re.compile(
    r",?[ \t]+(?:(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|piano|piso|puerta|interno|scala|esc"
    r"|andar|apto|bloco|lgh|asunto|as|stan|byt|bus|bte|daire|kat)"
    rf"\.?{_UNIT_ID}|#[ \t]?[A-Za-z0-9-]{{1,6}})$"
)


class AddressFinder:
    """Address blocks in a text (see the module's docstring); gazetteers loaded on first use."""

    @cached_property
    def countries(self) -> frozenset[str]:
        return frozenset(c.casefold() for c in load_list(COUNTRIES))

    @cached_property
    def places(self) -> frozenset[str]:
        return frozenset(p.casefold() for p in load_list(PLACES))

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

    def kind(self, part: str) -> str | None:
        """The kind of an address part (the whole of ``part``), or None."""
        part = part.strip(_TRAILING)
        if not part or len(part) > 80:
            return None
        if _MILITARY.fullmatch(part):
            return "military"
        if _POBOX.fullmatch(part):
            return "pobox"
        if _UNIT.fullmatch(part):
            return "unit"
        if _DIGIT.search(part):
            if _HOUSE_ALONE.fullmatch(part):
                return "house"  # "12, rue de la Paix": the number before the street
            street = self._street(part)
            return street if street == "street" else self._postcode(part) or street
        if part.casefold() in self.countries:
            return "country"
        if self._street_words(part.split(), named=True) == "street":
            return "street"  # "Via Nadi" (its number comes next), "Sane Marg"
        if self._town(part):
            return "town"
        # a town named like a person ("Mika", "Florence") is a town only before a region + postcode
        return "named_town" if self._town(part, postcode=True) else None

    def _postcode(self, part: str) -> str | None:
        """ "postcode" (with a town or country), "postcode_bare" (with a region only, or a UK or
        Canadian code), "code" (digits alone), or None."""
        for regex in (_CODE_FIRST, _TOWN_FIRST):
            match = regex.fullmatch(part)
            if match is not None and self._town(match.group("town"), postcode=True):
                return "postcode"
        if _REGION_CODE.fullmatch(part):
            return "postcode_bare"
        return "code" if _ZIP.fullmatch(part) else None

    def _town(self, text: str, *, postcode: bool = False) -> bool:
        """A place's name: known (any case), a country, or capitalised words that are neither
        common words nor (unless a postcode goes with it) a person's name."""
        folded = text.casefold()
        if folded in self.places or folded in self.countries:
            return True
        words = text.replace("-", " ").split()
        if not 1 <= len(words) <= 4 or (len(text) <= 3 and text.isupper()):
            return False
        if not all(_TOWN_WORD.fullmatch(w) or w.lower() in _PARTICLES for w in words):
            return False
        if not words[0][0].isupper() or all(
            w.strip(".") in COMMON_CAPITALISED or w in _PARTICLES for w in words
        ):
            return False
        return postcode or words[0] not in self.first_names

    def _street(self, part: str) -> str | None:
        unit = _TRAILING_UNIT.search(part)  # "0610 Christine Manors Suite 670"
        if unit is not None and unit.start() > 0:
            part = part[: unit.start()].rstrip(" ,")
            if _HOUSE.fullmatch(part):
                return "unit"  # "43 Piano 2": a house number and a unit
        tokens = part.split()
        if len(tokens) < 2 or len(tokens) > 8:
            return None
        if _HOUSE.fullmatch(tokens[0]):  # "4417 Cedar Hollow Road", "12, rue de la Paix"
            if len(tokens) > 2 and _HOUSE.fullmatch(tokens[-1]):  # "971 Kesk 53": a number both sides
                return self._street_words(tokens[1:-1])
            return self._street_words(tokens[1:])
        match = re.search(r"[ \t]\d", part)  # "Mannerheimintie 14 B 22", "Via Roma 5"
        if match is None:
            return None
        if not _NUMBER_TAIL.fullmatch(part, match.start() + 1):
            # a number inside a street's name: "Brucker Bundesstrasse 31 Zezig Streets"
            words = [t for t in tokens if not _HOUSE.fullmatch(t)]
            return "street" if len(words) < len(tokens) and self._street_words(words) == "street" else None
        return self._street_words(part[: match.start()].rstrip(",").split(), lower=True)

    def _street_words(self, words: list[str], *, named: bool = False, lower: bool = False) -> str | None:
        """ "street" when a street word is among ``words`` (capitalised name words, particles,
        ordinals, directions), "street_weak" for other capitalised names; with ``named`` (no
        house number) only a street word first or last makes a street."""
        if not 1 <= len(words) <= 6:
            return None
        strong = False
        for i, word in enumerate(words):
            bare = word.rstrip(".,").casefold()
            if (
                bare in _STREET_TERMS
                or (bare[:-1] in _STREET_TERMS and bare[-1] == "s")
                or (bare.endswith(_STREET_ENDINGS) and len(bare) > 5)
            ):
                strong = strong or not named or i in (0, len(words) - 1)
            elif not (
                _TOWN_WORD.fullmatch(word.rstrip(","))
                or (i > 0 and lower and _LOWER_WORD.fullmatch(word))  # "Pod vinicami 21"
                or bare in _PARTICLES
                or _ORDINAL.fullmatch(word)
                or word in _DIRECTIONS
            ):
                return None
        if strong:
            return "street" if not named or len(words) > 1 else None
        if named or any(w.isupper() and len(w) > 1 for w in words):
            return None
        if not _TOWN_WORD.fullmatch(words[0]):
            return None
        if all(w.rstrip(".,") in COMMON_CAPITALISED or w.rstrip(".,") in _PARTICLES for w in words):
            return None
        return "street_weak"

    # -- blocks --------------------------------------------------------------------------------

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if not any(c.isdigit() for c in text):
            return
        parts = _split(text)
        # every block holds a part with a digit (a number, a postcode): only parts within a few
        # places of one are classified (prose with many commas and no numbers costs little)
        near = [False] * len(parts)
        for j, (s, e, _) in enumerate(parts):
            if _DIGIT.search(text, s, e):
                for k in range(max(0, j - _REACH), min(len(parts), j + _REACH + 1)):
                    near[k] = True
        kinds = [self.kind(text[s:e]) if near[j] else None for j, (s, e, _) in enumerate(parts)]
        # a part that is not an address part may end with a street ("Ship to 88 Harbour View
        # Terrace", "Address: Fayepad 03"): where that street starts
        leads: list[tuple[int, str] | None] = [
            self._tail_part(text, part) if kind is None and _DIGIT.search(text, part[0], part[1]) else None
            for part, kind in zip(parts, kinds, strict=True)
        ]
        i = 0
        while i < len(parts):
            block = self._block(text, parts, kinds, leads, i)
            if block is None:
                i += 1
                continue
            start, end, strong, count, hi = block
            if strong and (count >= 2 or _MILITARY_ALONE.fullmatch(text, start, end)):
                yield start, end, 0.95
            i = hi + 1

    def _block(
        self,
        text: str,
        parts: list[tuple[int, int, bool]],
        kinds: list[str | None],
        leads: list[tuple[int, str] | None],
        i: int,
    ) -> tuple[int, int, bool, int, int] | None:
        """(start, end, holds a strong part, number of parts, last part) of the block grown from
        part ``i``, or None when no block starts there."""
        lead = leads[i]
        if kinds[i] not in _STRONG and kinds[i] != "street_weak" and lead is None:
            return None
        lo = hi = i
        if lead is None:
            while lo > 0 and not parts[lo - 1][2] and _joins_left(kinds, lo - 1):
                lo -= 1
            if lo > 0 and not parts[lo - 1][2] and kinds[lo - 1] is None:
                lead = leads[lo - 1] or self._tail_part(text, parts[lo - 1])  # "Mail: USS Halsey"
                if lead is not None:
                    lo -= 1
            # a town first only before a postcode without a town of its own ("Lakewood\nCO 80226")
            while lead is None and kinds[lo] in ("town", "named_town") and kinds[lo + 1] != "postcode_bare":
                lo += 1
        while hi + 1 < len(parts) and not parts[hi][2] and self._joins_right(kinds, lo, hi + 1):
            hi += 1
        start = parts[lo][0] if lead is None else lead[0]
        end = parts[hi][1]
        count = hi - lo + 1
        seen = [kinds[lo] if lead is None else lead[1], *kinds[lo + 1 : hi + 1]]
        # trailing words after the last part ("France. We left", "CO 80226 and ...")
        if hi + 1 < len(parts) and not parts[hi][2] and kinds[hi] != "country":
            found = self._head_part(text, parts[hi + 1], seen)
            if found is not None:
                end, count = found, count + 1
        end = _strip_end(text, start, end)
        # strong: a strong part, or a street, more address parts and a country ("971 Kesk 53\n
        # Suite 343\nPärnu\nEstonia")
        strong = any(k in _STRONG for k in seen) or (
            count >= 3 and "country" in seen and "unit" in seen and any(k in _STREETS for k in seen)
        )
        return start, end, strong, count, hi

    @staticmethod
    def _joins_right(kinds: list[str | None], lo: int, j: int) -> bool:
        kind = kinds[j]
        if kind is None or (
            kind == "named_town" and (j + 1 >= len(kinds) or kinds[j + 1] != "postcode_bare")
        ):
            return False
        before = kinds[lo:j]
        if "country" in before:
            return False
        if "postcode" in before:
            return kind in ("country", "postcode_bare")
        # a bare number ("74830") only right after a street, unit or PO box
        return kind != "code" or before[-1] in _STREETS or before[-1] is None

    def _tail_part(self, text: str, part: tuple[int, int, bool]) -> tuple[int, str] | None:
        """Start of a street, unit, PO box or military part at the end of ``part`` (after a
        lead-in such as "Ship to" or "Address:")."""
        start, end, _ = part
        found = None
        tokens = list(_TOKEN.finditer(text, start, end))[-8:]  # a street has at most eight words
        for m in tokens:
            first = m.group()[0]
            if m.group().endswith(":") or not (first.isupper() or first.isdigit() or first == "#"):
                continue
            kind = self.kind(text[m.start() : end])
            if kind in ("street", "unit", "pobox", "military"):
                return m.start(), kind
            if kind == "street_weak" and found is None and m.group() not in COMMON_CAPITALISED:
                found = m.start(), kind
        return found

    def _head_part(self, text: str, part: tuple[int, int, bool], kinds: list[str | None]) -> int | None:
        """End of a postcode, country or known place at the start of ``part`` (before trailing words)."""
        start, end, _ = part
        stop = _SENTENCE_END.search(text, start, end)
        if stop is not None:
            end = stop.start()
        ends = [m.end() for m in _TOKEN.finditer(text, start, end)][:5]
        for at in reversed(ends):
            value = text[start:at].strip(_TRAILING)
            kind = self.kind(value)
            if (
                kind in ("postcode", "postcode_bare", "country")
                or (kind == "code" and kinds[-1] in _STREETS)
                or (kind == "town" and "postcode" not in kinds and value.casefold() in self.places)
            ):
                return start + len(text[start:at].rstrip(_TRAILING))
        return None


_STRONG = frozenset({"street", "pobox", "military", "postcode", "postcode_bare"})


def _joins_left(kinds: list[str | None], j: int) -> bool:
    """Whether part ``j`` joins the block that starts at part ``j + 1``."""
    kind = kinds[j]
    if kind == "house":
        return kinds[j + 1] in ("street", "street_weak")
    if kind == "named_town":
        return kinds[j + 1] == "postcode_bare"
    return kind in _BEFORE


_STREETS = frozenset({"street", "street_weak", "unit", "pobox", "military"})
_BEFORE = _STREETS | {"town"}
_REACH = 5  # parts of a block on either side of its part with a digit
_PART = re.compile(r"[^\n,;]+")
_BLANK_LINE = re.compile(r"[ \t\r]*\n[ \t\r]*\n")


def _split(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, ends a block) of each part: a line or a comma/semicolon-separated piece,
    without surrounding blanks; a part ends a block when a blank line or the text's end follows."""
    parts: list[tuple[int, int, bool]] = []
    for m in _PART.finditer(text):
        s, e = m.span()
        while s < e and text[s] in " \t\r":
            s += 1
        while e > s and text[e - 1] in " \t\r":
            e -= 1
        if s == e:
            continue
        parts.append((s, e, _BLANK_LINE.match(text, m.end()) is not None))
    return parts


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end


def address_block() -> Recognizer:
    return Recognizer(
        name=ADDRESS_BLOCK,
        entity_type=EntityType.LOCATION,
        finder=AddressFinder(),
        context=("address", "ship to", "mail to", "deliver to", "lives at", "billing", "shipping"),
        context_boost=0.05,
    )
