"""Penalty terms (``veil.pii.recognizers.penalty_terms``): the length of a sentence, detention or
community order is a DATE_TIME; other durations are not. Sentences invented for the class."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.penalty_terms import _GATE, _NOUN_FORMS, _SENTENCE_FORMS, penalty_terms

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def dates_in(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.DATE_TIME]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        (
            "The tribunal sentenced the defendant to four years and two months' imprisonment.",
            "four years and two months",
        ),
        ("She was given eight months\u2019 detention for the theft.", "eight months"),
        ("He also had to do 120 hours of community service.", "120 hours"),
        ("The first accused was sentenced in absentia to 18 months.", "18 months"),
        ("A sentence of two years was imposed on the second accused.", "two years"),
        ("He received a two-year prison sentence in March.", "two-year"),
        ("Each of them got 3 years\u2019 suspended imprisonment.", "3 years"),
        ("They spent thirty-one days in custody before the trial.", "thirty-one days"),
        ("The court imposed 5 additional days\u2019 detention on him.", "5 additional days"),
        ("She served one year and six months in prison.", "one year and six months"),
        ("The judge ordered 2 years, 3 months and 10 days of imprisonment.", "2 years, 3 months and 10 days"),
        # a letter whose lower case is longer ("İ") before the term does not shift it
        ("\u0130.\u015e. was sentenced to two years\u2019 imprisonment.", "two years"),
        ("Imprisonment for six months was the sentence; detention came later.", "six months"),
        ("He was held in police custody for a period of 48 hours.", "48 hours"),
    ],
)
def test_the_length_of_a_penalty_is_a_date_time(rules_engine: PiiEngine, text: str, term: str | None) -> None:
    assert dates_in(rules_engine, text) == ([term] if term else []), text


@pytest.mark.parametrize(
    "text",
    [
        "They were granted five years' leave to remain.",
        "The warranty lasts 3 years and the trial period 10 days.",
        "Wait two weeks before you upgrade the cluster.",
        "The first sentence of the paragraph is two words long.",
        "Allow 48 hours for the detention centre to reply by post.",  # the noun names a place here, no term
        "The prison was built for 300 inmates over two years.",
        "It took ten years of work and 300 hours of testing.",
        "The cache keeps entries for 30 days; see the prison module's docs.",
    ],
)
def test_other_durations_are_not_reported(rules_engine: PiiEngine, text: str) -> None:
    assert dates_in(rules_engine, text) == [], text


@_SETTINGS
@given(
    amount=st.sampled_from(("two", "three", "eleven", "twenty-four", "6", "15", "a")),
    unit=st.sampled_from(("years", "months", "weeks", "days")),
    noun=st.sampled_from(("imprisonment", "detention", "probation", "house arrest", "hard labour")),
    mark=st.sampled_from(("'", "\u2019", "")),
)
def test_a_term_before_a_penal_noun_is_the_span_and_the_noun_is_not(
    rules_engine: PiiEngine, amount: str, unit: str, noun: str, mark: str
) -> None:
    if amount == "a":
        unit = unit.rstrip("s")
    term = f"{amount} {unit}"
    text = f"The court gave the accused {term}{mark} {noun} last spring."
    assert dates_in(rules_engine, text) == [term], text
    found = [(s, e) for s, e, _ in penalty_terms(text)]
    assert found == [(text.index(term), text.index(term) + len(term))], text


def test_nothing_is_searched_in_a_text_without_a_penal_word() -> None:
    assert list(penalty_terms("He worked 3 years and 4 months at the mill.")) == []
    # the quick dismissal never hides a penal word, in either case
    for form in (*_NOUN_FORMS, *_SENTENCE_FORMS):
        assert any(part in form for part in _GATE), form
