"""A NER name that runs on into the label of the next field ("Marta Kowalczyk Direct Line:")."""

from __future__ import annotations

import pytest

from veil.pii.engine import _before_a_field_label


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Marta Kowalczyk Direct Line: 555 0100", "Marta Kowalczyk"),
        ("Regards, Anna Tarlo Office Phone : 555 0199", "Anna Tarlo"),
        ("Phillip Notes: see below", "Phillip"),
    ],
)
def test_a_name_before_a_colon_ends_before_the_labels_ordinary_words(text: str, name: str) -> None:
    start = text.index(name)
    end = text.index(":")
    while text[end - 1] == " ":
        end -= 1
    got = _before_a_field_label(text, start, end)
    assert text[slice(*got)] == name


@pytest.mark.parametrize(
    "text",
    [
        "Read the Daily News: prices rise",  # no first name opens it
        "Orvale City: a town of the plain",
        "Marta Kowalczyk said so",  # no colon after it
        "Marta Varnowik: hello",  # the last word is no ordinary word
    ],
)
def test_other_spans_stay_whole(text: str) -> None:
    words = text.split(":")[0].split(" said")[0]
    start = 0 if not words.startswith("Read") else len("Read the ")
    end = len(words)
    assert _before_a_field_label(text, start, end) == (start, end)
