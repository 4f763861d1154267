"""spaCy's PERSON spans (0.85) that look like names (:func:`is_plausible_ner_person`)."""

from __future__ import annotations

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.name_plausibility import is_plausible_ner_person

__all__ = ["spacy_person"]


def spacy_person() -> Recognizer:
    return Recognizer(
        name="spacy_person",
        entity_type=EntityType.PERSON,
        ner_labels=("PERSON",),
        ner_score=0.85,
        validate=is_plausible_ner_person,
    )
