"""Nouns newer than the 1934 word list (``compound_words.txt``, built by
``benchmarks/compound_words.py``): closed-up compounds and computing nouns are ordinary words, and
proper nouns that merely split into two words stay names. Words are common English or invented.
"""

from __future__ import annotations

import pytest
from benchmarks.compound_words import PROPER_NOUNS, compounds
from hypothesis import given
from hypothesis import strategies as st

from veil.pii.data import LAST_NAMES, load_list
from veil.pii.vocabulary import COMPOUND_WORDS, is_ordinary_word, known_names


@pytest.mark.parametrize(
    "word",
    [
        "Website",
        "Websites",
        "Laptop",
        "Database",
        "Spreadsheets",
        "Workflow",
        "Timestamp",
        "Hashtag",
        "Username",
    ],
)
def test_modern_common_nouns_are_ordinary(word: str) -> None:
    assert is_ordinary_word(word) and is_ordinary_word(word.lower())


@pytest.mark.parametrize(
    "word",
    ["Churchill", "Garrick", "Pernod", "Soutine", "Sinkiang", "Pressburg", "Cabell", "Tampax", "Canara"],
)
def test_proper_nouns_that_split_into_two_words_stay_names(word: str) -> None:
    assert not is_ordinary_word(word)


def test_the_list_holds_no_known_name_nor_excluded_proper_noun() -> None:
    words = load_list(COMPOUND_WORDS)
    assert len(words) > 500
    names = {name.lower() for name in known_names() | load_list(LAST_NAMES)}
    assert not words & names
    assert not words & PROPER_NOUNS
    assert all(word.isascii() and word.isalpha() and word.islower() for word in words)


def test_the_rule_keeps_closed_up_nouns_of_two_long_words() -> None:
    english = frozenset({"cloud", "drift", "board", "plank", "lamp", "tab"})
    nouns = [
        "board",
        "drift",
        "lamp",
        "cloudboard",
        "plankdrift",
        "lamptab",
        "Cloudboard",
        "plankus",
        "driftlamp",
    ]
    kept = compounds(nouns, web2={"driftlamp"}, english=english, names=frozenset({"plank"}))
    # lamptab: a part of three letters; plankdrift: a name for a part; driftlamp: web2 has it
    assert kept == ["cloudboard"]


@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=14), max_size=30))
def test_every_kept_noun_splits_into_two_parts_of_four_letters(nouns: list[str]) -> None:
    english = frozenset({"abcd", "efgh", "aabb", "ccdd", "bead", "fade"})
    for noun in compounds(nouns, web2=set(), english=english, names=frozenset()):
        assert any(noun[:i] in english and noun[i:] in english for i in range(4, len(noun) - 3))
