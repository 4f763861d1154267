"""A quoted nickname of one or two words stands inside or before a family name.

Written from the failure class "suspects and public figures named by a nickname": 'known as
"Big Tony" Russo' found no one, and a two-word nickname between a given and a family name broke
the name. The people and sentences are invented for these tests; none comes from a corpus.
"""

from __future__ import annotations

import time

import pytest

from veil.pii.recognizers.name_insertions import nicknamed

NOT_NAMES = frozenset({"The", "Monday", "Guide", "Start"})


def found(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in nicknamed(text, NOT_NAMES)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('The suspect, known as "Big Tee" Varnow, was held.', '"Big Tee" Varnow'),
        ("a man nicknamed \u201cDoc\u201d Orvale ran the bar", "\u201cDoc\u201d Orvale"),
        ('Police sought Dario "Fast Eddie" Marchetti.', 'Dario "Fast Eddie" Marchetti'),
        ('the fixer, aka "Slim" Okonjo, left town', '"Slim" Okonjo'),
    ],
)
def test_a_nicknamed_person(text: str, name: str) -> None:
    assert found(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        'The crate, known as "Project X" Storage, was moved.',  # no family name after it
        'He is known as "The Rock" Johnson.',  # a common capitalised word in the nickname
        'A tool called "Quick Start" Guide helps.',
        'The file known as "Readme" London was lost.',  # a place
        "known as Big Tee Varnow",  # no quotation marks
    ],
)
def test_no_nickname_is_read(text: str) -> None:
    assert found(text) == []


def test_many_quoted_words_stay_linear() -> None:
    def cost(n: int) -> float:
        text = 'known as "Ab Cd" known as "Ab" ' * n
        began = time.process_time()
        list(nicknamed(text, NOT_NAMES))
        return time.process_time() - began

    small, large = cost(5200), cost(10400)  # 160k and 320k characters
    assert large < 4 * small + 0.05
