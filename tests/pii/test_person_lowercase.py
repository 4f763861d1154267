"""Names in lower case where the writer capitalises no name: a text with no capital at all, or one
whose only capitals open its sentences, stand in "I" or in a word in capitals ("LOL"). In the
second kind only a known given name of five letters or more counts ("simon", not "max").

Written from the failure class "lower-case names in comments that capitalise sentences only"; the
sentences are invented here.
"""

from __future__ import annotations

import pytest

from veil.pii.recognizers.person_context import PersonContextFinder
from veil.pii.recognizers.person_lowercase import is_sentence_cased, lower_case_text_names

_FINDER = PersonContextFinder()


def _names(text: str) -> set[str]:
    return {text[s:e] for s, e, _ in lower_case_text_names(text, _FINDER._known_lower)}


@pytest.mark.parametrize(
    "text",
    [
        "Did you see how fast marcus ran yesterday",
        "I think so. Honestly marcus was right",
        "LOL marcus ! ! ! Best one yet",
        "Omg 😂 Cant stop watching marcus",
        "I'm sure marcus knew",
    ],
)
def test_sentence_cased(text: str) -> None:
    assert is_sentence_cased(text)


@pytest.mark.parametrize(
    "text",
    [
        "Did you see the new Honda marcus bought",
        "we met Marcus",
        "no capital at all here",
        "Ask iPhone users",
    ],
)
def test_not_sentence_cased(text: str) -> None:
    assert not is_sentence_cased(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Did you see how fast marcus ran yesterday", "marcus"),
        ("I think natalie was right about that", "natalie"),
        ("Honestly jessica nailed it. Best episode so far", "jessica"),
        ("wow bertram and kaite again", "bertram"),
    ],
)
def test_a_known_given_name_in_lower_case(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "Did you see the new Honda natalie bought",  # a capital mid-sentence: words are words
        "Did max try the new build",  # a short given name in lower case is as often a word
        "We flew to sydney last week",  # a place
        "I think the english fans were loud",  # a people
        "Did anyone else hear the hahaha at the end",
    ],
)
def test_no_name_where_capitals_or_the_word_say_otherwise(text: str) -> None:
    assert _names(text) == set()


def test_an_email_address_in_lower_case_is_no_name() -> None:
    assert _names("write to natalie.brandt@example.org for help") == set()


@pytest.mark.parametrize("text", ["i grew up in london and moved away", "the trains in madrid are great"])
def test_a_place_that_is_no_given_name_is_no_person(text: str) -> None:
    assert _names(text) == set()


def test_sentence_case_is_judged_in_linear_time() -> None:
    # a long word before a capital: a regex for "a word with a capital" would rescan it per letter
    text = "a" * 200_000 + " B"
    assert not is_sentence_cased(text)


@pytest.mark.parametrize(
    "text",
    [
        "the bound is \\marcus over all x in the set",
        "we take :math:`marcus_x f(x)` over the grid",
        "then call `marcus(values)` on the rows",
        "read it with marcus.load and keep the rest",
    ],
)
def test_a_name_written_as_tex_or_code_is_no_lower_case_name(text: str) -> None:
    assert "marcus" not in _names(text)


def test_the_same_name_in_plain_words_still_is() -> None:
    assert "marcus" in _names("then marcus took the rows and kept the rest")
