"""A nickname or a former name inside a person's name (recognizers/name_insertions.py, read by
person_coreference and person_context): 'Tarla "Tee" Varnow', "Ilsa Dorne (Karvel) Maddox".
Names invented from syllables, checked against Veil's name and place lists: the shape decides."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.recognizers.name_insertions import inserted, nicknamed
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_SYLLABLES = ["quen", "by", "tor", "va", "le", "mar", "dro", "sel", "vik", "an", "ish", "ko"]
_QUOTES = [('"', '"'), ("\u201c", "\u201d")]


@st.composite
def _invented(draw: st.DrawFn) -> str:
    word = "".join(draw(st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=3))).capitalize()
    assume(word not in load_words(FIRST_NAMES) and word not in load_words(LAST_NAMES))
    assume(word not in known_places() and not is_ordinary_word(word))
    return word


@pytest.fixture(scope="module")
def rules_engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@_SETTINGS
@given(_invented(), _invented(), _invented(), st.sampled_from(_QUOTES))
def test_a_nickname_in_quotes_between_given_and_family_name_is_one_person(
    rules_engine: PiiEngine, given_name: str, nick: str, family: str, quotes: tuple[str, str]
) -> None:
    name = f"{given_name} {quotes[0]}{nick}{quotes[1]} {family}"
    text = f"Arguing for the appellees, {name}, began."
    assert name in _persons(rules_engine, text), text


@_SETTINGS
@given(_invented(), _invented(), _invented(), _invented())
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
@given(_invented(), _invented(), _invented())
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
