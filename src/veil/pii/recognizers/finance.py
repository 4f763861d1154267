"""Payment data: card numbers (Luhn + issuer prefix) and IBANs (mod-97, country length)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban as std_iban
from stdnum import luhn

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import NUM, NUM_END, digits_only, first_char, not_repetitive

__all__ = ["credit_card", "iban", "is_card_number", "is_iban"]

# Issuer identification prefixes: Visa, Mastercard (51-55, 2221-2720), Amex, Discover,
# JCB, Diners, UnionPay, Maestro.
_IIN = re.compile(
    r"^(?:4|5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6011|64[4-9]|65|35|30[0-5]|36|38|39"
    r"|62|50|5[6-9]|6[0-9])"
)


def is_card_number(text: str) -> bool:
    """13-19 digits, a known issuer prefix, a valid Luhn check digit, not one repeated digit."""
    digits = digits_only(text)
    return (
        13 <= len(digits) <= 19
        and _IIN.match(digits) is not None
        and not_repetitive(digits)
        and luhn.is_valid(digits)
    )


def credit_card() -> Recognizer:
    return Recognizer(
        name="credit_card",
        entity_type=EntityType.CREDIT_CARD,
        patterns=(
            # 4-4-4-4(-3) and 4-6-5 (Amex) groups with one separator kind, or one run of digits.
            Pattern(rf"{NUM}\d{{3}}([ -])\d{{4}}\1\d{{4}}\1\d{{1,7}}{NUM_END}", 0.65, "grouped"),
            Pattern(rf"{NUM}\d{{3}}([ -])\d{{6}}\1\d{{4,5}}{NUM_END}", 0.65, "amex"),
            Pattern(rf"{NUM}\d{{12,18}}{NUM_END}", 0.6, "plain"),
        ),
        validate=is_card_number,
        context=(
            "card",
            "credit",
            "debit",
            "visa",
            "mastercard",
            "master card",
            "amex",
            "american express",
            "discover",
            "maestro",
            "jcb",
            "diners",
            "unionpay",
            "cc",
            "ccn",
            "pan",
            "cardholder",
            "card number",
            "card no",
            "expiry",
            "exp",
            "cvv",
            "cvc",
            "paid with",
            "charged",
        ),
        negative_context=(
            "order",
            "invoice",
            "inv",
            "ref",
            "reference",
            "tracking",
            "shipment",
            "parcel",
            "ticket",
            "transaction",
            "txn",
            "confirmation",
            "booking",
            "serial",
            "imei",
            "isbn",
            "account id",
            "customer id",
            "id",
            "sku",
            "part",
            "barcode",
            "ean",
            "upc",
        ),
    )


def is_iban(text: str) -> bool:
    return bool(std_iban.is_valid(text))


_IBAN_CANDIDATE = re.compile(
    rf"{first_char('[A-Z]')}[A-Z]\d{{2}}(?: ?[A-Z0-9]{{4}}){{2,7}}(?: ?[A-Z0-9]{{1,4}})?\b"
)


def _find_iban(text: str) -> Iterator[tuple[int, int, float]]:
    """IBAN candidates; a greedy match that swallowed a following word is trimmed back."""
    for match in _IBAN_CANDIDATE.finditer(text):
        start, candidate = match.start(), match.group()
        while len(candidate) >= 15:
            if is_iban(candidate):
                yield start, start + len(candidate), 0.9
                break
            cut = candidate.rfind(" ")
            candidate = candidate[:cut] if cut > 0 else candidate[:-1]


def iban() -> Recognizer:
    return Recognizer(
        name="iban",
        entity_type=EntityType.IBAN_CODE,
        finder=_find_iban,
        context=("iban", "bank", "account", "transfer", "sepa", "bic", "swift"),
        negative_context=(),
    )
