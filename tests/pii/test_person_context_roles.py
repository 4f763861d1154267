"""A role or a relative after the words that introduce a name ("call me Lady") names no one; a
name there, even one that is a word, is still a name."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.person_context import PersonContextFinder


def _found(text: str) -> list[str]:
    finder = PersonContextFinder()
    return [text[a:b] for a, b, _ in finder(text)]


@pytest.mark.parametrize(
    "text", ["Just for tonight, call me Lady.", "From now on call me Boss !", "call me Grandma"]
)
def test_a_role_after_call_me_is_no_name(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "name"), [("Please call me Orvald.", "Orvald"), ("You can call me Skye.", "Skye")]
)
def test_a_name_after_call_me_is_found(text: str, name: str) -> None:
    assert name in _found(text)
