"""Travel and driving documents: passport numbers and driving licence numbers, after their label.

Neither has a checksum that a reader of free text can rely on, and their shapes are those of
any reference number, so both are reported only after a word that names them
(:class:`~veil.pii.recognizers.labelled.LabelledValue`).

==============  ====================================================================
country         passport number                   driving licence number
==============  ====================================================================
US              9 digits, or a letter + 8 digits  1-2 letters + 4-14 digits, or 7-13 digits
UK              9 digits                          16 characters (MORGA657054SM9IJ)
DE              9 characters of C F G H J K L M   11 characters (B072RRE2I55)
                N P R T V W X Y Z 0-9
IN              a letter + 7 digits               -
KR              M + 8 digits, or M123A4567        -
==============  ====================================================================
"""

from __future__ import annotations

import re

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import terms
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["driver_license", "is_document_number", "passport"]

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
_LICENCE_VALUE = (
    r"[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}(?:\s?\d{2})?"  # UK DVLA (+ issue number)
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
        finder=LabelledValue(_LICENCE_LABELS, _LICENCE_VALUE, score=0.8, validate=is_document_number),
    )
