"""Travel and driving documents: passport numbers and driving licence numbers, after their label.

Neither has a checksum that a reader of free text can rely on, and their shapes are those of
any reference number, so both are reported only after a word that names them
(:class:`~veil.pii.recognizers.labelled.LabelledValue`). The one exception is the UK (DVLA)
driving licence number: five letters of the surname, the holder's birth date in six digits
(decade, month - plus 50 for a woman -, day, year), two initials, a digit and two check
letters. A 16-character token of that structure whose date is a real date is hardly anything
else, so it is reported without a label too.

==============  ====================================================================
country         passport number                   driving licence number
==============  ====================================================================
US              9 digits, or a letter + 8 digits  1-2 letters + 4-14 digits, or 7-13 digits
UK              9 digits                          16 characters (MORGA657054SM9IJ): also bare,
                                                  when the birth date it encodes is a date
DE              9 characters of C F G H J K L M   11 characters (B072RRE2I55)
                N P R T V W X Y Z 0-9
IN              a letter + 7 digits               -
KR              M + 8 digits, or M123A4567        -
==============  ====================================================================
"""

from __future__ import annotations

import re

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import first_char, terms
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["driver_license", "is_document_number", "is_licence_number", "is_uk_dvla_number", "passport"]

_PASSPORT_LABELS = terms(
    "passport|passports|passport no|passport number|passport nr|passport #|pass-nr|passnummer|reisepass"
    "|reisepassnummer|passeport|numéro de passeport|pasaporte|passaporto|passaporte|paspoort|paszport"
    "|여권|여권번호|travel document|document number"
)
_PASSPORT_VALUE = (
    r"[A-Z]{1,2}\d{6,8}"  # US (C12345678), IN (J8369854), KR (M12345678)
    r"|\d{8,9}"  # US, UK
    r"|M\d{3}[A-Z]\d{4}"  # KR since 2021
    r"|[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}"  # DE
)

_LICENCE_LABELS = terms(
    "driver's license|drivers license|driver license|driver licence|driver's licence|drivers licence"
    "|driving licence|driving license|driving licence number|license number|licence number|license no"
    "|licence no|licence #|license #|DL|DL#|DL no|dln|führerschein|führerscheinnummer|fahrerlaubnis"
    "|permis de conduire|carnet de conducir|patente di guida|rijbewijs"
)
_UK_DVLA = r"[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}"
_UK_DVLA_RE = re.compile(_UK_DVLA)
_LICENCE_VALUE = (
    rf"{_UK_DVLA}(?:\s?\d{{2}})?"  # UK DVLA (+ issue number)
    r"|[A-Z0-9]{11}"  # DE
    r"|[A-Z]{1,2}[- ]?\d{3,4}[- ]?\d{3,5}[- ]?\d{0,5}"  # US: D123-4567-8901, A1234567
    r"|\d{3}[- ]?\d{3}[- ]?\d{3,4}|\d{7,13}"  # US: all digits
)
_DATE_LIKE = re.compile(r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}")


def is_document_number(text: str) -> bool:
    """A plausible document number: two digits or more (not one repeated digit), not a date."""
    digits = [c for c in text if c.isdigit()]
    return (
        len(digits) >= 2
        and (len(set(digits)) > 1 or len(digits) < len(text))
        and not _DATE_LIKE.fullmatch(text)
    )


def is_uk_dvla_number(text: str) -> bool:
    """A UK driving licence number whose encoded birth date is a date (DVLA's layout)."""
    value = text.replace(" ", "").upper()
    return _UK_DVLA_RE.fullmatch(value[:16]) is not None and _encodes_a_date(value)


def _encodes_a_date(value: str) -> bool:
    """After the five surname characters of a DVLA number come the decade digit, the month (51-62
    for a woman), the day and the year digit. The century is not written: 29 February is accepted
    when the two-digit year is a multiple of 4."""
    month, day = int(value[6:8]), int(value[8:10])
    if month > 50:
        month -= 50
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return int(value[5] + value[10]) % 4 == 0
    return day <= (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def is_licence_number(text: str) -> bool:
    """A driving licence number: a UK one must encode a real date, others be document-like."""
    value = text.replace(" ", "").upper()
    if _UK_DVLA_RE.fullmatch(value[:16]):
        return _encodes_a_date(value)
    return is_document_number(text)


def passport() -> Recognizer:
    return Recognizer(
        name="passport",
        entity_type=EntityType.PASSPORT,
        finder=LabelledValue(_PASSPORT_LABELS, _PASSPORT_VALUE, score=0.8, validate=is_document_number),
    )


def driver_license() -> Recognizer:
    return Recognizer(
        name="driver_license",
        entity_type=EntityType.DRIVER_LICENSE,
        # a bare UK number (no label) with a real encoded date; the labelled ones come from the finder
        patterns=(
            Pattern(rf"{first_char('[A-Z9]')}[A-Z9]{{4}}\d{{6}}[A-Z9]{{2}}\d[A-Z]{{2}}\b", 0.6, "uk_dvla"),
        ),
        finder=LabelledValue(_LICENCE_LABELS, _LICENCE_VALUE, score=0.8, validate=is_licence_number),
        validate=is_licence_number,
    )
