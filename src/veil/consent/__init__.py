"""Purposes and the consent ledger."""

from veil.consent.ledger import (
    ConsentAction,
    ConsentEvent,
    ConsentImportResult,
    ConsentLedger,
    consenting_subjects,
    derive_state,
)
from veil.consent.purpose import LawfulBasis, Purpose, PurposeRegistry

__all__ = [
    "ConsentAction",
    "ConsentEvent",
    "ConsentImportResult",
    "ConsentLedger",
    "LawfulBasis",
    "Purpose",
    "PurposeRegistry",
    "consenting_subjects",
    "derive_state",
]
