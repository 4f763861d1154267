"""Makers of the personal numbers of nine countries outside Europe (pass 35): valid by python-stdnum.

Each draws a birth date (where the number holds one) and a serial, and completes the check
characters that stdnum accepts; some are written in the dotted or dashed forms people print.
"""

from __future__ import annotations

import random
import string

from stdnum.br import cpf
from stdnum.cn import ric
from stdnum.il import idnr as il_idnr
from stdnum.jp import in_ as jp_in
from stdnum.mx import curp
from stdnum.my import nric
from stdnum.th import pin
from stdnum.tr import tckimlik
from stdnum.za import idnr as za_idnr

from benchmarks.pii_evaluation.id_draws import birth as _birth
from benchmarks.pii_evaluation.id_draws import complete as _complete
from benchmarks.pii_evaluation.id_draws import digits as _digits

__all__ = [
    "br_cpf",
    "cn_ric",
    "il_id",
    "jp_my_number",
    "mx_curp",
    "my_nric",
    "th_pin",
    "tr_kimlik",
    "za_id",
]

# real county-level region codes (Beijing Dongcheng, Shanghai Huangpu, Shenzhen Futian, Chengdu
# Jinjiang, Wuhan Jiang'an): the first six digits of a resident number name one
_CN_REGIONS = ("110101", "310101", "440304", "510104", "420102")
_MX_STATES = ("DF", "JC", "NL", "MC", "PL", "VZ", "GT", "YN")
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"


def cn_ric(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        return f"{rng.choice(_CN_REGIONS)}{year:04d}{month:02d}{day:02d}{rng.randrange(1000):03d}"

    return _complete(rng, body, ric.is_valid, string.digits + "X")


def br_cpf(rng: random.Random) -> str:
    value = _complete(rng, lambda: _digits(rng, 10, "123456789"), cpf.is_valid, string.digits)
    return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}" if rng.random() < 0.5 else value


def mx_curp(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        letters = (
            rng.choice(_CONSONANTS) + rng.choice("AEIOU") + rng.choice(_CONSONANTS) + rng.choice(_CONSONANTS)
        )
        return (
            f"{letters}{year % 100:02d}{month:02d}{day:02d}{rng.choice('HM')}{rng.choice(_MX_STATES)}"
            + "".join(rng.choice(_CONSONANTS) for _ in range(3))
            + ("0" if year < 2000 else "A")
        )

    return _complete(rng, body, curp.is_valid, string.digits)


def jp_my_number(rng: random.Random) -> str:
    value = _complete(rng, lambda: _digits(rng, 11), jp_in.is_valid, string.digits)
    return f"{value[:4]} {value[4:8]} {value[8:]}" if rng.random() < 0.5 else value


def tr_kimlik(rng: random.Random) -> str:
    return _complete(rng, lambda: _digits(rng, 10), tckimlik.is_valid, string.digits)


def za_id(rng: random.Random) -> str:
    def body() -> str:
        year, month, day = _birth(rng)
        return f"{year % 100:02d}{month:02d}{day:02d}{rng.randrange(10_000):04d}{rng.choice('01')}8"

    return _complete(rng, body, za_idnr.is_valid, string.digits)


def th_pin(rng: random.Random) -> str:
    value = _complete(rng, lambda: _digits(rng, 12, "12345678"), pin.is_valid, string.digits)
    return (
        f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}" if rng.random() < 0.5 else value
    )


def il_id(rng: random.Random) -> str:
    return _complete(rng, lambda: _digits(rng, 8), il_idnr.is_valid, string.digits)


def my_nric(rng: random.Random) -> str:
    for _ in range(1000):
        year, month, day = _birth(rng)
        value = f"{year % 100:02d}{month:02d}{day:02d}-{rng.randint(1, 16):02d}-{rng.randrange(10_000):04d}"
        if nric.is_valid(value):
            return value if rng.random() < 0.5 else value.replace("-", "")
    raise RuntimeError("no valid NRIC found")  # pragma: no cover
