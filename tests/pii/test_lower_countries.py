"""A country in lower case in a text that capitalises otherwise is a place; a word, a given name,
a domain, a handle, an identifier and a program's prose are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii.recognizers.lower_countries import lower_case_countries, lower_country_names


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _score in lower_case_countries(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How are vietnam and Afghanistan alike? I need it for School.", ["vietnam"]),
        ("Where did you grow up? Mostly norway, then Leeds.", ["norway"]),
        ("Our Trip to croatia and slovenia was Great!", ["croatia", "slovenia"]),
        ("Any Tips for birds in kerala? I moved from ohio last May.", ["kerala", "ohio"]),
    ],
)
def test_lower_case_countries_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He wore the Black jersey at the family reunion.",  # words
        "Mail me at anna@parliament.norway or visit site.kenya/home.",  # domains and paths
        "Follow @kenya_news and #canada for Updates.",  # a handle, a hashtag
        "Set `locale = norway` and pass the parameter to the parser.",  # a program's prose
        "The NORWAY_ID constant and the canada_rate field.",  # identifiers
    ],
)
def test_lower_case_countries_not_found(text: str) -> None:
    assert _found(text) == []


def test_no_word_or_given_name_among_the_countries() -> None:
    names = lower_country_names()
    assert "vietnam" in names
    assert {"punjab", "ohio", "quebec"} <= names
    assert not {"turkey", "china", "jordan", "georgia", "jersey", "chile", "reunion", "victoria"} & names


@given(st.sampled_from(sorted(lower_country_names())))
def test_every_country_is_read_in_plain_text(name: str) -> None:
    text = f"We spent the Summer in {name} with Friends."
    assert _found(text) == [name]
