"""Identifier detectors: which values reveal who someone is, by the value's shape.

Every value of a column stored in clear is checked by :data:`DETECTORS` (e-mail addresses,
social media handles, phone numbers, US SSNs, UK NINOs, French NIRs, Spanish NIFs, Italian
fiscal codes, IBANs, payment cards, IP addresses): rules that are data, easy to read, test
and extend.

The detectors work on a value's *shape* first (ASCII digits -> ``9``, upper-case letters
-> ``A``, lower-case -> ``a``, everything else kept): distinct values of a column share a
few shapes, a shape that no detector can match is remembered as clean, and only values
whose shape could hold an identifier are checked one by one (checksums, address parsing).
Each detector's shape test is a necessary condition of its value test, so the shortcut
finds exactly what checking every value would (tested as a property).

Plain numbers, dates, times, decimals, thousands-grouped amounts and ZIP+4 codes are not
phone numbers; times are not IPv6 addresses.
"""

from __future__ import annotations

import importlib
import ipaddress
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

__all__ = ["CLEAN_SHAPES_MAX", "DETECTORS", "DETECTOR_BY_NAME", "Detector", "detect", "shape_of"]

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
#: The detectors by :attr:`Detector.name`.
DETECTOR_BY_NAME = {d.name: d for d in DETECTORS}
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
