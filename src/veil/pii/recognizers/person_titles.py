"""A person's name after a title: "Dr. Jane Smith", "Mrs O'Neil", "Herr Müller", "Mr KOWALSKI" (0.85)."""

from __future__ import annotations

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import words
from veil.pii.recognizers.name_patterns import CAPS_NAME, TITLED_NAME
from veil.pii.recognizers.name_plausibility import is_plausible_titled_name
from veil.pii.recognizers.person_words import TITLES

__all__ = ["person_titles"]


def person_titles() -> Recognizer:
    titles = words(tuple(TITLES))
    return Recognizer(
        name="person_title",
        entity_type=EntityType.PERSON,
        patterns=(
            Pattern(rf"{titles}\.?[ \t]+(?P<pii>{TITLED_NAME})(?!\w)", 0.85, "title"),
            # a family name in capitals, as judgments and forms write it: "Mr KOWALSKI", "Ms DE LUCA"
            Pattern(
                rf"{words(('Mr', 'Mrs', 'Ms', 'Mx', 'Miss'))}\.?[ \t]+(?P<pii>{CAPS_NAME})"
                r"(?!(?!['\u2019]s\b)[\w'\u2019-])",
                0.85,
                "caps",
            ),
        ),
        validate=is_plausible_titled_name,
    )
