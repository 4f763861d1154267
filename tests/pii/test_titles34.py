"""Forms of address of other languages before a name, as notes and letters write them.

A note taken in Madrid, Rome, Amsterdam or Paris names people after "sr.", "sig.", "mevrouw",
"Dhr.", "Monsieur", often in lower case inside a sentence; the name after them is a person as
after "Mr" (and the form of address stays outside the span, as "Mr" does).
"""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hablé ayer con el sr. Quiroga Lemus sobre la factura", "Quiroga Lemus"),
        ("la sra. Vilanova llamó dos veces", "Vilanova"),
        ("ho parlato con il sig. Brambilla stamattina", "Brambilla"),
        ("la signora Tedeschi ha chiamato", "Tedeschi"),
        ("gesprek gehad met mevrouw Oosterhuis over de levering", "Oosterhuis"),
        ("Dhr. Van Loon belt morgen terug", "Van Loon"),
        ("Monsieur Bréval a rappelé ce matin", "Bréval"),
        ("j'ai vu madame Faucheux hier", "Faucheux"),
    ],
)
def test_a_name_after_a_form_of_address_of_another_language(engine: PiiEngine, text: str, name: str) -> None:
    start = text.index(name)
    found = [(e.start, e.end) for e in engine.detect(text) if e.type == "PERSON"]
    assert any(s <= start and e >= start + len(name) for s, e in found), (text, found)


@pytest.mark.parametrize("text", ["a 50 mw Wind Farm was built", "the sr Engineer role"])
def test_words_that_only_look_like_forms_of_address(engine: PiiEngine, text: str) -> None:
    assert not any(e.type == "PERSON" for e in engine.detect(text)), text
