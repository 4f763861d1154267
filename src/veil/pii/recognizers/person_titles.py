"""A person's name after a title: "Dr. Jane Smith", "Mrs O'Neil", "Herr Müller", "Mr KOWALSKI" (0.85).

A judge's style keeps "Justice" with the name: "Lord Justice Simon Brown", "Mr Justice Okafor",
"Mrs Justice Hale" are written and cited so, and the name is "Justice Okafor" (0.95: above the
name alone, after the title "Justice" or known to the gazetteer with its context).
"""

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
    styles = words(("Lord", "Lady", "Mr", "Mrs", "Ms"))
    return Recognizer(
        name="person_title",
        entity_type=EntityType.PERSON,
        patterns=(
            Pattern(rf"{titles}\.?[ \t]+(?P<pii>{TITLED_NAME})(?!\w)", 0.85, "title"),
            Pattern(rf"{styles}\.?[ \t]+(?P<pii>Justice[ \t]+{TITLED_NAME})(?!\w)", 0.95, "judge_style"),
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
