"""Names listed with commas beside a found organisation are organisations too
(veil.pii.recognizers.body_lists: the post-processor body_lists).

Written from the failure class "a list of firms where one is known": the other items, ordinary
words or unknown names, were left to the small NER model, which read none of them. Every
sentence here is invented for these tests.
"""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.body_lists import LISTED_SCORE, body_lists, listed_bodies

ORG, PER, LOC = EntityType.ORGANIZATION, EntityType.PERSON, EntityType.LOCATION


def found(text: str, value: str, kind: str = ORG, score: float = 0.85) -> Candidate:
    start = text.index(value)
    return (start, start + len(value), kind, score, "test")


def listed(text: str, resolved: list[Candidate]) -> list[str]:
    return [text[s:e] for s, e, _ in listed_bodies(text, resolved)]


def test_the_other_items_of_a_list_with_a_found_body_are_bodies() -> None:
    text = "In town we have Quill Fabrics, Marrow Depot, Walmart, and Tinder Hall near the bridge."
    got = list(listed_bodies(text, [found(text, "Walmart")]))
    assert [text[s:e] for s, e, _ in got] == ["Quill Fabrics", "Marrow Depot", "Tinder Hall"]
    assert all(score == LISTED_SCORE for _, _, score in got)


def test_a_list_without_and_and_ordinary_words_as_names() -> None:
    text = "They bought Zorblet, Applied Kinetics, Nextora, Lantern, and a mapping firm."
    assert listed(text, [found(text, "Nextora")]) == ["Zorblet", "Applied Kinetics", "Lantern"]


def test_two_items_are_no_list() -> None:
    text = "We met Google and Quill Fabrics for lunch."
    assert listed(text, [found(text, "Google")]) == []


def test_a_list_with_a_person_or_a_place_says_nothing() -> None:
    text = "Guests were Nextora, Dana Whitlow, Marrow Depot and Quill Fabrics."
    assert listed(text, [found(text, "Nextora"), found(text, "Dana Whitlow", PER)]) == []
    text = "Offices in Nextora, Quillby, Marrow Depot and Lisbon."
    assert listed(text, [found(text, "Nextora"), found(text, "Lisbon", LOC)]) == []


def test_a_list_with_no_found_body_says_nothing() -> None:
    text = "We tried Quill Fabrics, Marrow Depot and Tinder Hall."
    assert listed(text, []) == []
    assert listed(text, [found(text, "Quill Fabrics", ORG, score=0.3)]) == []


def test_a_heading_in_title_case_is_no_list_of_names() -> None:
    text = "3.1. Nextora Systems, Property Rights, and Credibility of the State\n\nThe text begins."
    assert listed(text, [found(text, "Nextora Systems")]) == []


def test_a_line_of_names_with_two_found_bodies_is_read_though_it_looks_like_a_heading() -> None:
    text = "Terminal 2: Nextora Air, Quill Airways, Brightwing, Zolta\n\nTerminal 3: closed."
    resolved = [found(text, "Nextora Air"), found(text, "Quill Airways")]
    assert listed(text, resolved) == ["Brightwing", "Zolta"]
    assert listed(text, resolved[:1]) == []
    # one found firm read as two items at its ampersand is one body: a role before it stays out
    text = "Kai Varn\nHead of Sales, Morrow & Quill ApS"
    assert listed(text, [found(text, "Morrow & Quill ApS")]) == []
    text = "Yesterday we met the Head of Sales, Morrow & Quill ApS and two clients."
    assert listed(text, [found(text, "Morrow & Quill ApS")]) == []


def test_an_ordinary_word_opening_the_sentence_is_no_item() -> None:
    text = "Trade was slow. However, Nextora, Quill Fabrics and Marrow Depot grew."
    assert listed(text, [found(text, "Nextora")]) == ["Quill Fabrics", "Marrow Depot"]


def test_a_legal_form_after_a_comma_stays_with_its_firm() -> None:
    text = "Kelly Varn, Head of Sales at Nextora, Inc. called us."
    assert listed(text, [found(text, "Nextora")]) == []
    text = "Buyers were Quill Partners, Nextora, Inc., and Marrow Depot."
    assert listed(text, [found(text, "Nextora")]) == ["Quill Partners", "Marrow Depot"]


def test_the_post_processor_runs_on_resolved_spans() -> None:
    post = body_lists()
    assert post.stage == "resolved" and post.entity_type == ORG
    text = "We rang Nextora, Quill Fabrics and Marrow Depot."
    assert [text[s:e] for s, e, _ in post.derive(text, [found(text, "Nextora")])] == [
        "Quill Fabrics",
        "Marrow Depot",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Aa", "Bb Cc", ", ", " and ", "of", "Nextora", ".", "\n", "x", " "]), max_size=30
    )
)
def test_listed_items_are_capitalised_spans_outside_every_found_span(parts: list[str]) -> None:
    text = "Nextora, " + "".join(parts)
    resolved = [found(text, "Nextora")]
    for start, end, _ in listed_bodies(text, resolved):
        assert text[start].isupper() and start < end
        assert "\n" not in text[start:end]
        assert start >= len("Nextora")


def _seconds(unit: str, size: int) -> float:
    text = unit * (size // len(unit))
    resolved = [(i, i + 5, ORG, 0.85, "test") for i in range(0, len(text) - 5, 97)]
    started = time.process_time()
    list(listed_bodies(text, resolved))
    return time.process_time() - started


def test_hostile_text_takes_linear_time() -> None:
    for unit in ("Acme, Bb and Cc, ", "Aa Bb Cc Dd Ee, ", "Acme, Bb, and Cc\n"):
        assert _seconds(unit, 80_000) < 3 * _seconds(unit, 40_000) + 0.05
