"""Health identifiers: US National Provider Identifiers and medical record numbers.

An NPI is 10 digits whose last is a Luhn check digit over ``80840`` + the first nine (the
ISO 7812 health-industry prefix; python-stdnum has no NPI module, so the check is written
here with ``stdnum.luhn``). One random number in ten passes, so it needs its label. A medical
record number (MRN) is whatever a hospital's system assigns and is reported only after its
label (:class:`~veil.pii.recognizers.labelled.LabelledValue`).
"""

from __future__ import annotations

from stdnum import luhn

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import NOT_IN_NUMBER, NUM_END, digits_only, first_char, not_repetitive, terms
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["is_medical_record", "is_us_npi", "medical_record", "us_npi"]


def is_us_npi(text: str) -> bool:
    digits = digits_only(text)
    return (
        len(digits) == 10
        and digits[0] in "12"
        and not_repetitive(digits)
        and bool(luhn.is_valid("80840" + digits))
    )


def us_npi() -> Recognizer:
    return Recognizer(
        name="us_npi",
        entity_type=EntityType.US_NPI,
        patterns=(Pattern(rf"{first_char('[12]', NOT_IN_NUMBER)}\d{{9}}{NUM_END}", 0.2, "npi"),),
        validate=is_us_npi,
        context=terms("npi|npi number|national provider|provider identifier|provider id|prescriber|nppes"),
        context_boost=0.5,
        negative_context=terms("order|invoice|tracking|phone|tel|fax|call|account"),
    )


_MRN_LABELS = terms(
    "mrn|mrn#|mr#|medical record|medical record number|medical record no|med rec|patient id|patient no"
    "|patient number|chart number|chart no|hospital number|hospital no|case number|record number"
    "|patientennummer|fallnummer|numéro de dossier|dossier médical|historia clínica|cartella clinica"
)
_MRN_VALUE = r"[A-Z]{0,4}[-]?\d{4,12}(?:-\d{1,4})?|\d{2,4}[- ]\d{3,8}"


def is_medical_record(text: str) -> bool:
    digits = digits_only(text)
    return len(digits) >= 4 and not_repetitive(digits)


def medical_record() -> Recognizer:
    return Recognizer(
        name="medical_record",
        entity_type=EntityType.MEDICAL_RECORD,
        finder=LabelledValue(_MRN_LABELS, _MRN_VALUE, score=0.75, reach=32, validate=is_medical_record),
    )
