"""A country or large city of the hand-kept list named on its own is a place without a word of
context (short posts and headlines name one bare), but not a word of a longer name, of a path or
an identifier, nor a place whose name is also a word or a person's name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.place_names import PlaceFinder


def _scores(text: str) -> dict[str, float]:
    return {text[a:b]: score for a, b, score in PlaceFinder()(text)}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Uruguay : parliament passes the water bill", "Uruguay"),
        ("so which one wins tonight? Norway for me", "Norway"),
        ("ok . Kazakhstan", "Kazakhstan"),
        ("Visas are free for Barbados (30 days), and others.", "Barbados"),
        ("prices rose in both Belgium & Portugal", "Portugal"),
    ],
)
def test_a_well_known_place_alone_reaches_the_floor(text: str, place: str) -> None:
    assert _scores(text)[place] >= 0.5


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("He wrote a history of the Portugal Treaty negotiations.", "Portugal"),
        ("Set the zone to Europe/Vienna before the run.", "Vienna"),
        ("Open Norway.csv in the editor.", "Norway"),
        ("The Hotel Belgium opened last spring.", "Belgium"),
        ("Ask @Uruguay about it.", "Uruguay"),
    ],
)
def test_a_place_joined_to_a_longer_name_or_an_identifier_keeps_its_low_score(text: str, place: str) -> None:
    assert _scores(text).get(place, 0.45) < 0.5


def test_a_place_whose_name_is_a_word_or_a_persons_name_is_not_alone() -> None:
    finder = PlaceFinder()
    excluded = finder._alone_excluded
    assert excluded  # the hand list holds such names ("Nice", "Florence" ...)
    assert {"China", "Japan"} <= excluded  # also words: "china", "japan" (a lacquer)
    for place in excluded:
        text = f"well . {place} again"
        assert not finder._stands_alone(text, len("well . "), len("well . ") + len(place))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="Norway ./_-@#(Tx", max_size=60))
def test_alone_scores_are_the_known_ones_and_spans_lie_in_the_text(text: str) -> None:
    for start, end, score in PlaceFinder()(text):
        assert 0 <= start < end <= len(text)
        assert score in (0.45, 0.5, 0.7, 0.88) or 0.0 < score <= 1.0
