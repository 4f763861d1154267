"""A role, an office or a relative on its own is no person: social posts capitalise "Dad",
"Grandma", "Coach" or "Taoiseach" as they would a name, and spaCy's small model types the word
PERSON. Before a name the same word is a title, and the name stays.

Written from the failure class "a lone kinship or office word typed PERSON"; the sentences are
invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.data import LAST_NAMES, load_words
from veil.pii.recognizers.person_ner import is_ner_person
from veil.pii.recognizers.role_words import _roles, is_role_word

T = EntityType


def _people(engine: PiiEngine, text: str) -> set[str]:
    return {text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON}


@pytest.mark.parametrize(
    "word",
    ["Dad", "Grandma", "Grandma's", "Nana!", "Coach", "Taoiseach", "Senator", "Mayor", "Gov", "Auntie"],
)
def test_a_lone_role_or_relative_is_a_role_word(word: str) -> None:
    assert is_role_word(word)
    assert not is_ner_person(word)


@pytest.mark.parametrize("word", ["King", "Bishop", "Judge", "Marshal", "Brandt", "Orla", "Grandma Odile"])
def test_family_names_that_are_roles_and_longer_spans_are_left_to_the_other_rules(word: str) -> None:
    assert not is_role_word(word)


def test_a_name_after_a_role_word_is_still_a_plausible_person() -> None:
    assert is_ner_person("Orla Brandt")
    assert not is_role_word("Uncle Teodor")


@given(st.sampled_from(sorted(load_words(LAST_NAMES))))
@settings(max_examples=200, deadline=None)
def test_no_family_name_is_a_role_word(name: str) -> None:
    assert not is_role_word(name)


@given(st.sampled_from(sorted(_roles())), st.sampled_from(["", "'s", "\u2019s", "!", ","]))
@settings(max_examples=120, deadline=None)
def test_a_role_word_stays_one_with_a_possessive_or_punctuation(word: str, tail: str) -> None:
    assert is_role_word(word + tail)
    assert not is_ner_person(word + tail)


@pytest.mark.parametrize(
    "text",
    [
        "Happy birthday Dad , thanks for everything today",
        "Big upset to Taoiseach 's plans for the reshuffle",
        "Grandma finally learned to send pictures lol",
        "Coach was not happy with that second half at all",
    ],
)
def test_posts_naming_only_a_role_hold_no_person(pii_engine: PiiEngine, text: str) -> None:
    assert _people(pii_engine, text) == set()


def test_a_titled_name_in_a_post_is_still_found(pii_engine: PiiEngine) -> None:
    text = "Great chat with Senator Maribel Quist about the new bridge"
    assert any("Maribel Quist" in p for p in _people(pii_engine, text))
