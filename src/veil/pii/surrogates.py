"""Surrogate values: a realistic fake of the same type and format as a detected value.

A generator ``(value, rng, fake) -> surrogate`` draws from a seeded ``random.Random`` and a
seeded Faker (both seeded by :class:`veil.pii.operators.SurrogateOperator` from a keyed
HMAC of the value, so the same value always gets the same fake). Formats are kept: a card
of the same length and layout with a valid Luhn digit, a phone number with the same digit
layout and punctuation, an IBAN with valid check digits, a date in the same format
(:func:`date_style` finds it, :func:`render_date` writes it), an e-mail address on a
reserved example domain. An identifier with a checksum (VAT id, RRN, HETU, NRIC, Aadhaar, PAN,
GSTIN, EPIC, ITIN, NPI, routing number) gets a fake of the same layout whose checksum holds,
keeping the part that says what it is (a VAT id's country, an NRIC's series letter); a wallet
address gets a valid address of the same kind. Types without a generator keep their layout
(:func:`surrogate_of`).
"""

from __future__ import annotations

import ipaddress
import random
import re
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from veil.pii.entity import EntityType
from veil.pii.recognizers import bank_accounts, citizen_ids, european_ids, health_ids, tax_ids, world_ids
from veil.pii.recognizers.crypto_wallets import random_wallet_like

if TYPE_CHECKING:
    from faker import Faker

__all__ = [
    "DATE_FORMATS",
    "GENERATORS",
    "SurrogateMaker",
    "date_style",
    "luhn_valid",
    "render_date",
    "surrogate_of",
]

SurrogateMaker = Callable[[str, random.Random, "Faker"], str]
"""``generate(value, rng, fake) -> surrogate`` for one entity type."""


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    if not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _luhn_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_valid(body + d):
            return d
    raise AssertionError("unreachable: one Luhn digit always fits")


def _with_case(template: str, fake: str) -> str:
    if template.isupper():
        return fake.upper()
    if template.islower():
        return fake.lower()
    return fake


def _generic(value: str, rng: random.Random, fake: Faker) -> str:
    """Same layout: a digit for a digit, a letter of the same case for a letter."""
    out = []
    for c in value:
        if c.isdigit():
            out.append(rng.choice(string.digits))
        elif c.isalpha() and c.isascii():
            out.append(rng.choice(string.ascii_uppercase if c.isupper() else string.ascii_lowercase))
        elif c.isalpha():
            out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(c)
    return "".join(out)


def _fill_digits(value: str, digits: str) -> str:
    it = iter(digits)
    return "".join(next(it) if c.isdigit() else c for c in value)


def _person(value: str, rng: random.Random, fake: Faker) -> str:
    words = len(value.split())
    if words <= 1:
        name = str(fake.first_name())
    elif words == 2:
        name = f"{fake.first_name()} {fake.last_name()}"
    else:
        name = f"{fake.first_name()} {fake.first_name()} {fake.last_name()}"
    return _with_case(value, name)


def _email(value: str, rng: random.Random, fake: Faker) -> str:
    return f"{fake.user_name()}@{fake.safe_domain_name()}".lower()


def _card(value: str, rng: random.Random, fake: Faker) -> str:
    digits = [c for c in value if c.isdigit()]
    if len(digits) < 2:
        return _generic(value, rng, fake)
    first = digits[0] if digits[0] != "0" else str(rng.randint(3, 6))
    body = first + "".join(rng.choice(string.digits) for _ in range(len(digits) - 2))
    return _fill_digits(value, body + _luhn_digit(body))


def _phone(value: str, rng: random.Random, fake: Faker) -> str:
    digits = "".join(c for c in value if c.isdigit())
    stripped = value.lstrip()
    keep = 0
    if stripped.startswith("+"):  # keep a country code written as its own group (+1-, +44 )
        m = re.match(r"\+(\d{1,3})\D", stripped)
        keep = len(m.group(1)) if m else 0
    out = digits[:keep]
    for i, d in enumerate(digits[keep:]):
        if i == 0:
            out += "0" if d == "0" else str(rng.randint(2, 9))
        else:
            out += rng.choice(string.digits)
    return _fill_digits(value, out)


def _ssn(value: str, rng: random.Random, fake: Faker) -> str:
    if sum(c.isdigit() for c in value) != 9:
        return _generic(value, rng, fake)
    area = rng.choice([a for a in range(1, 900) if a != 666])
    digits = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
    return _fill_digits(value, digits)


def _iban(value: str, rng: random.Random, fake: Faker) -> str:
    compact = value.replace(" ", "")
    if not re.fullmatch(r"[A-Za-z]{2}\d{2}[A-Za-z0-9]{8,30}", compact):
        return _generic(value, rng, fake)
    country = compact[:2].upper()
    bban = _generic(compact[4:], rng, fake).upper()
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = f"{98 - int(numeric) % 97:02d}"
    new = country + check + bban
    it = iter(new)
    return _with_case(value, "".join(c if c == " " else next(it) for c in value))


def _ip(value: str, rng: random.Random, fake: Faker) -> str:
    try:
        version = ipaddress.ip_address(value.strip()).version
    except ValueError:
        return _generic(value, rng, fake)
    return str(fake.ipv4_public() if version == 4 else fake.ipv6())


def _mac(value: str, rng: random.Random, fake: Faker) -> str:
    out = []
    for c in value:
        if c in string.hexdigits:
            h = rng.choice("0123456789abcdef")
            out.append(h.upper() if c.isupper() else h)
        else:
            out.append(c)
    return "".join(out)


_CHECKSUM_TRIES = 2000
_CHECK_ALPHABET = string.digits + string.ascii_uppercase


def _checksummed(
    validate: Callable[[str], bool], keep: int = 0, fixed: tuple[int, ...] = ()
) -> SurrogateMaker:
    """A value of ``value``'s layout whose check character holds: its first ``keep`` characters and
    those at ``fixed`` positions kept (what says which kind of number it is), the rest drawn at
    random, and the last character completed with the one that ``validate`` accepts; the layout
    alone when no draw succeeds within the tries."""

    def make(value: str, rng: random.Random, fake: Faker) -> str:
        checks = string.digits if value[-1].isdigit() else _CHECK_ALPHABET
        for _ in range(_CHECKSUM_TRIES):
            drawn = _generic(value[:-1], rng, fake)
            body = "".join(value[i] if i < keep or i in fixed else c for i, c in enumerate(drawn))
            for check in checks:
                candidate = body + check
                if candidate != value and validate(candidate):
                    return candidate
        return _generic(value, rng, fake)

    return make


def _wallet(value: str, rng: random.Random, fake: Faker) -> str:
    try:
        return random_wallet_like(value, rng)
    except (ValueError, IndexError):
        return _generic(value, rng, fake)


def _faker(method: str) -> SurrogateMaker:
    def make(value: str, rng: random.Random, fake: Faker) -> str:
        return _with_case(value, str(getattr(fake, method)()))

    return make


_USER_PREFIX = re.compile(r"^(?:@|/?u/)")


def _username(value: str, rng: random.Random, fake: Faker) -> str:
    """Another user name with the same prefix ("@", "u/"): the platform's way of writing it stays."""
    prefix = _USER_PREFIX.match(value)
    return (prefix.group() if prefix else "") + str(fake.user_name())


#: Formats a date surrogate keeps; each is also tried without zero padding (``3/7/2024``).
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%B %Y",
    "%b %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%H:%M:%S",
    "%H:%M",
    "%I:%M %p",
    "%Y",
)


def render_date(dt: datetime, style: str) -> str:
    """``dt.strftime(style)``, where ``style`` may also use ``%-d %-m %-H %-I`` (no padding)."""
    for bare, number in (("%-d", dt.day), ("%-m", dt.month), ("%-H", dt.hour), ("%-I", dt.hour % 12 or 12)):
        style = style.replace(bare, str(number))
    return dt.strftime(style)


def _styles(fmt: str) -> list[str]:
    """``fmt`` with and without zero padding, separately for the date and the time of day."""
    out = []
    for date_pad in (True, False):
        for time_pad in (True, False):
            style = fmt
            if not date_pad:
                style = style.replace("%d", "%-d").replace("%m", "%-m")
            if not time_pad:
                style = style.replace("%H", "%-H").replace("%I", "%-I")
            out.append(style)
    return list(dict.fromkeys(out))


def date_style(value: str) -> str | None:
    """The format that renders ``value`` back exactly (padding and case included), if any."""
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.year < 1000:
            continue
        for style in _styles(fmt):
            if _with_case(value, render_date(parsed, style)) == value:
                return style
    return None


def _date(value: str, rng: random.Random, fake: Faker) -> str:
    style = date_style(value)
    if style is None:
        return "<DATE_TIME>"
    parsed = datetime.strptime(value, style.replace("%-", "%"))
    low, high = (1969, 2068) if "%y" in style else (1000, 9999)  # %y: two-digit years wrap at 1969
    if style == "%Y":
        step = rng.randint(1, 3)
        candidates = [
            parsed.replace(year=parsed.year + s) for s in (step, -step) if low <= parsed.year + s <= high
        ]
    elif not any(d in style for d in ("%d", "%m", "%b", "%B", "%Y", "%y")):  # a time of day
        candidates = [
            parsed.replace(hour=rng.randint(0, 23), minute=rng.randint(0, 59), second=rng.randint(0, 59))
        ]
    else:
        has_day = "%d" in style or "%-d" in style
        delta = timedelta(days=rng.randint(1, 730) if has_day else 31 * rng.randint(1, 24))
        delta += timedelta(seconds=rng.randint(0, 86_399))
        sign = rng.choice([-1, 1])
        candidates = []
        for direction in (sign, -sign):
            try:
                moved = parsed + direction * delta
            except OverflowError:
                continue
            if low <= moved.year <= high:
                candidates.append(moved)
    if not candidates:
        return "<DATE_TIME>"
    return _with_case(value, render_date(candidates[0], style))


GENERATORS: dict[str, SurrogateMaker] = {
    EntityType.PERSON.value: _person,
    EntityType.EMAIL_ADDRESS.value: _email,
    EntityType.PHONE_NUMBER.value: _phone,
    EntityType.CREDIT_CARD.value: _card,
    EntityType.US_SSN.value: _ssn,
    EntityType.IBAN_CODE.value: _iban,
    EntityType.IP_ADDRESS.value: _ip,
    EntityType.MAC_ADDRESS.value: _mac,
    EntityType.DATE_TIME.value: _date,
    EntityType.LOCATION.value: _faker("city"),
    EntityType.ORGANIZATION.value: _faker("company"),
    EntityType.URL.value: _faker("url"),
    EntityType.VAT_ID.value: _checksummed(tax_ids.is_vat_id, keep=2),
    EntityType.IN_PAN.value: _checksummed(tax_ids.is_in_pan, keep=4),
    EntityType.IN_GSTIN.value: _checksummed(tax_ids.is_in_gstin, keep=2, fixed=(5, 13)),
    EntityType.US_ITIN.value: _checksummed(tax_ids.is_us_itin, keep=1),
    EntityType.KR_RRN.value: _checksummed(citizen_ids.is_kr_rrn),
    EntityType.FI_PERSONAL_ID.value: _checksummed(citizen_ids.is_fi_personal_id, fixed=(6,)),
    EntityType.SG_NRIC.value: _checksummed(citizen_ids.is_sg_nric, keep=1),
    EntityType.IN_AADHAAR.value: _checksummed(citizen_ids.is_in_aadhaar),
    EntityType.IN_VOTER_ID.value: _checksummed(citizen_ids.is_in_voter_id, keep=3),
    EntityType.NL_BSN.value: _checksummed(european_ids.is_nl_bsn),
    EntityType.PL_PESEL.value: _checksummed(european_ids.is_pl_pesel),
    EntityType.SE_PERSONAL_ID.value: _checksummed(european_ids.is_se_personal_id),
    EntityType.DK_CPR.value: _checksummed(european_ids.is_dk_cpr),
    EntityType.NO_PERSONAL_ID.value: _checksummed(european_ids.is_no_personal_id),
    EntityType.BE_NATIONAL_NUMBER.value: _checksummed(european_ids.is_be_national_number),
    EntityType.IE_PPS.value: _checksummed(european_ids.is_ie_pps),
    EntityType.CH_AHV.value: _checksummed(european_ids.is_ch_ahv, keep=3),
    EntityType.CN_RESIDENT_ID.value: _checksummed(world_ids.is_cn_resident_id, keep=6),
    EntityType.BR_CPF.value: _checksummed(world_ids.is_br_cpf),
    EntityType.MX_CURP.value: _checksummed(world_ids.is_mx_curp),
    EntityType.JP_MY_NUMBER.value: _checksummed(world_ids.is_jp_my_number),
    EntityType.TR_NATIONAL_ID.value: _checksummed(world_ids.is_tr_national_id, keep=1),
    EntityType.ZA_ID_NUMBER.value: _checksummed(world_ids.is_za_id_number),
    EntityType.TH_NATIONAL_ID.value: _checksummed(world_ids.is_th_national_id, keep=1),
    EntityType.IL_ID_NUMBER.value: _checksummed(world_ids.is_il_id_number),
    EntityType.MY_NRIC.value: _checksummed(world_ids.is_my_nric),
    EntityType.US_NPI.value: _checksummed(health_ids.is_us_npi, keep=1),
    EntityType.BANK_ROUTING.value: _checksummed(bank_accounts.is_bank_routing),
    EntityType.CRYPTO_WALLET.value: _wallet,
    EntityType.USERNAME.value: _username,
}


def surrogate_of(kind: str, value: str, rng: random.Random, fake: Faker) -> str:
    """A surrogate of ``value`` of type ``kind`` (token form), from its generator or the layout."""
    return GENERATORS.get(kind, _generic)(value, rng, fake)
