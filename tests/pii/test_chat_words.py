"""Chat slang, laughter and stretched words are no names: spaCy's small model types "Pls
Subscribe", "Hahaha" or "LMAO" as a person in comments and chat, and a rule may take a
capitalised "Lol" for the first half of a name ("Lol Megan").

Written from the failure class "words of online chat typed PERSON"; the sentences are invented
here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.data import FIRST_NAMES, LAST_NAMES, load_words
from veil.pii.recognizers.chat_words import CHAT_WORDS, has_chat_word, is_chat_word, is_laughter
from veil.pii.recognizers.name_plausibility import is_plausible_name, is_plausible_ner_person

T = EntityType


def _people(engine: PiiEngine, text: str) -> set[str]:
    return {text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON}


@pytest.mark.parametrize(
    "word",
    ["hahaha", "HAHAHAHA", "Hehehehe", "lolololol", "Kekekekeke", "KEKEKEKEKKEKE", "Nooooooo", "aaaaaah"],
)
def test_laughter_and_stretched_words(word: str) -> None:
    assert is_laughter(word)
    assert is_chat_word(word)


@pytest.mark.parametrize(
    "name", ["Hannah", "Lulu", "Anna", "Bubba", "Aaron", "Otto", "Barbara", "Mimi", "Nanna"]
)
def test_names_with_repeated_letters_are_no_laughter(name: str) -> None:
    assert not is_laughter(name)
    assert not is_chat_word(name)


def test_no_known_name_is_a_chat_word() -> None:
    names = load_words(FIRST_NAMES) | load_words(LAST_NAMES)
    assert not [n for n in names if is_chat_word(n)]


@given(st.sampled_from(sorted(CHAT_WORDS)), st.sampled_from(["lower", "upper", "title"]))
@settings(max_examples=60, deadline=None)
def test_chat_words_in_any_case_are_no_person(word: str, case: str) -> None:
    written = getattr(word, case)()
    assert is_chat_word(written + "!")
    assert has_chat_word(f"{written} Tuesday")
    assert not is_plausible_ner_person(f"{written.title()} Brandt")


@pytest.mark.parametrize("text", ["Pls Subscribe", "Hahaha", "Omg Yesss Kekeke", "Lmao Dave"])
def test_the_ner_validator_refuses_spans_with_chat_words(text: str) -> None:
    assert not is_plausible_ner_person(text)


def test_after_a_title_a_repeated_syllable_may_be_a_family_name() -> None:
    # a title is stronger evidence than NER's guess: "Mr Kakaka" stays a name for the rules
    assert is_plausible_name("Kakaka")
    assert not is_plausible_ner_person("Kakaka")


@pytest.mark.parametrize(
    "text",
    [
        "Pls Subscribe for more clips like this",
        "Plz Subscribe and hit the bell",
        "Sooooo Good Tho",
        "Hahaha that ending got me",
    ],
)
def test_chat_lines_hold_no_person(pii_engine: PiiEngine, text: str) -> None:
    assert _people(pii_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hahaha Dave is so right about that", "Dave"),
        ("Lol Megan was not ready for that jump", "Megan"),
    ],
)
def test_a_name_after_laughter_stands_alone(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(pii_engine, text)


@pytest.mark.parametrize("text", ["I'm", "You're", "They'll", "Don't Panic", "It's Done"])
def test_a_contraction_is_no_name(text: str) -> None:
    assert not is_plausible_name(text)


@pytest.mark.parametrize("text", ["D'Angelo", "Shaquille O'Neal", "Aoife O'Brien"])
def test_an_apostrophe_in_a_name_stays(text: str) -> None:
    assert is_plausible_name(text)


def test_a_titled_family_name_of_repeated_syllables(pii_engine: PiiEngine) -> None:
    text = "The Court heard Mr van der Lololo on the second day."
    assert "van der Lololo" in _people(pii_engine, text)


@pytest.mark.parametrize("text", ["Ye Yea", "Rih Yea", "Yeah Bronwen", "Duh", "Chur Bro", "Derp Kessler"])
def test_interjections_of_agreement_and_scorn_make_no_person(text: str) -> None:
    # "Yea I'm talking Ye Yea": a chant of agreement; "Chur": thanks in New Zealand chat
    assert has_chat_word(text)
    assert not is_plausible_ner_person(text)


@pytest.mark.parametrize("word", ["Yeats", "Yeager", "Duhamel", "Churchill"])
def test_names_that_start_like_an_interjection_stay_names(word: str) -> None:
    assert not is_chat_word(word)
