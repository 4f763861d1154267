"""Institutions named head first in a Romance or Germanic language are organisations
(veil.pii.recognizers.foreign_bodies, read by the organisation recognizers).

Written from the failure class "foreign universities, institutes and laboratories in affiliations
and news": the small English model read their words as persons and places. Every sentence here
is invented for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.foreign_bodies import foreign_bodies


def found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in foreign_bodies(text)]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "Marta Lindqvist, Universidade Estadual de Porto Verde, Brazil",
            "Universidade Estadual de Porto Verde",
        ),
        ("He taught at the Università di Valdoria for ten years.", "Università di Valdoria"),
        ("The Instituto Menardi runs a summer school.", "Instituto Menardi"),
        ("Samples went to the Laboratorio de Suelos Andinos in May.", "Laboratorio de Suelos Andinos"),
        ("She trained at the Conservatoire de Montbrelle.", "Conservatoire de Montbrelle"),
        ("A grant from the Fondazione Ricci d'Arte paid for it.", "Fondazione Ricci d'Arte"),
        ("The Hochschule für Musik Kelling admitted him.", "Hochschule für Musik Kelling"),
        ("Officials of the Ministerio de Obras Públicas declined.", "Ministerio de Obras Públicas"),
    ],
)
def test_a_foreign_institution_named_head_first_is_found_whole(text: str, body: str) -> None:
    assert found(text) == [body]


@pytest.mark.parametrize(
    "text",
    [
        "Centro is the Spanish word for centre.",  # the head alone
        "The menu says museo, banco and escuela in small letters.",  # lower case
        "We walked to the centro de la ciudad after dinner.",
        "Banco de",  # a particle ends no name
    ],
)
def test_a_head_without_a_capitalised_name_after_it_is_no_institution(text: str) -> None:
    assert found(text) == []


def test_the_engine_reports_a_foreign_institution_as_an_organisation(pii_engine: PiiEngine) -> None:
    text = "Dr. Ilse Varga moved to the Universidade Federal de Porto Verde last year."
    bodies = [text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.ORGANIZATION]
    assert "Universidade Federal de Porto Verde" in bodies
