"""spaCy's PERSON spans (0.85) that look like names (:func:`is_plausible_ner_person`) and are no
role, office or relative on its own ("Dad", "Taoiseach", "Coach": :func:`~.role_words.is_role_word`)
and no brand, app or platform alone ("Vimeo", "Netflix": :func:`~.brand_words.is_brand`; brands
that are common given names, "Alexa", "Tiffany", are no brands there)."""

from __future__ import annotations

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.brand_words import is_brand
from veil.pii.recognizers.name_plausibility import is_plausible_ner_person
from veil.pii.recognizers.role_words import is_role_word

__all__ = ["is_ner_person", "spacy_person"]


def is_ner_person(text: str) -> bool:
    """An NER PERSON span that names someone: a plausible name, and no role word or brand alone."""
    return is_plausible_ner_person(text) and not is_role_word(text) and not is_brand(text)


def spacy_person() -> Recognizer:
    return Recognizer(
        name="spacy_person",
        entity_type=EntityType.PERSON,
        ner_labels=("PERSON",),
        ner_score=0.85,
        validate=is_ner_person,
    )
