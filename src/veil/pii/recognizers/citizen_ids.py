"""Citizen and resident identity numbers of Korea, Finland, Singapore and India.

================  ======================================  =====================================
type              format                                  validation
================  ======================================  =====================================
KR_RRN            YYMMDD-GNNNNNN (13 digits)              birth date + check digit (stdnum); since
                                                          2020 no check digit: then needs "RRN"
FI_PERSONAL_ID    DDMMYY-NNNC (century sign - + A-F U-Y)  birth date + mod-31 check (stdnum)
SG_NRIC           S1234567D (S T F G M + 7 digits + ltr)  weighted mod-11 check letter
IN_AADHAAR        2345 6789 0124 (12 digits, not 0/1...)  Verhoeff check digit (stdnum)
IN_VOTER_ID       ABC1234566 (EPIC: 3 letters + 7 dgts)   Luhn check digit (stdnum)
================  ======================================  =====================================

A check digit alone passes one random number in ten (one in eleven or 23 for a letter), so a
number whose only evidence is its check digit (Aadhaar, EPIC, a bare 13-digit RRN) needs a
word that names it nearby; a written form with a birth date and a century sign (HETU) or a
prefix and check letter (NRIC) is rare enough in text to stand alone.
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.fi import hetu
from stdnum.in_ import aadhaar, epic
from stdnum.kr import rrn

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import (
    NOT_IN_NUMBER,
    NUM,
    NUM_END,
    digits_only,
    first_char,
    not_repetitive,
    terms,
)

__all__ = [
    "fi_personal_id",
    "in_aadhaar",
    "in_voter_id",
    "is_fi_personal_id",
    "is_in_aadhaar",
    "is_in_voter_id",
    "is_kr_rrn",
    "is_kr_rrn_shape",
    "is_sg_nric",
    "kr_rrn",
    "kr_rrn_unchecked",
    "sg_nric",
]

_NOT_AN_ID = terms(
    "order|invoice|ref|reference|tracking|ticket|transaction|serial|phone|tel|mobile|fax|amount"
)


def is_kr_rrn(text: str) -> bool:
    return bool(rrn.is_valid(text.replace(" ", "")))


def is_kr_rrn_shape(text: str) -> bool:
    """A birth date and a place code that fit, whatever the last digit: numbers issued since
    October 2020 have no check digit (their last six digits are random)."""
    value = text.replace(" ", "").replace("-", "")
    if len(value) != 13 or not value.isdigit() or int(value[7:9]) > 96:
        return False
    try:
        rrn.get_birth_date(value)
    except ValidationError:
        return False
    return True


def kr_rrn() -> Recognizer:
    return Recognizer(
        name="kr_rrn",
        entity_type=EntityType.KR_RRN,
        patterns=(
            Pattern(rf"{NUM}\d{{5}}-[1-8]\d{{6}}{NUM_END}", 0.6, "dashed"),
            Pattern(rf"{NUM}\d{{5}}[1-8]\d{{6}}{NUM_END}", 0.3, "plain"),
        ),
        validate=is_kr_rrn,
        context=terms("rrn|resident registration|registration number|주민등록번호|주민번호|korean id|jumin"),
        negative_context=_NOT_AN_ID,
        context_boost=0.35,
    )


def is_fi_personal_id(text: str) -> bool:
    # temporary identifiers (individual numbers 900-999) are given to people too
    return bool(hetu.is_valid(text.upper(), allow_temporary=True))


def kr_rrn_unchecked() -> Recognizer:
    """Resident registration numbers without a valid check digit (issued since 2020), only
    next to a word that names them."""
    return Recognizer(
        name="kr_rrn_unchecked",
        entity_type=EntityType.KR_RRN,
        patterns=(Pattern(rf"{NUM}\d{{5}}-?[1-8]\d{{6}}{NUM_END}", 0.2, "rrn"),),
        validate=is_kr_rrn_shape,
        context=terms("rrn|resident registration|주민등록번호|주민번호|korean id|jumin"),
        negative_context=_NOT_AN_ID,
        context_boost=0.4,
    )


def fi_personal_id() -> Recognizer:
    return Recognizer(
        name="fi_personal_id",
        entity_type=EntityType.FI_PERSONAL_ID,
        patterns=(
            Pattern(rf"{NUM}\d{{5}}[-+A-FU-Y]\d{{3}}[0-9A-FHJ-NPR-Y](?![^\W_]|[-/.]\w)", 0.75, "hetu"),
        ),
        validate=is_fi_personal_id,
        context=terms("henkilötunnus|hetu|henkilotunnus|personbeteckning|personal identity code|sotu"),
        negative_context=_NOT_AN_ID,
    )


_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
_NRIC_LETTERS = {
    "S": "JZIHGFEDCBA",
    "T": "JZIHGFEDCBA",
    "F": "XWUTRQPNMLK",
    "G": "XWUTRQPNMLK",
    "M": "XWUTRQPNJLK",
}


def is_sg_nric(text: str) -> bool:
    """Singapore NRIC / FIN check letter (ICA's weighted mod-11; python-stdnum has no
    validator for it, so it is written here). S/F (1900s), T/G (2000s), M (FIN from 2022)."""
    value = text.upper()
    if len(value) != 9 or value[0] not in _NRIC_LETTERS or not value[1:8].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[1:8], _NRIC_WEIGHTS, strict=True))
    total += {"T": 4, "G": 4, "M": 3}.get(value[0], 0)
    return _NRIC_LETTERS[value[0]][total % 11] == value[8]


def sg_nric() -> Recognizer:
    return Recognizer(
        name="sg_nric",
        entity_type=EntityType.SG_NRIC,
        patterns=(Pattern(rf"{first_char('[STFGM]')}\d{{7}}[A-Z]\b", 0.55, "nric"),),
        validate=is_sg_nric,
        context=terms("nric|fin|ic number|ic no|identity card|singapore|singpass|s pass|work pass"),
        negative_context=_NOT_AN_ID,
    )


def is_in_aadhaar(text: str) -> bool:
    digits = digits_only(text)
    return not_repetitive(digits) and bool(aadhaar.is_valid(digits))


_AADHAAR_START = first_char("[2-9]", NOT_IN_NUMBER)


def in_aadhaar() -> Recognizer:
    return Recognizer(
        name="in_aadhaar",
        entity_type=EntityType.IN_AADHAAR,
        patterns=(
            Pattern(rf"{_AADHAAR_START}\d{{3}}([ -])\d{{4}}\1\d{{4}}{NUM_END}", 0.4, "grouped"),
            Pattern(rf"{_AADHAAR_START}\d{{11}}{NUM_END}", 0.3, "plain"),
        ),
        validate=is_in_aadhaar,
        context=terms("aadhaar|aadhar|adhaar|uidai|uid|आधार|enrolment|unique identification"),
        negative_context=(*_NOT_AN_ID, "card number", "credit", "debit", "visa", "mastercard"),
        context_boost=0.4,
    )


def is_in_voter_id(text: str) -> bool:
    return bool(epic.is_valid(text.upper()))


def in_voter_id() -> Recognizer:
    return Recognizer(
        name="in_voter_id",
        entity_type=EntityType.IN_VOTER_ID,
        patterns=(Pattern(rf"{first_char('[A-Z]')}[A-Z]{{2}}\d{{7}}\b", 0.3, "epic"),),
        validate=is_in_voter_id,
        context=terms("voter|voter id|voter's id|epic|electoral|election card|election commission|matdata"),
        negative_context=_NOT_AN_ID,
        context_boost=0.4,
    )
