"""A found one-word person grows over the given name right before it that nothing found
(recognizers/person_coreference.py: "On 2 June, Évoste Galmeau was buried" where NER read
"Galmeau"), unless that word is a contraction, a role, a people's word, a common word or part of
a place's name. Names invented from syllables, checked against Veil's lists: the shape decides."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.person_coreference import find_other_mentions

from .invented_names import invented_names


def _derived(text: str, found: str) -> list[tuple[str, float]]:
    start = text.rindex(found)
    resolved: list[Candidate] = [(start, start + len(found), EntityType.PERSON, 0.85, "spacy_person")]
    return [(text[s:e], score) for s, e, score in find_other_mentions(text, resolved)]


@settings(max_examples=40, deadline=None)
@given(
    invented_names(unique=True),
    invented_names(unique=True),
    st.sampled_from(["On 2 June, {} was buried.", "The seat went to {} in May.", "Votes for {} rose."]),
)
def test_a_found_family_name_grows_over_the_given_name_before_it(
    given_name: str, family: str, frame: str
) -> None:
    assume(given_name != family)
    text = frame.format(f"{given_name} {family}")
    assert (f"{given_name} {family}", 0.85) in _derived(text, family)


@pytest.mark.parametrize(
    "before",
    ["It's", "Professor", "Turkish", "Monday", "Uh", "the Grande", "Colonel", "Yesterday"],
)
def test_no_given_name_from_a_contraction_a_role_a_people_or_a_common_word(before: str) -> None:
    text = f"We heard that {before} Varnowik spoke."
    # (a further mention may still join it at 0.6, below the found name: the found name wins)
    assert not any(value.endswith(" Varnowik") and score > 0.6 for value, score in _derived(text, "Varnowik"))


@pytest.mark.parametrize(
    "text", ["Great match! Quenby Varnowik !", "watch @Quenby Varnowik live", "#Quenby Varnowik"]
)
def test_no_given_name_from_a_sentences_first_word_or_a_handle(text: str) -> None:
    # (a further mention may still join it at 0.6, below the found name: the found name wins)
    assert not any(value.endswith(" Varnowik") and score > 0.6 for value, score in _derived(text, "Varnowik"))


@settings(max_examples=40, deadline=None)
@given(invented_names(unique=True), invented_names(unique=True), st.sampled_from("ABFJLQ"))
def test_a_found_name_grows_over_an_initial_before_it(given_name: str, family: str, initial: str) -> None:
    text = f"The group was founded by writer {initial}. {given_name} {family} in 1950."
    assert (f"{initial}. {given_name} {family}", 0.85) in _derived(text, f"{given_name} {family}")


@pytest.mark.parametrize(
    "text",
    [
        "We flew to the U.S. Tarlo Varnowik said so.",  # the end of an abbreviation
        "She lives at C. Tarlo Varnowik 6, Navarra.",  # a street: a house number follows
    ],
)
def test_no_initial_from_an_abbreviation_or_a_street(text: str) -> None:
    assert not any(value.endswith(". Tarlo Varnowik") for value, _ in _derived(text, "Tarlo Varnowik"))


@settings(max_examples=40, deadline=None)
@given(
    invented_names(unique=True),
    invented_names(unique=True),
    st.sampled_from(["Ben", "Al", "Van", "De", "El"]),
)
def test_a_found_name_that_starts_with_its_particle_grows_over_the_given_name(
    given_name: str, family: str, particle: str
) -> None:
    text = f"He was injured and replaced by {given_name} {particle} {family} in the first half."
    assert (f"{given_name} {particle} {family}", 0.85) in _derived(text, f"{particle} {family}")


def test_a_planet_or_a_pet_is_no_source() -> None:
    text = "Natal Saturn meets Venus. My dog s name is Bramble and Bramble barks."
    resolved: list[Candidate] = [
        (text.index("Venus"), text.index("Venus") + 5, EntityType.PERSON, 0.85, "person_cue"),
        (text.index("Bramble"), text.index("Bramble") + 7, EntityType.PERSON, 0.85, "person_cue"),
    ]
    assert list(find_other_mentions(text, resolved)) == []
