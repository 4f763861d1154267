"""Names in comments and tweets: addressed at a sentence's tail ("Great run, Tobin!"), named as the
writer's companion ("Marisha and I", "you and Desta"), signing a one-line comment ("Thanks, - Damaris");
and chat's dropped final g ("sayin", "doin"), which names no one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.chat_words import is_chat_word, is_dropped_g
from veil.pii.recognizers.first_names import FirstNameFinder
from veil.pii.recognizers.person_context import PersonContextFinder
from veil.pii.recognizers.person_vocatives import vocative_names


def _vocatives(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in vocative_names(text)]


def _context(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in PersonContextFinder()(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nice parking , Tobin ! ! !", ["Tobin"]),
        ("Where did you park the van , Marisha ?", ["Marisha"]),
        ("Great run, Tobin Marr!", ["Tobin Marr"]),
        ("Thank you for the recipe, Quillan.", ["Quillan"]),
        ("We thank you, Sheikh Quillan.", ["Quillan"]),
        ("Quillan , do you still post here?", ["Quillan"]),
    ],
)
def test_names_addressed_at_a_sentence_tail_are_found(text: str, expected: list[str]) -> None:
    assert _vocatives(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It was built in Paris, France.",
        "We love you, Google!",
        "It was designed by his chief engineer, Tobin Marr. The hall opened later.",
        "Varnow, Tobin and Quenby, Marisha. A history of the valley.",
        "Great, Doctor!",
        "I had tea, Coffee and cake.",
        "It works, Yes.",
    ],
)
def test_tail_words_that_address_no_one_are_not_names(text: str) -> None:
    assert _vocatives(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tobin and I went to the lake", ["Tobin"]),
        ("it was great meeting you and Desta at the show", ["Desta"]),
        ("me and Tobin went to the match", ["Tobin"]),
        ("Great tips, thanks , - Damaris", ["Damaris"]),
        ("Soup is ready ( almost ) - Tobin", ["Tobin"]),
    ],
)
def test_companions_and_one_line_signatures_are_found(text: str, expected: list[str]) -> None:
    assert _context(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "you and Google are friends",
        "Thanks for nothing - Microsoft",
        "Pages 3 - 5. - Index",
        "God and I talk",
    ],
)
def test_companions_that_are_no_people_are_not_found(text: str) -> None:
    assert _context(text) == []


@pytest.mark.parametrize("word", ["sayin", "doin", "goin", "nothin", "somethin", "gettin", "comin"])
def test_a_dropped_final_g_is_a_chat_word(word: str) -> None:
    assert is_dropped_g(word)
    assert is_chat_word(word)


@pytest.mark.parametrize("word", ["martin", "justin", "darin", "kevin", "robin", "cabin", "begin", "Sayin"])
def test_names_and_words_ending_in_in_are_no_dropped_g(word: str) -> None:
    assert not is_dropped_g(word)


@settings(max_examples=60)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_only_lower_case_words_ending_in_in_drop_a_g(word: str) -> None:
    if is_dropped_g(word):
        assert word.endswith("in") and len(word) >= 4
    assert not is_dropped_g(word.capitalize() + "in")


def test_a_storm_named_like_a_person_is_no_first_name() -> None:
    text = "Hurricane Rita grew stronger overnight. Forecasters said Rita could reach the coast by Friday."
    assert [text[a:b] for a, b, _ in FirstNameFinder()(text)] == []


@pytest.mark.parametrize(
    "unit", ["Tobin and I ", "you and Desta ", "Nice run, Tobin! ", "Thanks, - Tobin. ", "Desta is so cute "]
)
def test_new_patterns_stay_linear_on_hostile_repeats(unit: str) -> None:
    text = unit * 2000  # a trigger repeated: every finder reads it once
    assert isinstance(_context(text), list)
    assert isinstance(_vocatives(text), list)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Desta is so cute in this one", ["Desta"]),
        ("Marisha is obsessed", ["Marisha"]),
        ("Tobin looks so tired here", ["Tobin"]),
        ("I swear Quillan laughs at everything", ["Quillan"]),
        ("Quillan is a good guy", ["Quillan"]),
    ],
)
def test_what_a_comment_says_of_a_person_names_one(text: str, expected: list[str]) -> None:
    assert _context(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Python is a good language", "Paris is so cute", "The Pixel is cute", "Netflix is so obsessed with ads"],
)
def test_what_is_said_of_things_names_no_one(text: str) -> None:
    assert _context(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks for the recipe . Much love Quillan", ["Quillan"]),
        ("Great video. Cheers, Quillan !", ["Quillan"]),
        ("I love Python", []),
        ("Watch it tonight. Love Actually", []),
    ],
)
def test_a_closing_at_a_comment_end_signs_a_name(text: str, expected: list[str]) -> None:
    assert _context(text) == expected
