"""Vehicle registration plates, after a word that names them.

Plates differ by country and carry no check character ("AB12 CDE", "B-MW 1234", "7ABC123",
"AB-123-CD"), and their shapes are those of any code, so a plate is reported only right
after its label (:class:`~veil.pii.recognizers.labelled.LabelledValue`): "licence plate",
"registration", "Kennzeichen", "immatriculation", "matrícula", "targa"...
"""

from __future__ import annotations

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import terms
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["is_plate", "vehicle_plate"]

_LABELS = terms(
    "license plate|licence plate|number plate|plate number|plate no|plate|plates|registration plate"
    "|vehicle registration|reg no|reg. no|vrn|tag number|kennzeichen|amtliches kennzeichen"
    "|nummernschild|immatriculation|plaque|matrícula|matricula|targa|kenteken|rejestracja"
)
# one to three groups of letters and digits, separated by a space or a dash (at most 10 characters)
_VALUE = r"[A-Z0-9]{1,4}(?:[- ][A-Z0-9]{1,4}){1,2}|[A-Z0-9]{4,8}"


def is_plate(text: str) -> bool:
    """Letters and digits both, 4-10 characters without separators, not a year or a date."""
    compact = text.replace(" ", "").replace("-", "")
    return 4 <= len(compact) <= 10 and any(c.isdigit() for c in compact) and any(c.isalpha() for c in compact)


def vehicle_plate() -> Recognizer:
    return Recognizer(
        name="vehicle_plate",
        entity_type=EntityType.VEHICLE_PLATE,
        finder=LabelledValue(_LABELS, _VALUE, score=0.75, reach=32, validate=is_plate),
    )
