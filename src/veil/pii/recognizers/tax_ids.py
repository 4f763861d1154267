"""Tax identifiers: VAT numbers, Indian PAN and GSTIN, US ITIN.

================  ======================================  =====================================
type              format                                  validation (python-stdnum)
================  ======================================  =====================================
VAT_ID            country prefix + national number:       the country's check digits
                  DE136695976, NL004495445B01,             (``stdnum.vatin``: EU members, GB/XI,
                  CHE-116.281.710 MWST, NO974760673MVA     CH, NO and the rest stdnum knows)
IN_PAN            ABCPE1234F (5 letters, 4 digits, 1)      holder-type letter (4th character)
IN_GSTIN          27AAPFU0939F1ZV (15 characters)          state code, embedded PAN, mod-36 check
US_ITIN           9XX-7X-XXXX (9 digits)                   IRS groups (50-65, 70-88, 90-92, 94-99)
================  ======================================  =====================================

A VAT number is a company's as often as a person's (a sole trader's VAT number is personal
data); it is reported whenever its check digits hold. A bare 9-digit ITIN needs its label.
"""

from __future__ import annotations

from stdnum import vatin
from stdnum.in_ import gstin, pan

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import NUM, NUM_END, first_char, terms, words

__all__ = [
    "in_gstin",
    "in_pan",
    "is_in_gstin",
    "is_in_pan",
    "is_us_itin",
    "is_vat_id",
    "us_itin",
    "vat_id",
]

_VAT_COUNTRIES = "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI GB NO"
_VAT_PREFIX = words(_VAT_COUNTRIES.split())
_ITIN_START = first_char("9", r"[\w@/.+-]")


def is_vat_id(text: str) -> bool:
    return bool(vatin.is_valid(text))


def vat_id() -> Recognizer:
    return Recognizer(
        name="vat_id",
        entity_type=EntityType.VAT_ID,
        patterns=(
            Pattern(
                rf"{_VAT_PREFIX}"
                rf"[ -]?U?[0-9A-Z][0-9A-Z]{{6,11}}(?:B\d\d)?(?:MVA)?\b",
                0.6,
                "vat",
            ),
            Pattern(
                rf"{first_char('C')}HE[- ]?\d{{3}}\.?\d{{3}}\.?\d{{3}}(?: ?(?:MWST|TVA|IVA))?\b", 0.6, "che"
            ),
        ),
        validate=is_vat_id,
        context=terms(
            "vat|vat no|vat number|vat id|vat reg|ust-idnr|ust-id|umsatzsteuer|tva|n° tva|iva"
            "|p.iva|partita iva"
            "|nif-iva|btw|moms|mwst|mva|alv|dph|áfa|pvm|dic|vat registration"
        ),
        context_boost=0.3,
        negative_context=terms("iban|bic|swift|account"),
    )


def is_in_pan(text: str) -> bool:
    return bool(pan.is_valid(text))


def in_pan() -> Recognizer:
    return Recognizer(
        name="in_pan",
        entity_type=EntityType.IN_PAN,
        patterns=(Pattern(rf"{first_char('[A-Z]')}[A-Z]{{2}}[ABCFGHJLPT][A-Z]\d{{4}}[A-Z]\b", 0.6, "pan"),),
        validate=is_in_pan,
        context=terms("pan|pan card|pan no|pan number|permanent account number|income tax|it department"),
        context_boost=0.3,
    )


def is_in_gstin(text: str) -> bool:
    return bool(gstin.is_valid(text))


def in_gstin() -> Recognizer:
    return Recognizer(
        name="in_gstin",
        entity_type=EntityType.IN_GSTIN,
        patterns=(Pattern(rf"{NUM}\d[A-Z]{{5}}\d{{4}}[A-Z][1-9A-Z]Z[0-9A-Z]\b", 0.85, "gstin"),),
        validate=is_in_gstin,
        context=terms("gstin|gst|gst no|gst number|goods and services tax"),
        context_boost=0.1,
    )


# The IRS's ITIN groups (4th and 5th digits) since April 2011: 50-65, 70-88, 90-92, 94-99.
# python-stdnum's us.itin still knows only the pre-2011 groups (70-99 but 89 and 93) and so
# rejects every ITIN issued in 50-65; the layouts are the patterns' job, the groups are checked here.
_ITIN_GROUPS = frozenset((*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)))


def is_us_itin(text: str) -> bool:
    digits = text.replace(" ", "").replace("-", "")
    return len(digits) == 9 and digits.isdigit() and digits[0] == "9" and int(digits[3:5]) in _ITIN_GROUPS


def us_itin() -> Recognizer:
    return Recognizer(
        name="us_itin",
        entity_type=EntityType.US_ITIN,
        patterns=(
            Pattern(rf"{_ITIN_START}\d{{2}}-\d{{2}}-\d{{4}}{NUM_END}", 0.55, "dashed"),
            Pattern(rf"{_ITIN_START}\d{{2}} \d{{2}} \d{{4}}{NUM_END}", 0.35, "spaced"),
            Pattern(rf"{_ITIN_START}\d{{8}}{NUM_END}", 0.3, "plain"),
        ),
        validate=is_us_itin,
        context=terms(
            "itin|itins|individual taxpayer|taxpayer identification|taxpayer id|tax id|tin|irs|w-7|1040"
        ),
        negative_context=terms("order|invoice|ref|reference|tracking|phone|tel|fax|call|routing|account"),
        context_boost=0.4,
    )
