"""A body's acronym is a further mention of the body (veil.pii.recognizers.name_repeats:
body_acronyms and body_repeats).

Written from the failure class "a body named in full once, then only by its acronym": the
acronym in brackets after the name may spell the name in another language, or the text may
never write the brackets and use the name's initials alone; the small NER model reads neither.
Every sentence here is invented for these tests.
"""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.name_repeats import body_acronyms, body_repeats

ORG, PER = EntityType.ORGANIZATION, EntityType.PERSON


def found(text: str, value: str, kind: str = ORG, score: float = 0.85) -> Candidate:
    start = text.index(value)
    return (start, start + len(value), kind, score, "test")


def derived(text: str, resolved: list[Candidate]) -> list[str]:
    return [text[s:e] for s, e, _ in sorted(body_repeats().derive(text, resolved))]


def test_an_acronym_in_brackets_after_a_found_body_spreads_whatever_it_spells() -> None:
    text = "Figures from the Danube Fishery Board (KRVD) were late. KRVD blamed the floods."
    resolved = [found(text, "Danube Fishery Board")]
    assert body_acronyms(text, resolved) == {"KRVD", "DFB"}
    assert derived(text, resolved) == ["Danube Fishery Board", "KRVD", "KRVD"]


def test_a_mixed_case_acronym_in_brackets_spreads() -> None:
    text = "She joined the Valley Rowing League (VaRoL) in May; VaRoL meets on Sundays."
    assert derived(text, [found(text, "Valley Rowing League")]) == ["Valley Rowing League", "VaRoL", "VaRoL"]


def test_the_initials_of_a_found_body_name_it_without_brackets() -> None:
    text = "The Northern Grain Authority sets quotas. Farmers say the NGA never listens; the NGA disagrees."
    body = "Northern Grain Authority"
    assert derived(text, [found(text, body)]) == [body, "NGA", "NGA"]


def test_small_words_are_left_out_of_the_initials() -> None:
    text = "The Office for the Protection of Lakes wrote again. The OPL wants an answer."
    assert "OPL" in derived(text, [found(text, "Office for the Protection of Lakes")])


def test_two_initials_are_no_acronym() -> None:
    text = "Quill Partners signed it. QP is also a quality plan in this text."
    resolved = [found(text, "Quill Partners")]
    assert body_acronyms(text, resolved) == set()
    assert derived(text, resolved) == ["Quill Partners"]


def test_a_mention_in_a_line_of_capitals_is_none() -> None:
    text = "WHO NEEDS HELP TODAY? The Western Harbour Office said so. The WHO report is out."
    assert derived(text, [found(text, "Western Harbour Office")]) == ["Western Harbour Office", "WHO"]


def test_only_a_found_body_gives_acronyms() -> None:
    text = "Marta Lena Quist (MLQ) wrote to Peter Ann Ross. MLQ signed."
    resolved = [found(text, "Marta Lena Quist", PER), found(text, "Peter Ann Ross", PER)]
    assert body_acronyms(text, resolved) == set()
    low = [found(text, "Marta Lena Quist", ORG, score=0.3)]
    assert body_acronyms(text, low) == set()


def test_brackets_that_hold_no_acronym_give_none() -> None:
    text = "The Blue Lake Rowing Club (founded 1901) rows here. The Blue Lake Rowing Club (X) too."
    assert body_acronyms(text, [found(text, "Blue Lake Rowing Club")]) == {"BLRC"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["Aa", "Bb", "of", "(", ")", "AB", "ABC", " ", "\n", "Ab"]), max_size=40))
def test_every_acronym_is_two_to_eight_letters_of_a_capital_first(parts: list[str]) -> None:
    text = "The Alpha Beta Council " + " ".join(parts)
    for acronym in body_acronyms(text, [found(text, "Alpha Beta Council")]):
        assert 2 <= len(acronym) <= 8 and acronym[0].isupper() and acronym.isalpha()


def _seconds(text: str) -> float:
    resolved = [(0, 20, ORG, 0.85, "test")]
    started = time.process_time()
    list(body_repeats().derive(text, resolved))
    return time.process_time() - started


def test_hostile_text_takes_linear_time() -> None:
    unit = "Alpha Beta Council (ABC) ABC ABC WHO ABC "
    small, large = unit * 4000, unit * 8000
    assert _seconds(large) < 3 * _seconds(small) + 0.05


def test_a_place_code_in_brackets_is_where_the_body_is_not_its_acronym() -> None:
    text = "Quillmark Holdings (UK) filed late. Sales in the UK fell; Quillmark Holdings (US) grew."
    resolved = [found(text, "Quillmark Holdings")]
    assert body_acronyms(text, resolved) == set()
    assert "UK" not in derived(text, resolved)
