"""Venues, prizes and races named after a titled person (recognizers/venue_names.py, read by
person_context and person_titles): "the Colonel Marbury Arms", "Brigadier Loxley Trophy" name no
person; "Commander Vance Lodge said" does, since Lodge, Hall and House are family names too.

Every name here is invented from syllables and checked against Veil's name and place lists, so
that what decides is the shape and the words around the name, never a list."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.recognizers.venue_names import SURNAME_HEADS, VENUE_HEADS, is_titled_venue, names_a_venue

from .invented_names import invented_names, persons

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_TITLES = ["Colonel", "Commander", "Brigadier", "Admiral", "Captain", "Major", "General", "Lieutenant"]
_SYLLABLES = ["mar", "bu", "lox", "ve", "tor", "vik", "dra", "wen", "qui", "zel", "ob", "rin", "tash", "ky"]


@_SETTINGS
@given(
    invented_names(_SYLLABLES),
    st.sampled_from(_TITLES),
    st.sampled_from(sorted(VENUE_HEADS)),
    st.sampled_from(["We met at the {}.", "He won the {} in 1998.", "The {} is busy.", "{} ordered."]),
)
def test_a_titled_name_ending_in_a_venue_or_prize_head_is_no_person(
    rules_engine: PiiEngine, name: str, title: str, head: str, frame: str
) -> None:
    text = frame.format(f"{title} {name} {head}")
    assert not any(head in found for found in persons(rules_engine, text)), text


@_SETTINGS
@given(
    invented_names(_SYLLABLES),
    st.sampled_from(_TITLES),
    st.sampled_from(sorted(SURNAME_HEADS)),
    st.sampled_from(["We stayed at the {}.", "Drinks at {} tonight.", "Inside the {} the lights went out."]),
)
def test_a_surname_head_after_an_article_or_a_place_preposition_is_a_venue(
    rules_engine: PiiEngine, name: str, title: str, head: str, frame: str
) -> None:
    text = frame.format(f"{title} {name} {head}")
    assert not any(head in found for found in persons(rules_engine, text)), text


@_SETTINGS
@given(
    invented_names(_SYLLABLES),
    st.sampled_from(_TITLES),
    st.sampled_from(sorted(SURNAME_HEADS)),
    st.sampled_from(["said the fleet was ready.", "told the inquiry nothing.", "arrived late.", "frowned."]),
)
def test_a_surname_head_before_a_verb_of_people_is_a_person(
    rules_engine: PiiEngine, name: str, title: str, head: str, rest: str
) -> None:
    text = f"{title} {name} {head} {rest}"
    assert f"{name} {head}" in persons(rules_engine, text), text


@pytest.mark.parametrize(
    ("text", "name", "venue"),
    [
        ("Drinks at the Colonel Orvane Arms after work.", "Orvane Arms", True),
        ("The Brigadier Tesslow Trophy went to Leeds.", "Tesslow Trophy", True),
        ("Admiral Quenby Lodge opened in 1820.", "Quenby Lodge", True),  # what a venue does
        ("Admiral Quenby Lodge said the ships were ready.", "Quenby Lodge", False),  # what a person does
        ("Admiral Quenby Lodge", "Quenby Lodge", False),  # no evidence: a titled name stays a person
        ("Mademoiselle Orvane du Motel arrived.", "Orvane du Motel", False),  # a particle's family name
    ],
)
def test_names_a_venue_decides_by_the_words_around_the_name(text: str, name: str, venue: bool) -> None:
    start = text.index(name)
    title_start = text.rindex(" ", 0, start - 1) + 1 if " " in text[: start - 1] else 0
    assert names_a_venue(text, title_start, start, start + len(name)) is venue


@pytest.mark.parametrize(
    ("text", "span", "venue"),
    [
        ("We met at the Colonel Orvane Arms on Friday.", "Colonel Orvane Arms", True),  # title inside
        ("We met at the Colonel Orvane Arms on Friday.", "Orvane Arms", True),  # title before
        ("He won the Brigadier Tesslow Trophy in 1998.", "Tesslow Trophy", True),
        ("We stayed at the Colonel Quenby House.", "Quenby House", True),
        ("Commander Quenby Lodge said the fleet was ready.", "Quenby Lodge", False),
        ("Commander Quenby Lodge said the fleet was ready.", "Commander Quenby Lodge", False),
        ("We met Orvane Arms on Friday.", "Orvane Arms", False),  # no title: not this class
    ],
)
def test_is_titled_venue_reads_a_span_any_finder_took_for_a_person(text: str, span: str, venue: bool) -> None:
    start = text.index(span)
    assert is_titled_venue(text, start, start + len(span)) is venue
