"""National identifiers, each validated by its checksum where it has one.

================  ======================================  =====================================
type              format                                  validation
================  ======================================  =====================================
US_SSN            123-45-6789 (or spaced / 9 digits       area not 000/666/9xx, group not 00,
                  with context)                           serial not 0000, no known dummies
UK_NINO           AB 12 34 56 C                           prefix letters (no BG, GB, NK, ...)
UK_NHS            943 476 5919                            mod-11 check digit
DE_ID             Steuer-IdNr 11 digits; ID card serial   ISO 7064 mod 11,10; ICAO 7-3-1
FR_NIR            2 95 10 99 126 111 93                   mod-97 key (Corsica 2A/2B)
ES_NIF            12345678Z (DNI), X1234567L (NIE)        mod-23 control letter
IT_FISCAL_CODE    RSSMRA85T10A562S                        check character
================  ======================================  =====================================
"""

from __future__ import annotations

import re

from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.it import codicefiscale
from stdnum.us import ssn

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import (
    NOT_IN_NUMBER,
    NUM,
    NUM_END,
    digits_only,
    first_char,
    not_repetitive,
)

__all__ = [
    "de_id",
    "es_nif",
    "fr_nir",
    "is_de_id",
    "is_de_id_card",
    "is_de_tax_id",
    "is_es_nif",
    "is_fr_nir",
    "is_it_fiscal_code",
    "is_uk_nhs",
    "is_uk_nino",
    "is_us_ssn",
    "it_fiscal_code",
    "uk_nhs",
    "uk_nino",
    "us_ssn",
]

# Numbers that are usually something else; shared by the digit-only identifiers.
_NOT_AN_ID = (
    "order",
    "invoice",
    "inv",
    "ref",
    "reference",
    "tracking",
    "ticket",
    "transaction",
    "txn",
    "confirmation",
    "booking",
    "serial",
    "sku",
    "isbn",
    "amount",
    "total",
    "price",
    "balance",
)


def is_us_ssn(text: str) -> bool:
    return bool(ssn.is_valid(digits_only(text)))


def us_ssn() -> Recognizer:
    return Recognizer(
        name="us_ssn",
        entity_type=EntityType.US_SSN,
        patterns=(
            Pattern(rf"{NUM}\d{{2}}-\d{{2}}-\d{{4}}{NUM_END}", 0.6, "dashed"),
            Pattern(rf"{NUM}\d{{2}} \d{{2}} \d{{4}}{NUM_END}", 0.4, "spaced"),
            Pattern(rf"{NUM}\d{{2}}\.\d{{2}}\.\d{{4}}{NUM_END}", 0.4, "dotted"),
            Pattern(rf"{NUM}\d{{8}}{NUM_END}", 0.25, "plain"),
        ),
        validate=is_us_ssn,
        context=(
            "ssn",
            "ssns",
            "social security",
            "social sec",
            "soc sec",
            "soc. sec",
            "ss#",
            "ss #",
            "ssn#",
            "taxpayer",
            "ssa",
        ),
        negative_context=(*_NOT_AN_ID, "phone", "tel", "fax", "call", "zip", "routing"),
        context_boost=0.4,
    )


_NINO_RE = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")


def is_uk_nino(text: str) -> bool:
    return _NINO_RE.match(text.replace(" ", "").replace("-", "").upper()) is not None


def uk_nino() -> Recognizer:
    return Recognizer(
        name="uk_nino",
        entity_type=EntityType.UK_NINO,
        patterns=(
            # AB123456C, AB 12 34 56 C, AB 123456 C, AB-12-34-56-C
            Pattern(rf"{first_char('[A-Z]')}[A-Z][ -]?(?:\d{{2}}[ -]?){{3}}[A-D]\b", 0.65, "nino"),
            Pattern(rf"{first_char('[a-z]')}[a-z][ -]?(?:\d{{2}}[ -]?){{3}}[a-d]\b", 0.5, "lower_case"),
        ),
        validate=is_uk_nino,
        context=("national insurance", "ni number", "ni no", "nino", "nin", "insurance number", "hmrc"),
        negative_context=(*_NOT_AN_ID, "flight", "part", "model"),
    )


def is_uk_nhs(text: str) -> bool:
    digits = digits_only(text)
    return not_repetitive(digits) and bool(nhs.is_valid(digits))


def uk_nhs() -> Recognizer:
    return Recognizer(
        name="uk_nhs",
        entity_type=EntityType.UK_NHS,
        patterns=(
            # a mod-11 check digit alone passes one number in eleven: always needs an NHS word
            Pattern(rf"{NUM}\d{{2}}([ -])\d{{3}}\1\d{{4}}{NUM_END}", 0.4, "grouped"),
            Pattern(rf"{NUM}\d{{9}}{NUM_END}", 0.35, "plain"),
        ),
        validate=is_uk_nhs,
        context=("nhs", "nhs number", "nhs no", "health service", "chi", "patient", "hospital", "gp"),
        negative_context=(
            *_NOT_AN_ID,
            "phone",
            "tel",
            "telephone",
            "mobile",
            "call",
            "fax",
            "cell",
            "account",
        ),
    )


def is_de_tax_id(text: str) -> bool:
    return bool(idnr.is_valid(digits_only(text)))


_ICAO_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


_CARD_ALPHABET = frozenset("CFGHJKLMNPRTVWXYZ0123456789")


def is_de_id_card(text: str) -> bool:
    """German ID card / passport serial: 9 characters of its alphabet (a letter first, a digit
    among them), as printed on the card, or followed by its ICAO 7-3-1 check digit."""
    value = text.replace(" ", "").upper()
    if len(value) == 9:
        return value[0].isalpha() and set(value) <= _CARD_ALPHABET and any(c.isdigit() for c in value)
    if len(value) != 10 or not value[-1].isdigit() or not value[0].isalpha():
        return False
    total = sum(_ICAO_VALUES[c] * (7, 3, 1)[i % 3] for i, c in enumerate(value[:9]))
    return total % 10 == int(value[-1])


def is_de_id(text: str) -> bool:
    """A German tax id (all digits) or an ID card serial with its check digit."""
    return is_de_tax_id(text) if text.replace(" ", "").isdigit() else is_de_id_card(text)


def de_id() -> Recognizer:
    return Recognizer(
        name="de_id",
        entity_type=EntityType.DE_ID,
        patterns=(
            Pattern(rf"{NUM}\d \d{{3}} \d{{3}} \d{{3}}{NUM_END}", 0.45, "tax_id_spaced"),
            Pattern(rf"{first_char('[1-9]', NOT_IN_NUMBER)}\d{{10}}{NUM_END}", 0.35, "tax_id"),
            Pattern(
                rf"{first_char('[CFGHJKLMNPRTVWXYZ]')}[CFGHJKLMNPRTVWXYZ0-9]{{8}}\d\b",
                0.5,
                "id_card_with_check_digit",
            ),
            # the number as printed on the card, without its check digit: only after an ID word
            Pattern(
                rf"{first_char('[CFGHJKLMNPRTVWXYZ]')}[CFGHJKLMNPRTVWXYZ0-9]{{8}}\b", 0.15, "id_card_printed"
            ),
        ),
        validate=is_de_id,
        context=(
            "steuer-id",
            "steuerid",
            "steuer-idnr",
            "idnr",
            "steueridentifikationsnummer",
            "identifikationsnummer",
            "steuernummer",
            "tax id",
            "tin",
            "personalausweis",
            "ausweis",
            "ausweisnummer",
            "personalausweisnummer",
            "id card",
            "identity card",
            "reisepass",
            "passport",
        ),
        negative_context=(*_NOT_AN_ID, "phone", "tel", "telefon", "mobile", "fax", "iban", "konto"),
    )


def is_fr_nir(text: str) -> bool:
    return bool(nir.is_valid(text.replace(" ", "").replace(".", "")))


def fr_nir() -> Recognizer:
    return Recognizer(
        name="fr_nir",
        entity_type=EntityType.FR_NIR,
        patterns=(
            Pattern(
                rf"{first_char('[1-478]', NOT_IN_NUMBER)} ?\d{{2}} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?"
                rf"(?:\d{{2}}|2[ABab]) ?\d{{3}} ?\d{{3}} ?\d{{2}}{NUM_END}",
                0.65,
                "nir",
            ),
        ),
        validate=is_fr_nir,
        context=(
            "nir",
            "insee",
            "sécurité sociale",
            "securite sociale",
            "sécu",
            "secu",
            "numéro de sécurité",
            "carte vitale",
            "social security",
            "assuré",
            "assure",
        ),
        negative_context=(
            *_NOT_AN_ID,
            "siret",
            "siren",
            "tva",
            "téléphone",
            "phone",
            "card number",
            "card no",
            "credit card",
            "debit card",
            "numéro de carte",
        ),
    )


def is_es_nif(text: str) -> bool:
    """A DNI (8 digits, or 7 written without the leading zero, + control letter) or an NIE."""
    value = text.replace("-", "").replace(" ", "").upper()
    if value[:1] in "XYZ":
        return bool(nie.is_valid(value))
    if len(value) == 8:
        value = "0" + value
    return bool(dni.is_valid(value))


def es_nif() -> Recognizer:
    return Recognizer(
        name="es_nif",
        entity_type=EntityType.ES_NIF,
        patterns=(
            Pattern(rf"{NUM}\d{{7}}-?[A-Z]\b", 0.7, "dni"),
            Pattern(rf"{first_char('[XYZ]')}-?\d{{7}}-?[A-Z]\b", 0.7, "nie"),
            # 7 digits (leading zero left out) or a lower-case letter: weaker, context helps
            Pattern(rf"{NUM}\d{{6}}-?[A-Z]\b", 0.5, "dni_7_digits"),
            Pattern(rf"{NUM}\d{{6,7}}-?[a-z]\b", 0.45, "dni_lower_case"),
            Pattern(rf"{first_char('[xyz]')}-?\d{{7}}-?[a-zA-Z]\b", 0.45, "nie_lower_case"),
        ),
        validate=is_es_nif,
        context=("dni", "nie", "nif", "documento", "identidad", "extranjero", "id", "spanish"),
        negative_context=_NOT_AN_ID,
    )


def is_it_fiscal_code(text: str) -> bool:
    return bool(codicefiscale.is_valid(text.upper()))


def it_fiscal_code() -> Recognizer:
    omocodia = "[0-9LMNPQRSTUV]"
    return Recognizer(
        name="it_fiscal_code",
        entity_type=EntityType.IT_FISCAL_CODE,
        patterns=(
            Pattern(
                rf"{first_char('[A-Z]')}[A-Z]{{5}}{omocodia}{{2}}[ABCDEHLMPRST]{omocodia}{{2}}[A-Z]{omocodia}{{3}}[A-Z]\b",
                0.85,
                "codice_fiscale",
            ),
        ),
        validate=is_it_fiscal_code,
        context=("codice fiscale", "cf", "fiscal code", "tax code", "c.f"),
    )
