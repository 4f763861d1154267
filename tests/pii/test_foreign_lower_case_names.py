"""Two lower-case words of a post in another language are no lower-case name for person_cue's
lower-case rule, even where the name lists hold them ("nas minhas", "domingos sem": Portuguese
function words, post_language.FOREIGN_WORDS), while an English-text lower-case name still is."""

from __future__ import annotations

import pytest

from veil.pii.post_language import FOREIGN_WORDS
from veil.pii.recognizers.person_cues import PersonCueFinder


@pytest.mark.parametrize("word", sorted(FOREIGN_WORDS)[:40])
def test_a_pair_holding_a_foreign_function_word_is_no_lower_case_name(word: str) -> None:
    finder = PersonCueFinder()
    for text in (f"vamos {word} maria garcia", f"ontem maria {word} foi embora"):
        assert all(word not in text[a:b].split() for a, b, _ in finder(text)), text


@pytest.mark.parametrize(
    "text", ["vamos nas minhas ferias", "amo domingos sem chuva", "rt ver nas minhas stories"]
)
def test_portuguese_pairs_are_no_names(text: str) -> None:
    assert list(PersonCueFinder()(text)) == []


def test_an_english_texts_lower_case_name_is_still_found() -> None:
    text = "i met maria garcia at the bar"
    assert [text[a:b] for a, b, _ in PersonCueFinder()(text)] == ["maria garcia"]
