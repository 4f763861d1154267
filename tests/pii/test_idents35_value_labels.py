"""Value labels of another identifier's kind (value_labels.py): a record labels a number with a
word of its own country or of a neighbouring kind ("nif:" before a Portuguese VAT number, "ssn:"
before a Swedish personnummer); the word is still a label, not a person, when the value after it
is an identifier of any kind. A two-word name before the value keeps its person."""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine


def people(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@pytest.mark.parametrize(
    "text",
    [
        "cliente:\n  nome: Joana Prates\n  nif: 232013969\n  idioma: pt",
        "Kunde: Lars Ek\nssn: 811218-9876\nsprak: sv",
        "record 7\nssn: 070761-4285\nstatus: open",
    ],
)
def test_a_label_word_of_another_identifier_is_not_a_person(pii_engine: PiiEngine, text: str) -> None:
    found = people(pii_engine, text)
    assert not any(name.lower() in ("nif", "ssn", "dni") for name in found), (text, found)


def test_a_two_word_name_before_a_number_keeps_its_person(pii_engine: PiiEngine) -> None:
    text = "Nino Rossi: 232013969"
    assert "Nino Rossi" in people(pii_engine, text)
