"""NER spans retyped by what the gazetteers say: a known place, a former state or a region read
by the model as an organisation, a person or a people's adjective is a place."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.ner_types import is_known_place, spacy_location_retyped


@pytest.mark.parametrize(
    "text", ["Soviet Union", "Yugoslavia", "Crimea", "Siberia", "Gaul", "Ottoman Empire"]
)
def test_former_states_and_regions_are_known_places(text: str) -> None:
    assert is_known_place(text)


@pytest.mark.parametrize("text", ["Soviet", "Roman", "Baltic", "Union", "Empire"])
def test_adjectives_and_parts_of_such_names_are_not(text: str) -> None:
    assert not is_known_place(text)


def test_a_people_adjective_span_may_be_retyped_as_a_place() -> None:
    assert "NORP" in spacy_location_retyped().ner_labels
