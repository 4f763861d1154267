"""What the PII engine finds: typed spans of text, as plain data.

An :class:`Entity` carries offsets, never the matched text, so that results can be
logged, counted and sent to the audit log without carrying personal data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Entity", "EntityType"]


class EntityType(StrEnum):
    PERSON = "PERSON"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    CREDIT_CARD = "CREDIT_CARD"
    IBAN_CODE = "IBAN_CODE"
    US_SSN = "US_SSN"
    IP_ADDRESS = "IP_ADDRESS"
    MAC_ADDRESS = "MAC_ADDRESS"
    DATE_TIME = "DATE_TIME"
    LOCATION = "LOCATION"
    URL = "URL"
    ORGANIZATION = "ORGANIZATION"
    UK_NINO = "UK_NINO"
    UK_NHS = "UK_NHS"
    DE_ID = "DE_ID"  # German tax id (Steuer-IdNr) / ID card number
    FR_NIR = "FR_NIR"  # French social security number (INSEE)
    ES_NIF = "ES_NIF"  # Spanish DNI/NIE
    IT_FISCAL_CODE = "IT_FISCAL_CODE"


@dataclass(frozen=True, slots=True, order=True)
class Entity:
    """A detected span ``text[start:end]`` of ``type`` (a string: users add their own types)."""

    start: int
    end: int
    type: str
    score: float
    recognizer: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError("an entity needs 0 <= start < end")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
