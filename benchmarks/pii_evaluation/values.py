"""Non-personal values of the evaluation corpus: amounts, clock times, order numbers, versions.

None of them makes a gold span; digit strings that would pass an identifier checksum are
drawn again (:func:`number`), so none can be mistaken for an identifier.
"""

from __future__ import annotations

import random
import re
import string

from stdnum import luhn
from stdnum.de import idnr
from stdnum.gb import nhs

from benchmarks.pii_evaluation.unseen import FieldState, Segment

__all__ = ["NUMBER_VALUE_FIELDS", "number", "offset"]


def offset(fields: FieldState, key: str, slot: int, max_step: int) -> int:
    """Cumulative random steps: 0 for slot 1, growing with the slot."""
    steps: list[int] = fields.memo(f"{key}_steps", 0, lambda: [0])
    while len(steps) < slot:
        steps.append(steps[-1] + fields.rng.randint(1, max_step))
    return steps[slot - 1]


# -- non-personal values ----------------------------------------------------------------------


_DIGIT_RUN = re.compile(r"\d(?:[ .-]?\d)*")


def _looks_like_checksummed_id(value: str) -> bool:
    """True when a run of digits in ``value`` (separators allowed) passes an id checksum."""
    for run in _DIGIT_RUN.findall(value):
        digits = re.sub(r"\D", "", run)
        if (
            (13 <= len(digits) <= 19 and luhn.is_valid(digits))
            or (len(digits) == 10 and nhs.is_valid(digits))
            or (len(digits) == 11 and idnr.is_valid(digits))
        ):
            return True
    return False


def number(rng: random.Random, pattern: str | tuple[int, int]) -> str:
    if isinstance(pattern, tuple):
        return str(rng.randint(*pattern))
    while True:
        out = []
        for ch in pattern:
            if ch == "#":
                out.append(rng.choice(string.digits))
            elif ch == "@":
                out.append(rng.choice(string.ascii_uppercase))
            elif ch == "%":
                out.append(rng.choice("0123456789abcdef"))
            else:
                out.append(ch)
        value = "".join(out)
        if not _looks_like_checksummed_id(value):
            return value


_CURRENCIES: dict[str, tuple[str, str, bool]] = {
    # locale: (prefix, suffix, comma decimal)
    "en_US": ("$", "", False),
    "en_GB": ("£", "", False),
    "de_DE": ("", " €", True),
    "fr_FR": ("", " €", True),
    "es_ES": ("", " €", True),
    "it_IT": ("€ ", "", True),
    "nl_NL": ("€ ", "", True),
    "en_IN": ("Rs. ", "", False),
    "pt_BR": ("R$ ", "", True),
    "fi_FI": ("", " €", True),
    "cs_CZ": ("", " Kč", True),
    "sv_SE": ("", " kr", True),
    "da_DK": ("", " kr.", True),
    "ro_RO": ("", " lei", True),
    "hr_HR": ("", " €", True),
    "sl_SI": ("", " €", True),
    "zu_ZA": ("R", "", False),
    "sk_SK": ("", " €", True),
}


def _f_amount(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> int:
        r = fields.rng
        return r.randint(100, 99_999) if r.random() < 0.75 else r.randint(100_000, 9_999_999)

    cents: int = fields.memo("amount", slot, make)
    prefix, suffix, comma = _CURRENCIES.get(fields.locale, ("", " EUR", True))
    whole = f"{cents // 100:,}"
    if comma:
        whole = whole.replace(",", ".")
    return [(f"{prefix}{whole}{',' if comma else '.'}{cents % 100:02d}{suffix}", None)]


def _f_amount_plain(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    cents: int = fields.memo("amount", slot + 100, lambda: fields.rng.randint(100, 999_999))
    return [(f"{cents // 100}.{cents % 100:02d}", None)]


def _f_time(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    start = fields.memo("time", 0, lambda: fields.rng.randint(6 * 60, 18 * 60))
    minute = (start + offset(fields, "time", slot, 25)) % (24 * 60)
    return [(f"{minute // 60:02d}:{minute % 60:02d}", None)]


def _f_version(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    r = fields.rng
    value = fields.memo("version", slot, lambda: f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}")
    return [(value, None)]


def _f_duration(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    value = fields.memo("duration", slot, lambda: f"{fields.rng.randint(1, 600)}.{fields.rng.randint(0, 9)}")
    return [(value, None)]


def _f_age(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    return [(str(fields.memo("age", slot, lambda: fields.rng.randint(19, 92))), None)]


def _f_dose(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    doses = [20, 40, 75, 100, 250, 500, 1000]
    return [(str(fields.memo("dose", slot, lambda: fields.rng.choice(doses))), None)]


def _f_bp(fields: FieldState, slot: int, spec: str) -> list[Segment]:
    r = fields.rng
    return [(fields.memo("bp", slot, lambda: f"{r.randint(100, 175)}/{r.randint(60, 105)}"), None)]


NUMBER_VALUE_FIELDS = {
    "age": _f_age,
    "amount": _f_amount,
    "amount_plain": _f_amount_plain,
    "bp": _f_bp,
    "dose": _f_dose,
    "duration": _f_duration,
    "time": _f_time,
    "version": _f_version,
}
