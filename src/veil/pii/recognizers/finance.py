"""Payment data: card numbers (Luhn + issuer prefix) and IBANs (ISO 13616: mod-97, country format).

A card number of 13-19 digits with a known issuer prefix and a valid Luhn digit stands alone;
one of 12-19 digits whose prefix is not in the list (12-digit Maestro, 15-digit JCB 1800/2131,
UATP 1...) is reported only next to a card word. An IBAN is valid when ISO 13616 says so: its
mod-97 check digits and its country's length and BBAN format from the IBAN registry — a
national bank-code list that does not know the bank does not reject it. Digit runs cut out of
something written like an IBAN are never reported as a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from stdnum import iban as std_iban
from stdnum import luhn

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import (
    NUM,
    NUM_END,
    digits_only,
    first_char,
    iban_shaped,
    not_repetitive,
    overlaps,
)

__all__ = ["card_kind", "credit_card", "iban", "is_card_number", "is_iban"]

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


def card_kind(text: str) -> Literal["known", "other"] | None:
    """``"known"`` for a card number of a known issuer (:func:`is_card_number`), ``"other"`` for
    12-19 Luhn-valid digits with another prefix, None for anything else."""
    if is_card_number(text):
        return "known"
    digits = digits_only(text)
    if 12 <= len(digits) <= 19 and digits[0] != "0" and not_repetitive(digits) and luhn.is_valid(digits):
        return "other"
    return None


# 4-4-4(-4(-3)) and 4-6-4/5 (Amex, Diners) groups with one separator kind, or one run of digits.
_CARD_SHAPES = (
    # groups apart by spaces, dashes or dots ("4111.1111.1111.1111"), the same one throughout
    (re.compile(rf"{NUM}\d{{3}}([ .-])\d{{4}}\1\d{{4}}(?:\1\d{{1,7}})?{NUM_END}"), 0.65),
    (re.compile(rf"{NUM}\d{{3}}([ .-])\d{{6}}\1\d{{4,5}}{NUM_END}"), 0.65),
    (re.compile(rf"{NUM}\d{{11,18}}{NUM_END}"), 0.6),
)
_OTHER_ISSUER_SCORE = 0.25  # below the threshold: needs a card word (context_boost 0.35)


def _find_cards(text: str) -> Iterator[tuple[int, int, float]]:
    """Card candidates of each shape; none inside something written like an IBAN."""
    shaped: list[tuple[int, int]] | None = None
    for regex, score in _CARD_SHAPES:
        for match in regex.finditer(text):
            kind = card_kind(match.group())
            if kind is None:
                continue
            if shaped is None:
                shaped = iban_shaped(text)
            if overlaps(shaped, match.start(), match.end()):
                continue
            yield match.start(), match.end(), score if kind == "known" else _OTHER_ISSUER_SCORE


def credit_card() -> Recognizer:
    return Recognizer(
        name="credit_card",
        entity_type=EntityType.CREDIT_CARD,
        finder=_find_cards,
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
    """ISO 13616: mod-97 check digits, the country's length and BBAN format (no bank lists)."""
    return bool(std_iban.is_valid(text, check_country=False))


# Any case: people type an IBAN in lower case ("de89 3704 ..."); mod-97 and the country's BBAN
# format decide, and they ignore case.
_IBAN_CANDIDATE = re.compile(
    rf"{first_char('[A-Za-z]')}[A-Za-z]\d{{2}}(?:[ -]?[A-Za-z0-9]{{4}}){{2,8}}(?:[ -]?[A-Za-z0-9]{{1,4}})?\b"
)
_LAST_GROUP = re.compile(r"[ -][A-Za-z0-9]*$")


def _find_iban(text: str) -> Iterator[tuple[int, int, float]]:
    """IBAN candidates; a greedy match that swallowed a following word is trimmed back."""
    for match in _IBAN_CANDIDATE.finditer(text):
        start, candidate = match.start(), match.group()
        while len(candidate) >= 15:
            if is_iban(candidate):
                yield start, start + len(candidate), 0.9
                break
            last = _LAST_GROUP.search(candidate)
            candidate = candidate[: last.start()] if last else candidate[:-1]


def iban() -> Recognizer:
    return Recognizer(
        name="iban",
        entity_type=EntityType.IBAN_CODE,
        finder=_find_iban,
        context=("iban", "bank", "account", "transfer", "sepa", "bic", "swift"),
        negative_context=(),
    )
