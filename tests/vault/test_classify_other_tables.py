"""Column classification of tables nobody here wrote: short notes, and names in other languages.

A new user's first table is rarely the English one the rules were written for: a notes column of
short remarks, one of which holds a phone number; a German, Spanish or Dutch export.
"""

from __future__ import annotations

import pytest

from veil.vault.category import ColumnCategory
from veil.vault.classify import classify_column
from veil.vault.phrases import tokens_of

DIRECT = ColumnCategory.DIRECT_IDENTIFIER
QUASI = ColumnCategory.QUASI_IDENTIFIER
FREE = ColumnCategory.FREE_TEXT


@pytest.mark.parametrize("name", ["note", "notes", "comments", "description"])
def test_short_notes_with_an_identifier_in_a_few_are_free_text(name: str) -> None:
    """A notes column of short remarks, one of which holds a phone number, is masked by detection
    (the number inside the note), not replaced whole as one phone number a cell."""
    values = ["prefers e-mail", "no notes", "call back +44 20 7946 0958 after six", "asked about refund"]
    result = classify_column(name, values)
    assert result.category is FREE
    assert result.reason == f"name contains '{name}'; 1 of 4 sampled values hold phone numbers"
    # where most values are the identifier, the column is one
    assert classify_column(name, ["+44 20 7946 0958", "+44 20 7946 0959", "no notes"]).category is DIRECT


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nachname", DIRECT),
        ("Straße", DIRECT),
        ("apellidos", DIRECT),
        ("teléfono", DIRECT),
        ("prénom", DIRECT),
        ("cognome", DIRECT),
        ("achternaam", DIRECT),
        ("PLZ", QUASI),
        ("fecha_nacimiento", QUASI),
        ("Geburtsdatum", QUASI),
        ("woonplaats", QUASI),
        ("Bemerkung", FREE),
        ("observações", FREE),
    ],
)
def test_column_names_in_other_languages(name: str, expected: ColumnCategory) -> None:
    """A table exported in German, French, Spanish, Italian, Dutch or Portuguese is read by its
    column names as an English one is, accents and the sharp s folded (values say nothing here)."""
    assert classify_column(name, ["x1", "x2", "x3"]).category is expected


def test_folding_accents_keeps_english_names_as_they_were() -> None:
    assert tokens_of("dateOfBirth") == ("date", "of", "birth")
    assert tokens_of("Straße_Nr") == ("strasse", "nr")
    assert tokens_of("e-mail") == ("e", "mail")
