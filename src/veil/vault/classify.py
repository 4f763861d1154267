"""Column classification: which columns identify, re-identify, or reveal.

Two steps, both driven by rules that are data (token lists, detectors) so they are easy to
read, test and extend:

1. **A first category** (:func:`classify_column`) from the column's name and a sample of its
   values (at ingest: the first non-empty values of the first batch).
2. **The whole column** (:class:`ColumnWatch`): ingest shows every batch of every column
   stored in clear to its watch *before the batch is written*. Every value is checked by
   the cheap identifier detectors (:data:`DETECTORS`: e-mail addresses, social media
   handles, phone numbers, US SSNs, UK NINOs, French NIRs, Spanish NIFs, Italian fiscal
   codes, IBANs, payment cards, IP addresses); an identifier anywhere makes the column
   sealed. What the first category leaned on is re-checked too: a name rule set aside
   because the values were yes/no flags or a handful of codes comes back as soon as a
   value is neither, and a text column whose values read as prose becomes free text.
   A schema file's category is never overridden; the findings are still recorded.

The bias is toward safety: a column that might directly identify someone is sealed, since
sealing a harmless column costs little and leaking an identifier cannot be undone. The
other direction is handled in the value rules, not by special cases: yes/no flags and
low-cardinality codes are neither identifiers nor free text, whatever the column is called;
plain numbers, dates, times, decimals, thousands-grouped amounts and ZIP+4 codes are not
phone numbers; times are not IPv6 addresses.

The detectors work on a value's *shape* first (ASCII digits -> ``9``, upper-case letters
-> ``A``, lower-case -> ``a``, everything else kept): distinct values of a column share a
few shapes, a shape that no detector can match is remembered as clean, and only values
whose shape could hold an identifier are checked one by one (checksums, address parsing).
Each detector's shape test is a necessary condition of its value test, so the shortcut
finds exactly what checking every value would (tested as a property).

The PII engine (``veil.pii``) may refine the first category (``--pii-scan``); this module
is what ingest relies on and needs no model.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from itertools import repeat
from pathlib import Path
from typing import Any, Literal

import yaml

from veil.errors import InputError

__all__ = [
    "DETECTORS",
    "ENCRYPTED_CATEGORIES",
    "ColumnCategory",
    "ColumnClass",
    "ColumnWatch",
    "Detector",
    "Evidence",
    "Finding",
    "SchemaFile",
    "classify_column",
    "detect",
    "is_coded",
    "is_flags",
    "is_free_text",
    "shape_of",
    "tokens_of",
]


class ColumnCategory(StrEnum):
    SUBJECT_ID = "subject_id"
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    FREE_TEXT = "free_text"
    OTHER = "other"


#: Categories sealed in the vault under the subject's data key.
ENCRYPTED_CATEGORIES = frozenset({ColumnCategory.DIRECT_IDENTIFIER, ColumnCategory.FREE_TEXT})

#: What a category set aside by the values relied on: the values stay yes/no flags, or a
#: handful of short repeated codes.
HoldsWhile = Literal["flags", "codes"]


@dataclass(frozen=True, slots=True)
class ColumnClass:
    """A column's category and why (never a value).

    ``holds_while``/``otherwise``: the category stands only while the values stay flags or
    codes; once a value is neither, the column becomes ``otherwise`` (what its name says).
    """

    category: ColumnCategory
    reason: str
    holds_while: HoldsWhile | None = None
    otherwise: ColumnCategory | None = None


# -- name rules: a column matches when one of these phrases appears in its tokens -------------
DIRECT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "name",
        "names",
        "firstname",
        "lastname",
        "fullname",
        "surname",
        "forename",
        "givenname",
        "maiden",
        "nickname",
        "username",
        "login",
        "email",
        "e mail",
        "mail",
        "emailaddress",
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "cell",
        "fax",
        "ssn",
        "social security",
        "sin",
        "nino",
        "nin",
        "nhs",
        "national id",
        "nationalid",
        "passport",
        "license",
        "licence",
        "driver",
        "iban",
        "bic",
        "account number",
        "accountnumber",
        "card number",
        "cardnumber",
        "credit card",
        "creditcard",
        "pan",
        "cvv",
        "address",
        "street",
        "addr",
        "ip",
        "ipaddress",
        "ipv4",
        "ipv6",
        "mac",
        "imei",
        "device id",
        "mrn",
        "medical record",
        "tax id",
        "taxid",
        "tin",
        "vat",
        "url",
        "website",
        "twitter",
        "handle",
        "photo",
        "face",
        "fingerprint",
        "signature",
        "plate",
        "vin",
    )
)
# Tokens that make a "name"-like column not about a person.
NOT_PERSON = frozenset(
    [
        "product",
        "file",
        "company",
        "org",
        "organisation",
        "organization",
        "brand",
        "item",
        "drug",
        "medication",
        "diagnosis",
        "hospital",
        "clinic",
        "city",
        "country",
        "state",
        "street",
        "dataset",
        "column",
        "table",
        "host",
        "domain",
        "device",
        "app",
        "plan",
        "category",
        "department",
        "ward",
        "employer",
        "school",
    ]
)
SENSITIVE_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "diagnosis",
        "diagnoses",
        "dx",
        "icd",
        "icd10",
        "condition",
        "disease",
        "illness",
        "disorder",
        "symptom",
        "symptoms",
        "medication",
        "medications",
        "drug",
        "drugs",
        "prescription",
        "treatment",
        "therapy",
        "procedure",
        "allergy",
        "allergies",
        "health",
        "medical",
        "clinical",
        "lab",
        "test result",
        "blood",
        "hiv",
        "pregnancy",
        "pregnant",
        "disability",
        "mental",
        "religion",
        "religious",
        "belief",
        "faith",
        "political",
        "party",
        "union",
        "trade union",
        "sexual",
        "orientation",
        "ethnicity",
        "ethnic",
        "race",
        "racial",
        "genetic",
        "biometric",
        "criminal",
        "conviction",
        "offence",
        "offense",
        "salary",
        "income",
        "wage",
        "wages",
        "credit score",
        "debt",
        "bmi",
    )
)
QUASI_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "dob",
        "birth",
        "birthdate",
        "birthday",
        "born",
        "age",
        "zip",
        "zipcode",
        "postcode",
        "postal",
        "post code",
        "city",
        "town",
        "county",
        "state",
        "province",
        "region",
        "country",
        "nationality",
        "gender",
        "sex",
        "marital",
        "occupation",
        "job",
        "profession",
        "employer",
        "education",
        "workclass",
        "language",
        "date",
        "admission",
        "discharge",
        "visit",
        "year of birth",
        "native country",
        "household",
        "children",
        "dependents",
        "height",
        "weight",
        "lat",
        "latitude",
        "lon",
        "lng",
        "longitude",
        "geo",
        "location",
    )
)
FREE_TEXT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "note",
        "notes",
        "comment",
        "comments",
        "description",
        "text",
        "message",
        "messages",
        "body",
        "summary",
        "narrative",
        "remark",
        "remarks",
        "feedback",
        "complaint",
        "bio",
        "transcript",
        "memo",
        "free text",
        "freetext",
        "observations",
        "history",
    )
)

# Direct-identifier phrases whose values a detector can recognise: a column so named whose
# values are a handful of repeated codes ("phone_type": home/work/mobile) holds no such value.
VERIFIABLE_PHRASES = frozenset(
    tuple(p.split())
    for p in (
        "email",
        "e mail",
        "mail",
        "emailaddress",
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "cell",
        "fax",
        "ssn",
        "social security",
        "nino",
        "iban",
        "card number",
        "cardnumber",
        "credit card",
        "creditcard",
        "pan",
        "ip",
        "ipaddress",
        "ipv4",
        "ipv6",
        "twitter",
        "handle",
    )
)

# -- value rules -----------------------------------------------------------------------------
#: Share of sampled non-empty values a detector must match for "values look like ...".
VALUE_SHARE = 0.5
FREE_TEXT_MIN_CHARS = 40
FREE_TEXT_MIN_WORDS = 6
#: One value this long reads as prose wherever it is (a note in a column of short values).
PROSE_VALUE_CHARS = 80
PROSE_VALUE_WORDS = 12
#: Yes/no flags, compared stripped and lower-cased (Python booleans count too).
FLAG_VALUES = frozenset({"y", "n", "yes", "no", "true", "false", "t", "f", "0", "1", "on", "off", "x"})
FLAG_MAX_DISTINCT = 3
#: Codes: at least CODE_MIN_VALUES values, at most CODE_MAX_DISTINCT distinct ones (each used
#: twice on average), none longer than CODE_MAX_CHARS characters or CODE_MAX_WORDS words.
CODE_MIN_VALUES = 20
CODE_MAX_DISTINCT = 20
CODE_MAX_CHARS = 24
CODE_MAX_WORDS = 3
#: Value types a schema file may declare (sealed columns are always stored as text).
SCHEMA_TYPES = ("int", "float", "bool", "date", "timestamp", "text")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DATE_VALUE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4}"
)

# -- shapes ------------------------------------------------------------------------------------
_SHAPE = bytes.maketrans(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", b"9" * 10 + b"A" * 26 + b"a" * 26
)
_SEP = "\x1f"


def shape_of(value: str) -> bytes:
    """``"+1 (555) 010-2030"`` -> ``b"+9 (999) 999-9999"``; other characters are kept (as UTF-8)."""
    return value.encode("utf-8", "surrogatepass").translate(_SHAPE)


def _shapes(values: Sequence[str]) -> list[bytes]:
    joined = _SEP.join(values)
    if joined.count(_SEP) != len(values) - 1:  # a value holds the separator: one by one
        return [shape_of(v) for v in values]
    return joined.encode("utf-8", "surrogatepass").translate(_SHAPE).split(_SEP.encode())


# -- detectors ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Detector:
    """An identifier kind that one value can reveal.

    ``in_shape`` is a necessary condition on the value's shape; ``check`` (when not ``exact``)
    confirms on the value itself (checksums, address parsing). A detector matches a value
    when both hold.
    """

    name: str
    label: str
    in_shape: Callable[[bytes], bool]
    check: Callable[[str], bool] | None = None

    @property
    def exact(self) -> bool:
        return self.check is None

    def matches(self, value: str) -> bool:
        return self.in_shape(shape_of(value)) and (self.check is None or self.check(value))


def _search(pattern: bytes) -> Callable[[bytes], bool]:
    compiled = re.compile(pattern)
    return lambda s: compiled.search(s) is not None


def _any(pattern: str, valid: Callable[[str], bool]) -> Callable[[str], bool]:
    """Some match of ``pattern`` in the value passes ``valid`` (ASCII classes, like the shapes)."""
    compiled = re.compile(pattern, re.ASCII)
    return lambda v: any(valid(m.group()) for m in compiled.finditer(v))


_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
_HANDLE = re.compile(r"@(?=[\w.]*[A-Za-z])[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?", re.ASCII)
_NINO = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]", re.ASCII)
_IIN = re.compile(
    r"(?:4|5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6011|64[4-9]|65|35|30[0-5]|36|38|39|62)",
    re.ASCII,
)


def _stdnum(module: str) -> Callable[[str], bool]:
    """``python-stdnum``'s ``is_valid`` of ``module``, imported on first use (the package costs
    ~20 ms to import, and only values of a candidate shape are ever checked)."""

    def is_valid(value: str) -> bool:
        return bool(importlib.import_module(f"stdnum.{module}").is_valid(value))

    return is_valid


_luhn, _iban, _nir, _dni, _nie, _fiscal = map(
    _stdnum, ("luhn", "iban", "fr.nir", "es.dni", "es.nie", "it.codicefiscale")
)


def _compact(value: str) -> str:
    return value.replace(" ", "").replace("-", "")


def _is_card(candidate: str) -> bool:
    digits = _compact(candidate)
    plain = digits == candidate
    # Unseparated digit strings of other lengths are ids, barcodes (EAN-13) or timestamps.
    allowed = {15, 16} if plain else set(range(13, 20))
    return (
        len(digits) in allowed and _IIN.match(digits) is not None and len(set(digits)) > 1 and _luhn(digits)
    )


def _is_iban(candidate: str) -> bool:
    # A greedy match may have swallowed a following word ("... 00 EUR"): cut it back.
    while len(_compact(candidate)) >= 15:
        if _iban(candidate):
            return True
        cut = candidate.rfind(" ")
        candidate = candidate[:cut] if cut > 0 else candidate[:-1]
    return False


def _is_ipv4(candidate: str) -> bool:
    try:
        ipaddress.IPv4Address(candidate)
    except ValueError:
        return False
    return True


def _is_ipv6(value: str) -> bool:
    try:
        ipaddress.IPv6Address(value.strip())
    except ValueError:
        return False
    return True


def _is_handle(value: str) -> bool:
    return _HANDLE.fullmatch(value.strip()) is not None


def _is_email(value: str) -> bool:
    return _EMAIL.search(value) is not None


# Phone numbers have no checksum: the shape decides. A whole value is a phone number when it
# is digits in groups (9-15 digits, 3+ groups, or 2 space-separated groups of 10-12 digits, or
# an area code in parentheses), or starts with "+" and has 8-15 digits; and it is not a date,
# a decimal, a thousands-grouped amount, a ZIP+4 code, an IPv4 address or an SSN. Inside
# longer text only the unmistakable forms count: "+" international numbers and (555) 010-2030.
_PHONE_WHOLE = re.compile(rb"(\+)?([9 ().\-/]+?)(?:\s*(?:a|aaa)\.?\s*9{1,5})?")
_PHONE_GROUPS = re.compile(rb"[ ().\-/]+")
_NOT_PHONE = re.compile(
    rb"9{4}[-/.]9{1,2}[-/.]9{1,2}|9{1,2}[-/.]9{1,2}[-/.]9{2,4}"  # dates
    rb"|-?9+(?:\.9+)?"  # plain numbers and decimals
    rb"|-?9{1,3}(?: 999)+(?:\.9+)?|-?9{1,3}(?:\.999)+"  # 1 234 567.89 / 1.234.567
    rb"|9{1,3}(?:\.9{1,3}){3}"  # IPv4
    rb"|999-99-9999"  # US SSN
)
_DECIMAL = re.compile(rb"9+\.9+")
_PHONE_IN_TEXT = re.compile(
    rb"(?<![9A-Za-z+])\+9[9 ().\-]{6,22}9(?!9)"
    rb"|(?<![9A-Za-z(+\-])(?:\(999\) ?|999[-.])999[-.]9999(?![9A-Za-z\-])"
)


def _phone_value(shape: bytes) -> bool:
    m = _PHONE_WHOLE.fullmatch(shape.strip())
    if m is None:
        return False
    plus, body = m.group(1), m.group(2)
    digits = body.count(b"9")
    if plus:  # +33612345678 is how phone numbers are stored; +1234567.89 is an amount
        return 8 <= digits <= 15 and _DECIMAL.fullmatch(body) is None
    if _NOT_PHONE.fullmatch(body):
        return False
    groups = [g for g in _PHONE_GROUPS.split(body) if g]
    separators = set(_PHONE_GROUPS.findall(body))
    if len(groups) < 2 or len(groups[-1]) < 2:
        return False
    if b"(" in body:
        return re.search(rb"\(9{2,5}\)", body) is not None and 10 <= digits <= 13
    if len(groups) == 2:
        return separators == {b" "} and 3 <= len(groups[0]) <= 5 and 10 <= digits <= 12
    if not 9 <= digits <= 15:
        return False
    if len(groups[0]) == 4 and any(b"-" in s or b"/" in s for s in separators):
        return False  # 2024-01-001, 2024/123/4567: a year, then a number
    if separators == {b"."}:  # dotted: 555.010.2030 or 01.23.45.67.89 (not versions 10.0.19041.1)
        lengths = [len(g) for g in groups]
        return lengths == [3, 3, 4] or all(n == 2 for n in lengths)
    return True


def _phone_shape(shape: bytes) -> bool:
    if shape.count(b"9") < 8:
        return False
    return _phone_value(shape) or any(_phone_value(m.group()) for m in _PHONE_IN_TEXT.finditer(shape))


_IPV4_SHAPE = re.compile(rb"(?<![9.])9{1,3}(?:\.9{1,3}){3}(?![9.])")
_IPV6_SHAPE = re.compile(rb"(?=[9Aa:.]*:[9Aa.]*:)[9Aa:.]{2,45}")
_IPV4 = re.compile(r"(?<![0-9.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![0-9.])", re.ASCII)


def _ip_shape(shape: bytes) -> bool:
    return _IPV4_SHAPE.search(shape) is not None or _IPV6_SHAPE.fullmatch(shape.strip()) is not None


def _is_ip(value: str) -> bool:
    return any(_is_ipv4(m.group()) for m in _IPV4.finditer(value)) or _is_ipv6(value)


#: Every detector ingest runs on every value of a column stored in clear. Order matters only
#: for naming the kind a value matches most often (ties go to the earlier one).
DETECTORS: tuple[Detector, ...] = (
    Detector("email", "e-mail addresses", _search(rb"@"), _is_email),
    Detector("handle", "social media handles", _search(rb"^\s*@"), _is_handle),
    Detector(
        "us_ssn",
        "US social security numbers",
        _search(rb"(?<![9-])999-99-9999(?![9-])"),
        _any(r"(?<![0-9-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![0-9-])", bool),
    ),
    Detector(
        "uk_nino",
        "UK national insurance numbers",
        _search(rb"(?<![A9a])AA ?99 ?99 ?99 ?A(?![A9a])"),
        _any(
            r"(?<![A-Za-z0-9])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])",
            lambda m: _NINO.fullmatch(m.replace(" ", "")) is not None,
        ),
    ),
    Detector(
        "fr_nir",
        "French social security numbers",
        _search(rb"(?<![A9a])9 ?99 ?99 ?(?:99|9A) ?999 ?999 ?99(?![A9a])"),
        _any(
            r"(?<![A-Za-z0-9])[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![A-Za-z0-9])",
            _nir,
        ),
    ),
    Detector(
        "es_nif",
        "Spanish national ids (DNI/NIE)",
        _search(rb"(?<![A9a])(?:9{8}|A9{7})-?A(?![A9a])"),
        _any(
            r"(?<![A-Za-z0-9])(?:\d{8}|[XYZ]\d{7})-?[A-Z](?![A-Za-z0-9])",
            lambda m: _dni(m) or _nie(m),
        ),
    ),
    Detector(
        "it_fiscal_code",
        "Italian fiscal codes",
        _search(rb"(?<![A9a])A{6}99A99A999A(?![A9a])"),
        _any(r"(?<![A-Za-z0-9])[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z](?![A-Za-z0-9])", _fiscal),
    ),
    Detector(
        "iban",
        "IBANs",
        _search(rb"(?<![A9a])AA99(?: ?[A9]){11,30}(?![A9a])"),
        _any(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])", _is_iban),
    ),
    Detector(
        "card",
        "payment card numbers",
        _search(rb"(?<!9)9(?:[ -]?9){12,18}(?!9)"),
        _any(r"(?<![0-9])\d(?:[ -]?\d){12,18}(?![0-9])", _is_card),
    ),
    Detector("phone", "phone numbers", _phone_shape),
    Detector("ip", "IP addresses", _ip_shape, _is_ip),
)
_BY_NAME = {d.name: d for d in DETECTORS}
#: How many clean shapes a column remembers, and how long one may be (bounded memory: long
#: shapes, from text, seldom repeat).
CLEAN_SHAPES_MAX = 1 << 16
CLEAN_SHAPE_BYTES = 64


def detect(values: Collection[str], clean: set[bytes] | None = None) -> dict[str, set[str]]:
    """The values of ``values`` (distinct strings) each detector matches, by detector name.

    ``clean`` holds shapes known to match no detector; shapes found clean here are added
    (up to :data:`CLEAN_SHAPES_MAX`), so a column's next batch skips them.
    """
    if not values:
        return {}
    order = list(values)
    shapes = _shapes(order)
    known = clean if clean is not None else set()
    candidates: dict[bytes, list[Detector]] = {}
    for s in set(shapes).difference(known):
        found = [d for d in DETECTORS if d.in_shape(s)]
        if found:
            candidates[s] = found
        elif clean is not None and len(s) <= CLEAN_SHAPE_BYTES and len(clean) < CLEAN_SHAPES_MAX:
            clean.add(s)
    hits: dict[str, set[str]] = {}
    if not candidates:
        return hits
    for value, s in zip(order, shapes, strict=True):
        for d in candidates.get(s, ()):
            if d.check is None or d.check(value):
                hits.setdefault(d.name, set()).add(value)
    return hits


def _distinct_texts(values: Iterable[Any]) -> tuple[set[str], bool]:
    """The distinct non-empty values as text (numbers, dates and nested values as stored),
    and whether every value was a string or missing (as in a CSV file)."""
    try:
        distinct = set(values)
    except TypeError:  # lists or dicts (Parquet): compare them as text
        distinct = {v if isinstance(v, str) else _as_text(v) for v in values if v is not None}
        distinct.discard("")
        return distinct, False
    distinct.discard(None)
    distinct.discard("")
    if set(map(type, distinct)) - {str}:
        return {v if type(v) is str else _as_text(v) for v in distinct}, False
    return distinct, True


def _as_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


# -- name and value rules ----------------------------------------------------------------------
def tokens_of(name: str) -> tuple[str, ...]:
    """``dateOfBirth`` / ``date_of_birth`` / ``Date of Birth`` -> ('date', 'of', 'birth')."""
    spaced = _CAMEL.sub(" ", name)
    return tuple(t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t)


def _has_phrase(tokens: tuple[str, ...], phrases: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == phrase:
                return phrase
    return None


def is_free_text(values: Sequence[str]) -> bool:
    """Whether the values read as prose: long on average, in characters and in words."""
    if not values:
        return False
    chars = sum(len(v) for v in values) / len(values)
    words = sum(len(v.split()) for v in values) / len(values)
    return chars >= FREE_TEXT_MIN_CHARS and words >= FREE_TEXT_MIN_WORDS


def is_flags(values: Sequence[Any]) -> bool:
    """Yes/no flags (Y/N, 0/1, true/false, ...): at least one value, all of them flags."""
    seen: set[Any] = set()
    for v in values:
        if v is None or v == "":
            continue
        flag = v if isinstance(v, bool) else str(v).strip().lower()
        if not (isinstance(flag, bool) or flag in FLAG_VALUES):
            return False
        seen.add(flag)
    return 0 < len(seen) <= FLAG_MAX_DISTINCT


def is_coded(values: Sequence[Any]) -> bool:
    """A handful of short codes, each repeated (A1..A5, home/work/mobile): not free text."""
    try:
        if len(set(values)) > CODE_MAX_DISTINCT + 2:  # (+ None, "", and spacing variants)
            return False
    except TypeError:  # unhashable (nested) values are no codes
        return False
    texts = [v.strip() if isinstance(v, str) else _as_text(v) for v in values if v is not None]
    texts = [t for t in texts if t]
    distinct = set(texts)
    return (
        len(texts) >= CODE_MIN_VALUES
        and len(distinct) <= CODE_MAX_DISTINCT
        and 2 * len(distinct) <= len(texts)
        and all(_is_code(t) for t in distinct)
    )


def _is_code(text: str) -> bool:
    return len(text) <= CODE_MAX_CHARS and len(text.split()) <= CODE_MAX_WORDS


def _is_dates(values: Sequence[Any]) -> bool:
    if not values:
        return False
    hits = sum(
        1
        for v in values
        if isinstance(v, date | datetime) or (isinstance(v, str) and _DATE_VALUE.fullmatch(v))
    )
    return hits / len(values) >= 0.9


def _what_values_are(values: Sequence[Any]) -> HoldsWhile | None:
    if is_flags(values):
        return "flags"
    if is_coded(values):
        return "codes"
    return None


_HOLDS_WHILE_TEXT = {"flags": "yes/no flags", "codes": "a handful of repeated codes"}


def classify_column(name: str, sample: Sequence[Any]) -> ColumnClass:
    """Classify one column from its name and a sample of its values."""
    tokens = tokens_of(name)
    texts = [v.strip() for v in sample if isinstance(v, str) and v.strip()]
    kind = _what_values_are(sample)
    direct = _has_phrase(tokens, DIRECT_PHRASES)
    if direct in {("name",), ("names",)} and NOT_PERSON.intersection(tokens):
        direct = None
    holds: tuple[HoldsWhile, ColumnCategory, str] | None = None
    if direct:
        phrase = " ".join(direct)
        if kind == "flags" or (kind == "codes" and direct in VERIFIABLE_PHRASES):
            holds = (kind, ColumnCategory.DIRECT_IDENTIFIER, f"name contains '{phrase}'")
        else:
            return ColumnClass(ColumnCategory.DIRECT_IDENTIFIER, f"name contains '{phrase}'")
    # Sealed either way from here on when the values read as prose (a note may hold anything);
    # otherwise an identifier in any sampled value makes it a direct identifier.
    if is_free_text(texts):
        return ColumnClass(ColumnCategory.FREE_TEXT, "values are long free text")
    hits = detect(set(texts)) if texts else {}
    if hits:
        order = [d.name for d in DETECTORS]
        counts = {d: sum(1 for t in texts if t in found) for d, found in hits.items()}
        top = min(counts, key=lambda d: (-counts[d], order.index(d)))
        if counts[top] / len(texts) >= VALUE_SHARE:
            return ColumnClass(ColumnCategory.DIRECT_IDENTIFIER, f"values look like {_BY_NAME[top].label}")
        total = sum(1 for t in texts if any(t in found for found in hits.values()))
        labels = " and ".join(_BY_NAME[d].label for d in sorted(hits, key=order.index))
        return ColumnClass(
            ColumnCategory.DIRECT_IDENTIFIER, f"{total} of {len(texts)} sampled values hold {labels}"
        )
    free = _has_phrase(tokens, FREE_TEXT_PHRASES)
    # No value in the sample (a sparse notes column) is no evidence against free text: seal it.
    no_values = not texts and all(v is None or isinstance(v, str) for v in sample)
    if free and (no_values or (texts and not _is_dates(texts))):
        if kind is None:
            return ColumnClass(ColumnCategory.FREE_TEXT, f"name contains '{' '.join(free)}'")
        if holds is None:
            holds = (kind, ColumnCategory.FREE_TEXT, f"name contains '{' '.join(free)}'")
    result = _clear_category(tokens, sample)
    if holds is None:
        return result
    kind_, otherwise, why = holds
    return ColumnClass(
        result.category,
        f"{why} but its values are {_HOLDS_WHILE_TEXT[kind_]}; {result.reason}",
        holds_while=kind_,
        otherwise=otherwise,
    )


def _clear_category(tokens: tuple[str, ...], sample: Sequence[Any]) -> ColumnClass:
    sensitive = _has_phrase(tokens, SENSITIVE_PHRASES)
    if sensitive:
        return ColumnClass(ColumnCategory.SENSITIVE, f"name contains '{' '.join(sensitive)}'")
    quasi = _has_phrase(tokens, QUASI_PHRASES)
    if quasi:
        return ColumnClass(ColumnCategory.QUASI_IDENTIFIER, f"name contains '{' '.join(quasi)}'")
    if _is_dates(list(sample)):
        return ColumnClass(ColumnCategory.QUASI_IDENTIFIER, "values are dates")
    return ColumnClass(ColumnCategory.OTHER, "no identifying name or values")


# -- the whole column --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Finding:
    """What one batch of a column showed that its category cannot stand (never a value).

    ``counts``: values of the batch each detector matched; ``first``: index in the batch of
    the first value that showed it.
    """

    category: ColumnCategory
    reason: str
    first: int
    counts: tuple[tuple[str, int], ...] = ()


class ColumnWatch:
    """Every value of one column stored in clear, batch by batch, during an ingest.

    :meth:`scan` returns a :class:`Finding` when a batch shows that the column must be
    sealed: an identifier in any value (-> direct identifier, or free text when those
    values read as prose); a value that is no longer a flag or a code when the category
    relied on that (-> ``otherwise``); for text columns, values that read as prose on
    average over the column so far, or one value long enough to be a note (-> free text).
    """

    def __init__(
        self,
        column: str,
        *,
        text: bool,
        holds_while: HoldsWhile | None = None,
        otherwise: ColumnCategory | None = None,
    ) -> None:
        self.column = column
        self.text = text
        self.holds_while = holds_while
        self.otherwise = otherwise
        self._clean: set[bytes] = set()
        self._distinct: set[str] = set()
        self.values = self.chars = self.words = 0

    def scan(self, values: Sequence[Any]) -> Finding | None:
        distinct, plain = _distinct_texts(values)
        if not distinct:
            return None
        hits = detect(distinct, self._clean)
        if hits:
            return self._identifiers(values, hits, plain)
        if self.holds_while is not None and self.otherwise is not None:
            broken = self._holds(distinct)
            if broken is not None:
                return Finding(
                    self.otherwise,
                    f"has values other than {_HOLDS_WHILE_TEXT[self.holds_while]} "
                    f"(its name makes it {self.otherwise.value})",
                    _first(values, {broken}),
                )
        if self.text:
            return self._prose(values, distinct, plain)
        return None

    def _identifiers(self, values: Sequence[Any], hits: Mapping[str, set[str]], plain: bool) -> Finding:
        matched = set().union(*hits.values())
        texts = _texts(values, plain)
        counts = tuple(
            (d.name, sum(1 for t in texts if t in hits[d.name])) for d in DETECTORS if d.name in hits
        )
        labels = ", ".join(f"{n} {_BY_NAME[d].label}" for d, n in counts)
        found = [t for t in matched if t]
        category = ColumnCategory.FREE_TEXT if is_free_text(found) else ColumnCategory.DIRECT_IDENTIFIER
        what = "is free text holding" if category is ColumnCategory.FREE_TEXT else "holds"
        return Finding(category, f"{what} {labels}", _first(values, matched), counts)

    def _holds(self, distinct: set[str]) -> str | None:
        """A value that breaks the flags/codes the category relied on, if any."""
        if self.holds_while == "flags":
            for v in distinct:
                if v.strip().lower() not in FLAG_VALUES:
                    return v
            self._distinct.update(v.strip().lower() for v in distinct)
            if len(self._distinct) > FLAG_MAX_DISTINCT:
                return next(iter(distinct))
            return None
        for v in distinct:
            if not _is_code(v.strip()):
                return v
        new = distinct - self._distinct
        self._distinct |= new
        if len(self._distinct) > CODE_MAX_DISTINCT:
            return next(iter(new))
        return None

    def _prose(self, values: Sequence[Any], distinct: set[str], plain: bool) -> Finding | None:
        longest = max(map(len, distinct))
        if longest >= PROSE_VALUE_CHARS:
            for v in distinct:
                if len(v) >= PROSE_VALUE_CHARS and len(v.split()) >= PROSE_VALUE_WORDS:
                    return Finding(
                        ColumnCategory.FREE_TEXT, "has a value that reads as free text", _first(values, {v})
                    )
        strs = _texts(values, plain)
        n = len(strs)
        chars = sum(map(len, strs))
        self.values += n
        self.chars += chars
        if longest >= FREE_TEXT_MIN_CHARS:
            self.words += sum(map(str.count, strs, repeat(" "))) + n  # words ~ spaces + 1
        else:  # short values only: an upper bound (a word and a space take 2 characters) will do
            self.words += (chars + n) // 2
        if (
            self.values
            and self.chars >= FREE_TEXT_MIN_CHARS * self.values
            and self.words >= FREE_TEXT_MIN_WORDS * self.values
        ):
            return Finding(
                ColumnCategory.FREE_TEXT,
                f"reads as free text (on average {self.chars // self.values} characters a value)",
                _first(values, {v for v in distinct if len(v) >= FREE_TEXT_MIN_CHARS} or distinct),
            )
        return None


def _texts(values: Sequence[Any], plain: bool) -> list[str]:
    """Every non-empty value as text, in order (``plain``: they are all strings or None)."""
    if plain:
        return list(filter(None, values))
    return [v if type(v) is str else _as_text(v) for v in values if v is not None and v != ""]


def _first(values: Sequence[Any], wanted: set[str]) -> int:
    for i, v in enumerate(values):
        if v is None:
            continue
        if (v if type(v) is str else _as_text(v)) in wanted:
            return i
    return 0


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a stored column has its category, as recorded in the catalog (never a value).

    ``source``: ``schema`` (a schema file said so), ``rules`` (name and sampled values),
    ``pii`` (PII detection on sampled values), ``scan`` (the whole-column check upgraded it
    during an ingest). ``counts``: values each detector matched; ``batch`` / ``row``: where
    (1-based batch of that ingest, first row or line of the file showing it).
    """

    source: Literal["schema", "rules", "pii", "scan"]
    reason: str
    ingest: str | None = None
    batch: int | None = None
    row: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    holds_while: HoldsWhile | None = None
    otherwise: ColumnCategory | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "reason": self.reason}
        if self.ingest:
            out["ingest"] = self.ingest
        if self.batch is not None:
            out["batch"] = self.batch
        if self.row:
            out["row"] = self.row
        if self.counts:
            out["detectors"] = dict(self.counts)
        if self.holds_while:
            out["holds_while"] = self.holds_while
        if self.otherwise:
            out["otherwise"] = self.otherwise.value
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Evidence | None:
        if not text:
            return None
        raw = json.loads(text)
        return cls(
            source=raw.get("source", "rules"),
            reason=str(raw.get("reason", "")),
            ingest=raw.get("ingest"),
            batch=raw.get("batch"),
            row=raw.get("row"),
            counts=tuple((str(k), int(v)) for k, v in (raw.get("detectors") or {}).items()),
            holds_while=raw.get("holds_while"),
            otherwise=ColumnCategory(raw["otherwise"]) if raw.get("otherwise") else None,
            notes=tuple(raw.get("notes") or ()),
        )

    def explain(self) -> str:
        """One line for ``veil dataset show``."""
        where = []
        if self.batch is not None:
            where.append(f"batch {self.batch}")
        if self.row:
            where.append(f"first at {self.row}")
        text = self.reason + (f" ({', '.join(where)})" if where else "")
        return "; ".join([text, *self.notes])

    def noted(self, note: str) -> Evidence:
        return Evidence(
            self.source,
            self.reason,
            self.ingest,
            self.batch,
            self.row,
            self.counts,
            self.holds_while,
            self.otherwise,
            (*self.notes, note),
        )


@dataclass(frozen=True, slots=True)
class SchemaFile:
    """User overrides of column categories and types, and optionally the subject column.

    Accepts YAML or JSON (``.yaml``, ``.yml``, ``.json``). A column maps to a category,
    or to ``{category: ..., type: ...}`` where either key may be left out::

        subject_column: patient_id
        columns:
          email: direct_identifier
          zip: {category: quasi_identifier, type: text}   # keep leading zeros
          notes: free_text
          visits: {type: int}
        dp:                                   # differential-privacy settings (veil dataset set)
          max_rows_per_subject: 5
          max_groups_per_subject: 1
          bounds: {length_of_stay: [0, 60]}
          keys: {sex: [F, M]}

    The ``dp`` section is kept as given and applied by ``veil ingest`` after the data is in
    (see ``veil.dp.policy``).
    """

    columns: Mapping[str, ColumnCategory]
    subject_column: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)
    dp: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SchemaFile:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read schema file {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise InputError(f"schema file {path} is not valid YAML/JSON: {exc}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
            raise InputError(f"schema file {path} must be a mapping with a 'columns' mapping")
        columns: dict[str, ColumnCategory] = {}
        types: dict[str, str] = {}
        for col, spec in (raw.get("columns") or {}).items():
            value = spec.get("category") if isinstance(spec, dict) else spec
            if isinstance(spec, dict) and spec.get("type") is not None:
                if spec["type"] not in SCHEMA_TYPES:
                    raise InputError(
                        f"schema file {path}: column {col!r} has unknown type {spec['type']!r}; use one of "
                        + ", ".join(SCHEMA_TYPES)
                    )
                types[str(col)] = str(spec["type"])
            if value is None and str(col) in types:
                continue
            try:
                columns[str(col)] = ColumnCategory(str(value))
            except ValueError:
                raise InputError(
                    f"schema file {path}: column {col!r} has unknown category {value!r}; use one of "
                    + ", ".join(c.value for c in ColumnCategory)
                ) from None
        subject = raw.get("subject_column")
        dp = raw.get("dp") or {}
        known = {"max_rows_per_subject", "max_groups_per_subject", "bounds", "keys"}
        if not isinstance(dp, dict) or set(dp) - known:
            raise InputError(f"schema file {path}: 'dp' takes only: {', '.join(sorted(known))}")
        return cls(columns=columns, subject_column=str(subject) if subject else None, types=types, dp=dp)
