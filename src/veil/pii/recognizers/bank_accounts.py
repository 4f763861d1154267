"""Bank account numbers and US routing numbers.

A US ABA routing transit number has a weighted mod-10 check digit (``stdnum.us.rtn``); one
random 9-digit number in ten passes, so it needs a word that names it ("routing", "ABA").
A domestic account number has no shape of its own (6-17 digits in the US, 8 in the UK, up
to 10 in Germany, often with a sort code before it) and is reported only right after a
label (:class:`~veil.pii.recognizers.labelled.LabelledValue`). IBANs are
:mod:`~veil.pii.recognizers.finance`'s.
"""

from __future__ import annotations

from stdnum.us import rtn

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import NUM, NUM_END, digits_only, not_repetitive, terms
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["bank_account", "bank_routing", "is_account_number", "is_bank_routing"]


def is_bank_routing(text: str) -> bool:
    digits = digits_only(text)
    return not_repetitive(digits) and bool(rtn.is_valid(digits))


def bank_routing() -> Recognizer:
    return Recognizer(
        name="bank_routing",
        entity_type=EntityType.BANK_ROUTING,
        patterns=(
            Pattern(rf"{NUM}\d{{8}}{NUM_END}", 0.2, "plain"),
            Pattern(rf"{NUM}\d{{3}}-\d{{4}}-\d{NUM_END}", 0.2, "dashed"),
        ),
        validate=is_bank_routing,
        context=terms(
            "routing|routing number|routing no|aba|aba number|rtn|transit number|routing transit|ach"
        ),
        context_boost=0.5,
        negative_context=terms("order|invoice|tracking|phone|tel|fax|ssn|social security"),
    )


_ACCOUNT_LABELS = terms(
    "account number|account no|account #|acct|acct no|acct #|a/c|a/c no|bank account|checking account"
    "|savings account|account|kontonummer|konto|kontonr|numéro de compte|n° de compte|compte|número de cuenta"
    "|cuenta|conto corrente|numero di conto|rekeningnummer|sort code"
)
_ACCOUNT_VALUE = r"\d{2}-\d{2}-\d{2}[ ,]+\d{8}|\d{6,17}|\d{2,6}(?:[- ]\d{2,8}){1,3}"


def is_account_number(text: str) -> bool:
    """6-17 digits (a sort code and account together up to 14), not one repeated digit."""
    digits = digits_only(text)
    return 6 <= len(digits) <= 17 and not_repetitive(digits)


def bank_account() -> Recognizer:
    return Recognizer(
        name="bank_account",
        entity_type=EntityType.BANK_ACCOUNT,
        finder=LabelledValue(
            _ACCOUNT_LABELS, _ACCOUNT_VALUE, score=0.7, reach=32, validate=is_account_number
        ),
    )
