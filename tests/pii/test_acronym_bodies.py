"""An acronym that acts or is joined as a body does is an organisation even where the NER leaves
it untyped; roles, terms, standards, parts of a longer name and a program's prose are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii.recognizers.acronym_bodies import NOT_BODIES, acronym_bodies


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _score in acronym_bodies(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The QRVB said on Monday that the vote would go ahead.", ["QRVB"]),
        ("Hundreds of TNLF followers gathered in the square.", ["TNLF"]),
        ("The PWSA's stance on hedgerows angered farmers.", ["PWSA"]),
        ("She is a member of KVMT and sings in its choir.", ["KVMT"]),
        ("Tom Ashby of the DLP was re-elected.", ["DLP"]),
        ("Last year she became a member of the KVMT.", ["KVMT"]),  # a full stop ends the sentence
        ("Funds came from supporters of the TNLF. Few gave more.", ["TNLF"]),
    ],
)
def test_acronym_bodies_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The CEO said the DNA's structure was known, and the PM announced a review.",  # roles, terms
        "The value is encoded according to RFC 2231.",  # a standard
        "Points are scored according to the LOF score.",  # a term as a modifier
        "The president of QRVB, Inc. called us; SJMC & PLKT students came too.",  # a longer name
        "THE QRVB SAID NO TO ALL OF IT",  # capitals throughout
        "The API said the callback returns; the parameter of the QRVB parser is a string.",  # program prose
        "The QRVB is a small village fund.",  # no cue
        "Read the rules of QRVB.com and ask the members of QRVB.org first.",  # a domain
    ],
)
def test_acronym_bodies_not_found(text: str) -> None:
    assert _found(text) == []


@given(st.sampled_from(sorted(NOT_BODIES)))
def test_no_role_or_term_is_a_body(word: str) -> None:
    assert _found(f"The {word} said on Monday that members of the {word} agreed.") == []
