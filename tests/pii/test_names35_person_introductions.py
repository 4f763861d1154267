"""People who introduce themselves, by a given name alone or a full name, of any origin.

Written from the failure class "self-introductions in messages and chats": "I'm Aoife and ..."
found no one, and "I am Xochitl, from ..." was read as a place. The names and sentences are
invented for these tests; none comes from a corpus.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.name_lists import NameLists
from veil.pii.recognizers.person_introductions import introduced_names

LISTS = NameLists()


def introduced(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in introduced_names(text, LISTS)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I'm Aoife and this is my brother.", "Aoife"),
        ("I am Xochitl, from a small town.", "Xochitl"),
        ("Hi, this is Nomvula from the billing team.", "Nomvula"),
        ("Hello, it's Oyelaran here.", "Oyelaran"),
        ("Good morning, this is Bartholomew Okafor speaking.", "Bartholomew Okafor"),
        ("I\u2019m Tuyet.", "Tuyet"),
        ("hey all, I'm Ingrid Solvang and I run the shop", "Ingrid Solvang"),
        ("I'm Min-jun, calling about the order.", "Min-jun"),
    ],
)
def test_a_self_introduction_names_a_person(text: str, name: str) -> None:
    assert introduced(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "I'm Canadian and proud of it.",
        "I'm Sorry, I can't come.",
        "I am Legend, the film, was on.",
        "I'm Catholic, by the way.",
        "I'm Head of Sales at the firm.",
        "I am Paris-based.",
        "I'm London, from the band.",
        "I'm Will, nice to meet you.",
        "I'm Python fluent.",
        "This is Django, a web framework.",
        "I'm Fine.",
        "I'm Outlook-certified.",
        "I'm Vegan, by the way.",
        "I'm Aries and she is Taurus.",
    ],
)
def test_other_words_after_im_are_no_one(text: str) -> None:
    assert introduced(text) == []


def test_the_engine_finds_the_introduced_name(pii_engine: PiiEngine) -> None:
    text = "I am Xochitl, from a village near the coast."
    found = [(text[e.start : e.end], e.type) for e in pii_engine.detect(text)]
    assert ("Xochitl", EntityType.PERSON) in found


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="I'm amAbc ,.-", max_size=80))
def test_found_names_lie_in_the_text(text: str) -> None:
    for start, end, score in introduced_names(text, LISTS):
        assert 0 <= start < end <= len(text) and score in (0.75, 0.8)


def test_many_introductions_stay_linear() -> None:
    def cost(n: int) -> float:
        text = "I'm Abc Abc Abc I am " * n
        began = time.process_time()
        list(introduced_names(text, LISTS))
        return time.process_time() - began

    small, large = cost(8000), cost(16000)  # 160k and 320k characters
    assert large < 4 * small + 0.05
