"""Personal identity numbers of eight more European countries, validated by python-stdnum.

===================  ======================================  =====================================
type                 format                                  validation (python-stdnum)
===================  ======================================  =====================================
NL_BSN               123456782, 1234.56.782 (9 digits)       the "11-proef" (nl.bsn)
PL_PESEL             44051401359 (11 digits)                 birth date + check digit (pl.pesel)
SE_PERSONAL_ID       811218-9876, 19811218-9876              birth date + Luhn (se.personnummer)
DK_CPR               070761-4285 (10 digits)                 birth date (dk.cpr: no check digit
                                                             since 2007)
NO_PERSONAL_ID       151086 95088 (11 digits)                birth date + two mod-11 digits
                                                             (no.fodselsnummer)
BE_NATIONAL_NUMBER   85.07.30-033.28 (11 digits)             birth date + mod-97 (be.nn)
IE_PPS               1234567T, 1234567TW                     check letter (ie.pps)
CH_AHV               756.1234.5678.97 (13 digits)            "756" + EAN-13 digit (ch.ssn)
===================  ======================================  =====================================

Each is a run of digits that a check digit alone lets through one time in ten or so (a CPR
number not even that), so a number is reported next to a word that names it ("BSN", "PESEL",
"personnummer", "CPR-nr.", "fødselsnummer", "rijksregisternummer", "PPSN", "AHV-Nr."), in the
country's language or in English. Two written forms are rare enough to stand alone: the Swiss
social security number with its dots and its "756" prefix, and the Belgian national number
written as a date, a dash and dotted digits.
"""

from __future__ import annotations

from stdnum.be import nn
from stdnum.ch import ssn as ch_ssn
from stdnum.dk import cpr
from stdnum.ie import pps
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.se import personnummer

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import NOT_IN_NUMBER, NUM, NUM_END, terms
from veil.pii.recognizers.personal_numbers import LABEL_BOOST, NEEDS_LABEL, NOT_AN_ID, stdnum_valid

__all__ = [
    "be_national_number",
    "ch_ahv",
    "dk_cpr",
    "ie_pps",
    "is_be_national_number",
    "is_ch_ahv",
    "is_dk_cpr",
    "is_ie_pps",
    "is_nl_bsn",
    "is_no_personal_id",
    "is_pl_pesel",
    "is_se_personal_id",
    "nl_bsn",
    "no_personal_id",
    "pl_pesel",
    "se_personal_id",
]

# (NUM is a number's first digit, so the patterns below count the digits after it; the Swiss
# number starts with the country's "756")
_AHV_START = rf"7(?<!{NOT_IN_NUMBER}7)"


def is_nl_bsn(text: str) -> bool:
    return stdnum_valid(bsn.is_valid, text)


def is_pl_pesel(text: str) -> bool:
    return stdnum_valid(pesel.is_valid, text)


def is_se_personal_id(text: str) -> bool:
    return stdnum_valid(personnummer.is_valid, text)


def is_dk_cpr(text: str) -> bool:
    return stdnum_valid(cpr.is_valid, text)


def is_no_personal_id(text: str) -> bool:
    return stdnum_valid(fodselsnummer.is_valid, text)


def is_be_national_number(text: str) -> bool:
    return stdnum_valid(nn.is_valid, text)


def is_ie_pps(text: str) -> bool:
    return stdnum_valid(pps.is_valid, text.upper())


def is_ch_ahv(text: str) -> bool:
    return stdnum_valid(ch_ssn.is_valid, text)


def nl_bsn() -> Recognizer:
    return Recognizer(
        name="nl_bsn",
        entity_type=EntityType.NL_BSN,
        patterns=(
            Pattern(rf"{NUM}\d{{7,8}}{NUM_END}", NEEDS_LABEL, "plain"),
            Pattern(rf"{NUM}\d{{3}}\.\d{{2}}\.\d{{3}}{NUM_END}", NEEDS_LABEL, "dotted"),
            Pattern(rf"{NUM}\d{{2}}[ .]\d{{3}}[ .]\d{{3}}{NUM_END}", NEEDS_LABEL, "grouped"),
        ),
        validate=is_nl_bsn,
        context=terms("bsn|burgerservicenummer|sofinummer|sofi-nummer|sofi nummer|citizen service number"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def pl_pesel() -> Recognizer:
    return Recognizer(
        name="pl_pesel",
        entity_type=EntityType.PL_PESEL,
        patterns=(Pattern(rf"{NUM}\d{{10}}{NUM_END}", NEEDS_LABEL, "pesel"),),
        validate=is_pl_pesel,
        context=terms("pesel|numer pesel|nr pesel"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def se_personal_id() -> Recognizer:
    return Recognizer(
        name="se_personal_id",
        entity_type=EntityType.SE_PERSONAL_ID,
        patterns=(
            Pattern(rf"{NUM}(?:\d{{2}})?\d{{5}}[-+]\d{{4}}{NUM_END}", NEEDS_LABEL, "dashed"),
            Pattern(rf"{NUM}(?:\d{{2}})?\d{{9}}{NUM_END}", NEEDS_LABEL, "plain"),
        ),
        validate=is_se_personal_id,
        context=terms(
            "personnummer|personnr|person-nr|pers.nr|samordningsnummer|swedish personal identity number"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def dk_cpr() -> Recognizer:
    return Recognizer(
        name="dk_cpr",
        entity_type=EntityType.DK_CPR,
        patterns=(Pattern(rf"{NUM}\d{{5}}-?\d{{4}}{NUM_END}", NEEDS_LABEL, "cpr"),),
        validate=is_dk_cpr,
        context=terms("cpr|cpr-nr|cpr-nummer|cpr nummer|cpr no|personnummer"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def no_personal_id() -> Recognizer:
    return Recognizer(
        name="no_personal_id",
        entity_type=EntityType.NO_PERSONAL_ID,
        patterns=(Pattern(rf"{NUM}\d{{5}} ?\d{{5}}{NUM_END}", NEEDS_LABEL, "fodselsnummer"),),
        validate=is_no_personal_id,
        context=terms("fødselsnummer|fodselsnummer|personnummer|fnr|f.nr|norwegian national identity number"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def be_national_number() -> Recognizer:
    return Recognizer(
        name="be_national_number",
        entity_type=EntityType.BE_NATIONAL_NUMBER,
        patterns=(
            # written as a date, a dash and dotted digits: rare enough to stand alone
            Pattern(rf"{NUM}\d\.\d{{2}}\.\d{{2}}-\d{{3}}\.\d{{2}}{NUM_END}", 0.65, "written"),
            Pattern(rf"{NUM}\d{{10}}{NUM_END}", NEEDS_LABEL, "plain"),
        ),
        validate=is_be_national_number,
        context=terms(
            "rijksregisternummer|rijksregister|numéro national|numéro de registre national|registre national"
            "|national number|national register number|insz|niss|nn"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def ie_pps() -> Recognizer:
    return Recognizer(
        name="ie_pps",
        entity_type=EntityType.IE_PPS,
        patterns=(Pattern(rf"{NUM}\d{{6}}[A-Wa-w][A-IWa-iw]?(?![^\W_])", NEEDS_LABEL, "pps"),),
        validate=is_ie_pps,
        context=terms("pps|ppsn|pps number|pps no|personal public service"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def ch_ahv() -> Recognizer:
    return Recognizer(
        name="ch_ahv",
        entity_type=EntityType.CH_AHV,
        patterns=(
            # "756." and the dotted groups: rare enough to stand alone
            Pattern(rf"{_AHV_START}56\.\d{{4}}\.\d{{4}}\.\d{{2}}{NUM_END}", 0.7, "dotted"),
            Pattern(rf"{_AHV_START}56\d{{10}}{NUM_END}", NEEDS_LABEL, "plain"),
        ),
        validate=is_ch_ahv,
        context=terms(
            "ahv|avs|ahv-nr|ahv-nummer|ahvn13|sozialversicherungsnummer|numéro avs|numero avs"
            "|swiss social security"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )
