"""Makers of the European personal numbers of the unseen family (pass 34): valid by python-stdnum.

Each draws a birth date (where the number holds one) and a serial, and completes the check digits
that stdnum accepts; some are written in their dotted forms, as people print them.
"""

from __future__ import annotations

import random
import string

from stdnum.be import nn
from stdnum.ch import ssn as ch_ssn
from stdnum.dk import cpr
from stdnum.ie import pps
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.se import personnummer

from benchmarks.pii_evaluation.id_draws import birth as _birth
from benchmarks.pii_evaluation.id_draws import complete as _complete
from benchmarks.pii_evaluation.id_draws import digits as _digits

__all__ = ["be_nn", "ch_ahv", "dk_cpr", "ie_pps", "nl_bsn", "no_fodselsnummer", "pl_pesel", "se_personnummer"]


def nl_bsn(rng: random.Random) -> str:
    value = _complete(rng, lambda: _digits(rng, 8), bsn.is_valid, string.digits)
    return value if rng.random() < 0.5 else f"{value[:4]}.{value[4:6]}.{value[6:]}"


def pl_pesel(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        month += 20 if year >= 2000 else 0  # PESEL's century in the month
        return f"{year % 100:02d}{month:02d}{day:02d}{rng.randrange(10_000):04d}"

    return _complete(rng, body, pesel.is_valid, string.digits)


def se_personnummer(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        return f"{year % 100:02d}{month:02d}{day:02d}-{rng.randrange(1000):03d}"

    return _complete(rng, body, personnummer.is_valid, string.digits)


def dk_cpr(rng: random.Random) -> str:
    year, month, day = _birth(rng)
    value = f"{day:02d}{month:02d}{year % 100:02d}-{rng.randrange(10_000):04d}"
    return value if cpr.is_valid(value) else dk_cpr(rng)


def no_fodselsnummer(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        serial = rng.randrange(0, 500) if year < 2000 else rng.randrange(500, 1000)
        stem = f"{day:02d}{month:02d}{year % 100:02d}{serial:03d}"
        return next((stem + c for c in string.digits if _no_first_check(stem + c)), stem + "0")

    return _complete(rng, body, fodselsnummer.is_valid, string.digits)


def _no_first_check(ten: str) -> bool:
    """The first of the two mod-11 check digits of a fødselsnummer holds (the second is drawn next)."""
    weights = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
    return sum(int(d) * w for d, w in zip(ten, weights, strict=True)) % 11 == 0


def be_nn(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        serial = rng.randrange(1, 998)
        stem = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
        base = int(("2" if year >= 2000 else "") + stem)
        return f"{stem}{97 - base % 97:02d}"[:-1]

    value = _complete(rng, body, nn.is_valid, string.digits)
    return f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}" if rng.random() < 0.5 else value


def ie_pps(rng: random.Random) -> str:
    return _complete(rng, lambda: _digits(rng, 7, "0123456789"), pps.is_valid, "ABCDEFGHIJKLMNOPQRSTUVW")


def ch_ahv(rng: random.Random) -> str:
    value = _complete(rng, lambda: "756" + _digits(rng, 9, "0123456789"), ch_ssn.is_valid, string.digits)
    return f"{value[:3]}.{value[3:7]}.{value[7:11]}.{value[11:]}" if rng.random() < 0.5 else value
