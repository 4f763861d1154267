"""What is not a person, a place or an organisation: headings, acronyms, labels in other
languages, secrets and products; and NER labels corrected by the gazetteers.

Sentences written for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.focus import NerFocus, ner_view
from veil.pii.recognizers.ner_types import is_firm_by_suffix, is_known_place, is_person_by_gazetteer
from veil.pii.recognizers.persons import is_plausible_ner_person

T = EntityType
NAMES = {T.PERSON, T.LOCATION, T.ORGANIZATION}


def named(engine: PiiEngine, text: str) -> set[tuple[str, str]]:
    return {(e.type, text[e.start : e.end]) for e in engine.detect(text) if e.type in NAMES}


@pytest.mark.parametrize(
    "text",
    [
        "Robustness and Calibration\n\nWe compared the three models on held-out data.",
        "## Limitations of the Study\nThe sample was small.",
        "3.2 Training Details\nThe learning rate was lowered twice.",
        "Background\n\nRisk Assessment for Outdoor Events\n\nThe venue has two exits.",
    ],
)
def test_headings_are_not_names(pii_engine: PiiEngine, text: str) -> None:
    assert named(pii_engine, text) == set()


def test_a_heading_line_is_not_read_by_ner_but_a_signature_is() -> None:
    text = "Privacy and Security\n\nBest wishes,\nHelga Sørensen"
    view = ner_view(text, [], NerFocus())
    assert "Privacy" not in view and "Security" not in view
    assert "Helga Sørensen" in view


@pytest.mark.parametrize(
    ("text", "not_a_name"),
    [
        ("AI will change how clinics triage patients.", "AI"),
        ("Meine Steuer-ID steht auf dem Bescheid.", "Meine Steuer-ID"),
        ("Ihre Kunden-Nr finden Sie oben.", "Ihre Kunden-Nr"),
    ],
)
def test_acronyms_and_labels_are_not_people_or_places(
    pii_engine: PiiEngine, text: str, not_a_name: str
) -> None:
    found = named(pii_engine, text)
    assert (T.PERSON, not_a_name) not in found and (T.LOCATION, not_a_name) not in found


def test_a_firm_named_like_a_person_is_a_firm() -> None:
    assert is_firm_by_suffix("Quorvex AI") and is_firm_by_suffix("Halvard Labs")
    assert not is_firm_by_suffix("AI") and not is_firm_by_suffix("Maria Lopez")
    assert not is_plausible_ner_person("Quorvex AI")
    assert is_plausible_ner_person("Amara Nwosu") and is_plausible_ner_person("J.R. Tolkien")


def test_gazetteer_evidence_retypes_ner_labels() -> None:
    assert is_person_by_gazetteer("Fatima") and is_person_by_gazetteer("Fatima Zahra")
    assert not is_person_by_gazetteer("Berlin") and not is_person_by_gazetteer("Acme Systems")
    assert is_known_place("Portugal") and not is_known_place("Fatima Zahra")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("My password is Bluefinch and the PIN is in the safe.", "Bluefinch"),
        ("The wifi passphrase is Marigold, please keep it private.", "Marigold"),
    ],
)
def test_passwords_are_not_organisations(pii_engine: PiiEngine, text: str, secret: str) -> None:
    assert (T.ORGANIZATION, secret) not in named(pii_engine, text)


def test_a_town_in_an_address_is_part_of_the_place(pii_engine: PiiEngine) -> None:
    text = "Ship to 14 Alder Close, Reading RG1 4QP, United Kingdom"
    found = named(pii_engine, text)
    assert (T.LOCATION, "14 Alder Close, Reading RG1 4QP, United Kingdom") in found
    assert not any(kind in (T.PERSON, T.ORGANIZATION) for kind, _ in found)
