"""A nickname or a former name inside a person's name (recognizers/name_insertions.py, read by
person_coreference and person_context): 'Tarla "Tee" Varnow', "Ilsa Dorne (Karvel) Maddox".
Names invented from syllables, checked against Veil's name and place lists: the shape decides."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.recognizers.name_insertions import inserted, nicknamed
from veil.pii.recognizers.person_words import COMMON_CAPITALISED

from .invented_names import invented_names, persons

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_QUOTES = [('"', '"'), ("\u201c", "\u201d")]


@_SETTINGS
@given(invented_names(), invented_names(), invented_names(), st.sampled_from(_QUOTES))
def test_a_nickname_in_quotes_between_given_and_family_name_is_one_person(
    rules_engine: PiiEngine, given_name: str, nick: str, family: str, quotes: tuple[str, str]
) -> None:
    name = f"{given_name} {quotes[0]}{nick}{quotes[1]} {family}"
    text = f"Arguing for the appellees, {name}, began."
    assert name in persons(rules_engine, text), text


@_SETTINGS
@given(invented_names(), invented_names(), invented_names(), invented_names())
def test_a_found_name_grows_over_a_former_name_in_brackets_and_the_family_name(
    given_name: str, family: str, former: str, married: str
) -> None:
    text = f"The applicants were {given_name} {family} ({former}) {married} and others."
    start = text.index(given_name)
    end = start + len(f"{given_name} {family}")
    out = list(inserted(text, [(start, end, 0.85)], COMMON_CAPITALISED))
    assert [(text[s:e], score) for s, e, score in out] == [
        (f"{given_name} {family} ({former}) {married}", 0.85)
    ]


@_SETTINGS
@given(invented_names(), invented_names(), invented_names())
def test_a_found_family_name_grows_over_the_nickname_and_the_given_name(
    given_name: str, nick: str, family: str
) -> None:
    text = f'Counsel for the defence, {given_name} "{nick}" {family}, spoke.'
    start = text.rindex(family)
    out = list(inserted(text, [(start, start + len(family), 0.85)], COMMON_CAPITALISED))
    assert [text[s:e] for s, e, _ in out] == [f'{given_name} "{nick}" {family}']


@pytest.mark.parametrize(
    "text",
    [
        'The "Wizard" Varnow show starts.',  # a common capitalised word before the quotes
        'They flew from London "Lights" Quenby to the coast.',  # a place
        'It was said "Hello" Quenby.',  # lower-case words around
    ],
)
def test_no_name_without_name_words_on_both_sides(text: str) -> None:
    assert list(nicknamed(text, COMMON_CAPITALISED)) == []
