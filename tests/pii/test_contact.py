"""Phone numbers (veil.pii.recognizers.contact): a number after a comparison is a quantity, never
a phone number ("for n <= 400 000 000"); the same digits after a phone cue, in a table cell or
in a key=value field stay one."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.contact import phone_number

_DIGITS = "912 345 678"  # a number laid out as Spanish phone numbers are (3-3-3)


def _phones(text: str) -> list[str]:
    finder = phone_number().finder
    assert finder is not None
    return [text[start:end] for start, end, _ in finder(text)]


@pytest.mark.parametrize(
    "text",
    [
        f"If n <= {_DIGITS} the table of exceptions is read instead.",
        f"Hence for n<={_DIGITS} we look the value up.",
        f"The bound x >= {_DIGITS} holds for every prime.",
        f"The result is close to the limit when x ≥ {_DIGITS}.",
        f"Each block with size > {_DIGITS} is split in two.",
        f"It stops when count != {_DIGITS} no longer holds.",
    ],
)
def test_a_compared_number_is_no_phone_number(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(
    "text",
    [
        f"Call me on {_DIGITS} after six.",
        f"<td>{_DIGITS}</td>",
        f"tel={_DIGITS}",
        f"Her mobile: {_DIGITS}.",
    ],
)
def test_the_same_digits_after_a_cue_a_tag_or_a_field_stay_a_phone_number(text: str) -> None:
    assert _phones(text) == [_DIGITS]
