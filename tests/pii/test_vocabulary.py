"""Ordinary English words (veil.pii.vocabulary): inflections and British spellings read back to
the vocabulary's base forms; names, places and family names made of first names are no ordinary
words. Words here are made up or common English; none comes from a corpus.
"""

from __future__ import annotations

import pytest

from veil.pii.data import ENGLISH_WORDS, load_list
from veil.pii.vocabulary import is_language_name, is_ordinary_word, known_names


@pytest.mark.parametrize(
    "word",
    ["Listing", "Published", "Pleasures", "Mapped", "Running", "Studies", "Wolves", "Quietly", "Weekly"],
)
def test_inflected_forms_of_ordinary_words_are_ordinary(word: str) -> None:
    assert is_ordinary_word(word) and is_ordinary_word(word.lower())


@pytest.mark.parametrize("word", ["Rose", "Mark", "Grace", "Jordan", "Paris", "Heather", "Florence"])
def test_names_and_places_that_are_also_words_are_not_ordinary(word: str) -> None:
    assert not is_ordinary_word(word)


@pytest.mark.parametrize("word", ["Peters", "Williams", "Edwards", "Roberts"])
def test_a_family_name_made_of_a_first_name_is_not_ordinary(word: str) -> None:
    assert not is_ordinary_word(word)


@pytest.mark.parametrize("word", ["Kowalczyk", "Okonkwo", "Szabó", "", "x1", "co-op"])
def test_unknown_words_codes_and_empty_strings_are_not_ordinary(word: str) -> None:
    assert not is_ordinary_word(word)


def test_the_vocabulary_holds_no_capitalised_entry_and_no_inflected_duplicates_of_names() -> None:
    words = load_list(ENGLISH_WORDS)
    assert len(words) > 40_000
    assert all(w.islower() and w.isalpha() for w in words)
    # web2 writes proper nouns capitalised: none of these is in the lower-case list
    assert not {"john", "paris", "london", "germany", "microsoft"} & words


@pytest.mark.parametrize("word", ["Harbours", "Colourful", "Organised", "Centre", "Defence"])
def test_british_spellings_are_read_as_the_american_base_forms(word: str) -> None:
    assert is_ordinary_word(word)


def test_known_names_hold_first_names_places_and_countries_as_written() -> None:
    names = known_names()
    assert {"Rose", "Paris"} <= names and "rose" not in names


def test_language_names_never_hold_a_known_name_a_family_name_or_a_word() -> None:
    from veil.pii.data import LAST_NAMES
    from veil.pii.vocabulary import _language_names

    languages = _language_names()
    assert {"Fortran", "Haskell", "Kotlin", "YAML"} <= languages
    family = load_list(LAST_NAMES)
    assert not languages & known_names() and not languages & family
    assert not [w for w in languages if is_ordinary_word(w)]
    assert is_language_name("Fortran") and not is_language_name("Julia") and not is_language_name("Ruby")
