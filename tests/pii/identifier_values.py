"""Valid identifiers made up for the identifier tests: random bodies completed with the check
character that python-stdnum (or the published algorithm) accepts — never a list of examples."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from stdnum import bitcoin, luhn, verhoeff
from stdnum import iban as std_iban
from stdnum.fi import hetu
from stdnum.in_ import epic, gstin, pan
from stdnum.kr import rrn
from stdnum.us import itin, rtn

ALNUM = string.digits + string.ascii_uppercase


def complete(body: str, validate: Callable[[str], bool], alphabet: str = ALNUM) -> str | None:
    """``body`` + the one character of ``alphabet`` that ``validate`` accepts (None if none does)."""
    for char in alphabet:
        if validate(body + char):
            return body + char
    return None


def digits(rng: random.Random, n: int, first: str = string.digits) -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def kr_rrn(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body += rng.choice("1234") + f"{rng.randint(0, 9)}{rng.randint(0, 96):02d}{rng.randint(0, 99):02d}"
        value = body + rrn.calc_check_digit(body)
        if rrn.is_valid(value):
            return f"{value[:6]}-{value[6:]}"


def fi_hetu(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99)
    individual = rng.randint(2, 899)
    number = int(f"{day:02d}{month:02d}{year:02d}{individual:03d}")
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[number % 31]  # the published mod-31 table
    value = f"{day:02d}{month:02d}{year:02d}{rng.choice('-A')}{individual:03d}{check}"
    assert hetu.is_valid(value), value
    return value


def sg_nric(rng: random.Random) -> str:
    weights = (2, 7, 6, 5, 4, 3, 2)
    series = rng.choice("STFG")
    body = digits(rng, 7)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True)) + (4 if series in "TG" else 0)
    table = "JZIHGFEDCBA" if series in "ST" else "XWUTRQPNMLK"
    return series + body + table[total % 11]


def aadhaar(rng: random.Random) -> str:
    body = digits(rng, 11, "23456789")
    value = body + verhoeff.calc_check_digit(body)
    return f"{value[:4]} {value[4:8]} {value[8:]}"


def in_pan(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    value = (
        letters + rng.choice("PCHFATBLJG") + rng.choice(string.ascii_uppercase) + digits(rng, 4, "123456789")
    )
    value += rng.choice(string.ascii_uppercase)
    assert pan.is_valid(value), value
    return value


def in_gstin(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(1, 35):02d}" + in_pan(rng) + rng.choice("123456789") + "Z"
        value = complete(body, gstin.is_valid)
        if value is not None:
            return value


def in_epic(rng: random.Random) -> str:
    serial = digits(rng, 6)
    value = "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + serial
    value += luhn.calc_check_digit(serial)
    assert epic.is_valid(value), value
    return value


def us_itin(rng: random.Random) -> str:
    # the IRS's groups since April 2011; stdnum's us.itin knows only those of 70-99
    group = rng.choice([*range(50, 66), *range(70, 89), *range(90, 93), *range(94, 100)])
    value = f"9{rng.randint(0, 99):02d}-{group}-{rng.randint(0, 9999):04d}"
    assert group < 70 or itin.is_valid(value), value
    return value


def us_npi(rng: random.Random) -> str:
    body = digits(rng, 9, "12")
    return body + luhn.calc_check_digit("80840" + body)


def aba_routing(rng: random.Random) -> str:
    body = f"{rng.choice([*range(1, 13), *range(21, 33)]):02d}" + digits(rng, 6)
    return body + rtn.calc_check_digit(body)


def de_vat(rng: random.Random) -> str:
    from stdnum.de import vat

    while True:
        value = complete("DE" + digits(rng, 8, "123456789"), lambda v: bool(vat.is_valid(v)), string.digits)
        if value is not None:
            return value


def iban(rng: random.Random, country: str = "DE", bban_length: int = 18) -> str:
    bban = digits(rng, bban_length)
    check = std_iban.calc_check_digits(country + "00" + bban)
    return country + check + bban


def bitcoin_legacy(rng: random.Random) -> str:
    from veil.pii.recognizers.crypto_wallets import random_wallet_like

    value = random_wallet_like("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", rng)
    assert bitcoin.is_valid(value), value
    return value


def card(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + digits(rng, length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)
