"""An acronym a text defines for a body ("the Harlow Rowing Association (HRA)") names that body
wherever the text writes it; a term's acronym ("Adaptive Gain Control (AGC)"), an acronym the
text never defines and one that is a form's field are no organisation."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.acronym_definitions import body_acronyms


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in body_acronyms(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Harlow Rowing Association (HRA) met on Monday. Later the HRA voted to close.",
            ["HRA", "HRA"],
        ),
        (
            "Grants came from the Baltic Marine Agency (BMA); BMA staff visited twice.",
            ["BMA", "BMA"],
        ),
        ("Voters backed the Green Valley Party (GVP), and GVP's leader spoke.", ["GVP", "GVP"]),
    ],
)
def test_a_defined_acronym_names_the_body_throughout(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Adaptive Gain Control (AGC) loop settles fast; AGC is on by default.",
        "The HRA met on Monday without a definition anywhere.",
        "Jane Doe (JD) signed it; JD left.",
        "Use the Harlow Rowing Association (HRA) as an example of HRAX and xHRA.",
    ],
)
def test_terms_undefined_acronyms_and_longer_words_are_not(text: str) -> None:
    assert [a for a in _found(text) if a != "HRA"] == [] and "HRAX" not in _found(text)


def test_the_engine_types_them_as_organisations() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "She chairs the Kelmor Housing Association (KHA). The KHA owns 40 flats."
    found = [text[e.start : e.end] for e in engine.detect(text) if e.type == "ORGANIZATION"]
    assert found.count("KHA") == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # connectors between the phrase's words spell nothing; the acronym may be quoted
        (
            "She chaired the League for the Defence of Rivers (\u201cLDR\u201d). The LDR sued.",
            ["LDR", "LDR"],
        ),
        ('Funds came from the Ministry of Northern Harbours ("MNH"); MNH paid.', ["MNH", "MNH"]),
        (
            "He joined the Union of Zandian Tin Miners (\u2018UZTM\u2019) in 1990; UZTM struck.",
            ["UZTM", "UZTM"],
        ),
    ],
)
def test_connectors_and_quoted_acronyms(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # initials that do not spell it, and a term's quoted acronym
        "He claimed the Widow\u2019s Pension Grant Scheme (\u201cWPA\u201d); WPA was refused.",
        "Use the Rapid Transfer Protocol for the Data (\u201cRTPD\u201d); RTPD is fast.",
    ],
)
def test_quoted_acronyms_that_name_no_body(text: str) -> None:
    assert _found(text) == []
