"""Contact details: e-mail addresses and phone numbers.

Phone numbers go through ``phonenumbers``: a cheap regex picks digit runs that could be
phone numbers (at least 7 digits, not glued to letters, currency signs or decimals), and
``PhoneNumberMatcher`` is run on each candidate only, trying the configured regions in
order. A number that is *valid* for some region (or as an international number) and written
like a phone number (a ``+``, brackets or separators) scores 0.75; one that is merely
*possible*, or a bare run of digits ("2025550143" is as often an id as a phone number), scores
0.4, so it needs phone context ("tel", "call", "mobile", ...) to be reported — unless the
text is that number alone (a table cell, a JSON field), with no words to judge it by. Amounts
("$1,234.56"), times, dates and digit runs cut out of something written like an IBAN never
get here.

E-mail domains may be internationalised: Unicode labels ("müller.de") and punycode
("xn--mller-kva.de", TLD "xn--p1ai"). Addresses that people spell out to dodge harvesters are
addresses too: "jane [at] example [dot] org", "jane(at)example.org", "jane at example dot com"
(brackets around "at" or "dot", or both words spelled out with a common top-level domain).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator

import phonenumbers

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import iban_shaped, overlaps
from veil.pii.recognizers.phone_validity import is_valid_number

__all__ = ["DEFAULT_PHONE_REGIONS", "PhoneFinder", "email", "is_email", "phone_number"]

DEFAULT_PHONE_REGIONS: tuple[str, ...] = (
    "US",
    "GB",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "IE",
    "CA",
    "AU",
    "IN",
    "BR",
    "PT",
)


def is_email(text: str) -> bool:
    local, _, domain = text.rpartition("@")
    return not (local.startswith(".") or local.endswith(".") or ".." in text or domain.startswith("-"))


# An address is found from its "@" (rare) outwards, not tried at every word start.
_DOMAIN_AFTER_AT = re.compile(
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,24}|xn--[a-z0-9-]{2,59})(?![\w-]|\.\w)"
)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _local_char(char: str) -> bool:
    """ASCII local-part characters, and letters and digits of any script (RFC 6531 addresses:
    "josé@", "иван@", "用户@")."""
    return char in _LOCAL_CHARS or (not char.isascii() and char.isalnum())


def _find_emails(text: str) -> Iterator[tuple[int, int, float]]:
    for match in _DOMAIN_AFTER_AT.finditer(text):
        start = at = match.start()
        while start > 0 and at - start < 64 and _local_char(text[start - 1]):
            start -= 1
        while start < at and not text[start].isalnum():  # "-.jane@x.org" -> "jane@x.org"
            start += 1
        if start < at and not (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")):
            yield start, match.end(), 0.9


# Spelled-out addresses. Every quantifier is bounded and no two adjacent parts can read the same
# characters, so a long hostile run costs linear time.
_BRACKETED = r"[ \t]{0,3}[\[({<][ \t]{0,3}%s[ \t]{0,3}[\])}>][ \t]{0,3}"
_SPELLED = r"[ \t]{1,3}%s[ \t]{1,3}"
_AT_WORD = "(?:at|AT|At)"
_DOT_WORD = "(?:dot|DOT|Dot)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOT_SEP = rf"(?:{_BRACKETED % _DOT_WORD}|{_SPELLED % _DOT_WORD}|\.)"
_AT_ONWARDS = (
    rf"(?P<at>{_BRACKETED % _AT_WORD}|{_SPELLED % _AT_WORD})"
    rf"{_LABEL}(?:{_DOT_SEP}{_LABEL}){{0,3}}{_DOT_SEP}(?P<tld>[A-Za-z]{{2,24}})(?![\w-])"
)
_OBFUSCATED = re.compile(rf"(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{{0,62}}[A-Za-z0-9])?{_AT_ONWARDS}")
# What every spelled-out address holds: its "at" word followed by a space or a closing bracket,
# then a domain starting at most seven characters before that word (spaces, a bracket, spaces)
# right after its local part. _OBFUSCATED tries a 64-character local part from every word start
# and backtracks over it; these find the rare "at" first, and prose costs no full scan.
_AT_WORD_END = re.compile(rf"{_AT_WORD}[ \t\])}}>]")
_AT_DOMAIN = re.compile(rf"(?<=[A-Za-z0-9]){_AT_ONWARDS}")
_AT_LEAD = 7  # [ \t]{0,3} [\[({<] [ \t]{0,3} before the word: see _BRACKETED and _SPELLED


def _spelled_at(text: str) -> bool:
    """True when an "at" with a domain after it follows a local part's last character: a
    necessary condition of a spelled-out address (cheap: tried only around each "at ")."""
    for word in _AT_WORD_END.finditer(text):
        at = word.start()
        if any(_AT_DOMAIN.match(text, p) for p in range(max(0, at - _AT_LEAD), at + 1)):
            return True
    return False


#: top-level domains that "x at y dot com" may end with when nothing is bracketed
_COMMON_TLDS = frozenset(
    {
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "mil",
        "int",
        "info",
        "biz",
        "io",
        "co",
        "me",
        "us",
        "uk",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "be",
        "ch",
        "at",
        "se",
        "no",
        "dk",
        "fi",
        "pl",
        "pt",
        "ie",
        "ca",
        "au",
        "nz",
        "in",
        "br",
        "mx",
        "jp",
        "cn",
        "ru",
        "eu",
    }
)


def _find_spelled_emails(text: str) -> Iterator[tuple[int, int, float]]:
    if not _spelled_at(text):
        return  # no "at" with a domain after it: no spelled-out address (every one holds one)
    for match in _OBFUSCATED.finditer(text):
        value = match.group(0)
        bracketed = any(b in value for b in "[({<")
        spelled_dot = re.search(r"[ \t](?:dot|DOT|Dot)[ \t]", value) is not None
        if bracketed or (spelled_dot and match.group("tld").lower() in _COMMON_TLDS):
            yield match.start(), match.end(), 0.8


def _find_all_emails(text: str) -> Iterator[tuple[int, int, float]]:
    yield from _find_emails(text)
    yield from _find_spelled_emails(text)


def email() -> Recognizer:
    return Recognizer(
        name="email",
        entity_type=EntityType.EMAIL_ADDRESS,
        finder=_find_all_emails,
        validate=is_email,
        context=("email", "e-mail", "mail", "contact", "address"),
    )


# Digit runs with phone punctuation; at least 7 digits overall is checked in code.
# Not glued to a word, an amount, a decimal, a path or a time ("12:30"); after a word's colon it
# may be ("tel:+12125550147", vCard's "TEL;TYPE=CELL:+1 212 555 0147", "Phone:0201234567").
_CANDIDATE = re.compile(
    r"[+(\d](?:(?<![\w$€£¥₹.,:/+-][+(\d])|(?<=[^\W\d_]:[+(\d]))[\d \t().\-/]{5,23}\d"
    r"(?:[ \t]?(?:x|ext\.?|extension)[ \t]?\d{1,6})?"  # an extension: "x123", "ext. 12"
    r"(?![^\W_]|[.,:/-]\d)"
)
# A candidate laid out with nothing the matcher judges apart from validity (no brackets, no
# slashes: "(0116) 4960399" and "03/05/2016" go through it; no extension either: the matcher
# rejects "500000000 x12", which parsing alone finds valid in some region).
_PLAIN_LAYOUT = re.compile(r"\+?[0-9 \t.\-]+")
_EXTENSION = re.compile(r"[ \t]?(?:x|ext\.?|extension)[ \t]?\d+$")
# A candidate's characters other than its digits (every digit of a candidate is a ``\d``, so this
# keeps what ``str.isdigit`` keeps)
_NOT_DIGIT = re.compile(r"\D+")
_MONEY_BEFORE = re.compile(r"(?i)(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|jpy|inr|aud|cad))\s*$")
# A comparison before a number makes it a quantity ("for n <= 400 000 000", "x ≥ 555 123 456"):
# no phone number is compared. (A lone "<" or ">" counts only between blanks: "<td>" ends a tag.)
_COMPARED_BEFORE = re.compile(r"(?:<=|>=|==|!=|[≤≥≈≠]|\s[<>~])[ \t]*$")


# Shapes that are never phone numbers: dates, IPv4 addresses, SSNs, long card/account numbers.
_NOT_PHONE = re.compile(
    r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"  # dates
    r"|\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?"  # IPv4 addresses and CIDR ranges
    r"|\d{3}([-. ])\d{2}\1\d{4}"  # SSN layouts
)


class PhoneFinder:
    """Finds phone numbers with ``phonenumbers`` over cheap candidates (picklable).

    For a national number (no ``+`` / ``00``) only the regions whose numbering plan allows
    its length are tried, in the configured order.
    """

    #: Candidates whose verdict is remembered (then the memo starts afresh): bounded memory.
    MEMO_SIZE = 8192

    def __init__(self, regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS) -> None:
        if not regions:
            raise ValueError("PhoneFinder needs at least one region")
        self.regions = tuple(r.upper() for r in regions)
        self._plans = tuple((region, *_plan(region)) for region in self.regions)
        # (candidate's digest, stands alone) -> its spans relative to the candidate: parsing is a
        # pure function of the candidate, and tables repeat phone numbers row after row (no number
        # is kept: a 128-bit BLAKE2b digest of it)
        self._memo: dict[tuple[bytes, bool], tuple[tuple[int, int, float], ...]] = {}
        # the same finder with the regions of a text's script added (:func:`_script_regions`)
        self._extended: dict[tuple[str, ...], PhoneFinder] = {}

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        extra = () if text.isascii() else _script_regions(text)
        if not extra or set(extra) <= set(self.regions):
            return self._find(text)
        finder = self._extended.get(extra)
        if finder is None:
            finder = self._extended[extra] = PhoneFinder(tuple(dict.fromkeys((*self.regions, *extra))))
        return finder._find(text)

    def _find(self, text: str) -> Iterator[tuple[int, int, float]]:
        shaped: list[tuple[int, int]] | None = None
        # blanks at the text's ends: a candidate between them is alone (read once, not by slicing
        # the text at every candidate, which is quadratic in a long text's length)
        blank_ends: tuple[int, int] | None = None
        for match in _CANDIDATE.finditer(text):
            candidate = match.group()
            digits = _NOT_DIGIT.sub("", _EXTENSION.sub("", candidate))
            if len(digits) < 7 or _NOT_PHONE.fullmatch(candidate):
                continue
            international = candidate.startswith(("+", "00"))
            if not international and len(digits) > 12:
                continue  # longer than any national number: a card, an account, an id
            if _MONEY_BEFORE.search(text, max(0, match.start() - 5), match.start()):
                continue
            if _COMPARED_BEFORE.search(text, max(0, match.start() - 4), match.start()):
                continue
            if shaped is None:
                shaped = iban_shaped(text)
            if overlaps(shaped, match.start(), match.end()):
                continue
            # a value on its own (a table cell, a JSON number field) has no words to judge it by
            if blank_ends is None:
                blank_ends = (len(text) - len(text.lstrip()), len(text.rstrip()))
            alone = match.start() <= blank_ends[0] and match.end() >= blank_ends[1]
            key = (
                hashlib.blake2b(candidate.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
                alone,
            )
            spans = self._memo.get(key)
            if spans is None:
                if len(self._memo) >= self.MEMO_SIZE:
                    self._memo.clear()
                spans = self._memo[key] = tuple(self._match(candidate, digits, international, 0, alone))
            offset = match.start()
            for start, end, score in spans:
                yield offset + start, offset + end, score

    def _regions_for(self, digits: str) -> list[str]:
        """Regions whose numbering plan fits: the length, and the trunk "0" where national
        numbers are written with it (a "0..." number is not from the US; "2025550143" not from GB)."""
        out = []
        for region, prefix, lengths in self._plans:
            has_trunk = bool(prefix) and digits.startswith(prefix)
            if prefix == "0" and not has_trunk and region not in _TRUNK_OFTEN_OMITTED:
                continue
            if prefix != "0" and digits.startswith("0") and region in _NO_LEADING_ZERO:
                continue
            if len(digits) - (len(prefix) if has_trunk else 0) in lengths:
                out.append(region)
        return out

    def _match(
        self, raw: str, digits: str, international: bool, offset: int, alone: bool = False
    ) -> Iterator[tuple[int, int, float]]:
        candidate, shift = _normalise(raw)
        regions = [self.regions[0]] if international else self._regions_for(digits)
        # one run of digits with no "+" and no separators is as often an id as a phone number:
        # in running text it needs phone words; a value on its own is taken as written
        plain = raw.isdigit() and not alone  # "0049..." written as one run is plain too
        parsed: dict[str, phonenumbers.PhoneNumber | None] = {}  # parsing is most of the cost: once
        for region in regions:
            if not _valid_in(candidate, region, parsed):  # cheap pre-check; the matcher has the last word
                continue
            if _PLAIN_LAYOUT.fullmatch(candidate):
                # digits, spaces, dots, dashes and an extension: the matcher would parse and
                # validate it again only to return it whole (tests/pii/test_phone_layouts.py)
                yield offset + shift(0), offset + shift(len(candidate)), 0.4 if plain else 0.75
                return
            found = list(
                phonenumbers.PhoneNumberMatcher(candidate, region, leniency=phonenumbers.Leniency.VALID)
            )
            if found:
                for m in found:
                    yield offset + shift(m.start), offset + shift(m.end), 0.4 if plain else 0.75
                return
        # merely possible: weak, unless written in international form ("+33 ...")
        score = 0.55 if international and not plain else 0.4
        region = regions[0] if regions else self.regions[0]
        if not _possible_in(candidate, region, parsed):
            return
        for m in phonenumbers.PhoneNumberMatcher(candidate, region, leniency=phonenumbers.Leniency.POSSIBLE):
            yield offset + shift(m.start), offset + shift(m.end), score

    def __getstate__(self) -> dict[str, object]:
        return {"regions": self.regions}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(tuple(state["regions"]))  # type: ignore[misc, arg-type]

    def __repr__(self) -> str:
        return f"PhoneFinder(regions={self.regions!r})"


def _normalise(raw: str) -> tuple[str, Callable[[int], int]]:
    """``raw`` as phonenumbers reads it best, and a map from its offsets back to ``raw``'s:
    "+49 (0) 30 1234" loses its "(0)" trunk hint; "0049 30 1234" is written "+49 30 1234"."""
    value = raw
    shift_at = 0
    if value.startswith("00"):
        value = "+" + value[2:]
        shift_at = 1
    cut = value.find("(0)")
    if cut != -1:
        value = value[:cut] + value[cut + 3 :]

    def shift(i: int) -> int:
        return i + (shift_at if i > 0 else 0) + (3 if -1 < cut < i else 0)

    return value, shift


# The countries whose numbers a text written in a script most likely holds: a number in a Chinese,
# Russian or Arabic text is read with those countries' numbering plans as well as the configured
# ones (a Chinese mobile "13812345678", a Russian "8 (916) 123-45-67" or a Saudi "0501234567" is
# no number of the default regions). Kana before Han: Japanese text holds both.
_SCRIPT_REGIONS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile("[\u3040-\u30ff]"), ("JP",)),
    (re.compile("[\uac00-\ud7af]"), ("KR",)),
    (re.compile("[\u4e00-\u9fff]"), ("CN", "TW", "HK")),
    (re.compile("[\u0400-\u04ff]"), ("RU", "UA", "BY", "KZ", "BG", "RS")),
    (re.compile("[\u0370-\u03ff]"), ("GR", "CY")),
    (re.compile("[\u0600-\u06ff]"), ("SA", "AE", "EG", "MA", "DZ", "IQ", "JO", "IR", "PK")),
    (re.compile("[\u0590-\u05ff]"), ("IL",)),
    (re.compile("[\u0900-\u097f]"), ("IN", "NP")),
    (re.compile("[\u0e00-\u0e7f]"), ("TH",)),
)


def _script_regions(text: str) -> tuple[str, ...]:
    """The regions of the first script of :data:`_SCRIPT_REGIONS` that ``text`` is written in."""
    for script, regions in _SCRIPT_REGIONS:
        if script.search(text) is not None:
            return regions
    return ()


# National numbers written without the trunk "0" ("98765 43210", "11 98765-4321"), and plans
# whose national numbers never start with 0 (NANP).
_TRUNK_OFTEN_OMITTED = frozenset({"IN", "BR"})
_NO_LEADING_ZERO = frozenset({"US", "CA"})


def _parsed(
    candidate: str, region: str, parsed: dict[str, phonenumbers.PhoneNumber | None]
) -> phonenumbers.PhoneNumber | None:
    """``candidate`` parsed in ``region`` (None: unparseable), remembered in ``parsed`` (per region)."""
    if region not in parsed:
        try:
            parsed[region] = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            parsed[region] = None
    return parsed[region]


def _possible_in(candidate: str, region: str, parsed: dict[str, phonenumbers.PhoneNumber | None]) -> bool:
    number = _parsed(candidate, region, parsed)
    return number is not None and bool(phonenumbers.is_possible_number(number))


def _valid_in(candidate: str, region: str, parsed: dict[str, phonenumbers.PhoneNumber | None]) -> bool:
    number = _parsed(candidate, region, parsed)
    return number is not None and is_valid_number(number)


def _plan(region: str) -> tuple[str, frozenset[int]]:
    """(national trunk prefix, possible national number lengths) of ``region``."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return "", frozenset(range(4, 16))
    desc = metadata.general_desc
    lengths = frozenset(desc.possible_length or ()) | frozenset(desc.possible_length_local_only or ())
    return metadata.national_prefix or "", lengths or frozenset(range(4, 16))


def phone_number(regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS) -> Recognizer:
    return Recognizer(
        name="phone_number",
        entity_type=EntityType.PHONE_NUMBER,
        finder=PhoneFinder(regions),
        context=(
            "phone",
            "telephone",
            "tel",
            "mobile",
            "mob",
            "cell",
            "cellphone",
            "call",
            "called",
            "calling",
            "fax",
            "contact",
            "reach",
            "reached",
            "reachable",
            "my number",
            "dial",
            "ring",
            "text",
            "sms",
            "whatsapp",
            "landline",
            "ph",
            # the same words and the verbs of calling in German, French, Spanish, Italian, Dutch and
            # Portuguese ("Bitte X anrufen: 030 1234567")
            "telefon",
            "telefonnummer",
            "handy",
            "handynummer",
            "mobil",
            "mobilnummer",
            "anrufen",
            "angerufen",
            "rückruf",
            "zurückrufen",
            "téléphone",
            "tél",
            "portable",
            "appeler",
            "appelez",
            "rappeler",
            "teléfono",
            "móvil",
            "celular",
            "llamar",
            "llame",
            "llamó",
            "telefono",
            "cellulare",
            "chiamare",
            "chiamami",
            "telefoon",
            "mobiel",
            "bellen",
            "gebeld",
            "telefone",
            "ligar",
            # ... in Russian, Ukrainian, Greek, Turkish, Polish, Chinese, Japanese, Korean, Arabic,
            # Persian, Hebrew, Hindi and Thai (the terms of spaceless scripts match inside a run)
            "телефон",
            "тел",
            "моб",
            "мобильный",
            "позвоните",
            "звоните",
            "τηλέφωνο",
            "τηλ",
            "κινητό",
            "cep",
            "komórka",
            "电话",
            "手机",
            "電話",
            "手機",
            "携帯",
            "전화",
            "휴대폰",
            "핸드폰",
            "연락처",
            "هاتف",
            "هاتفي",
            "الهاتف",
            "جوال",
            "الجوال",
            "موبايل",
            "تلفن",
            "موبایل",
            "טלפון",
            "נייד",
            "फ़ोन",
            "फोन",
            "मोबाइल",
            "โทร",
            "โทรศัพท์",
            "มือถือ",
        ),
        negative_context=(
            "amount",
            "total",
            "price",
            "cost",
            "balance",
            "paid",
            "order",
            "invoice",
            "ref",
            "reference",
            "tracking",
            "isbn",
            "serial",
            "version",
            "build",
            "release",
            "account",
            "iban",
            "card",
            "ssn",
            "social security",
            "nhs",
            "ticket",
            "id",
            "tax",
            "steuer",
            "steuer-id",
            "idnr",
            "nino",
            "insurance",
            "passport",
            "nir",
            "dni",
            "nie",
            "nif",
        ),
        negative_penalty=0.3,
    )
