"""The dashed month dates ("Mar-2024", "Sept-2023", "Mar-21") are tried only where a month's
abbreviation starts (their lead), not scanned for at every place of every text holding a dash
or a slash (table notes full of phone numbers): what the led search finds is what a scan finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig
from veil.pii.compiled_recognizer import LeadTable, compile_recognizer, matches
from veil.pii.recognizers.dates import date_time

_RULE = compile_recognizer(date_time())
_TABLE = LeadTable([_RULE])
_BITS = [
    "Mar", "MAR", "mar", "Sept", "SEPT", "Sep", "May", "Dec", "Juli", "Okt", "oct", "xMar", "Mar5",
    "-", "/", " ", ", ", ".", ":", "\n",
    "2024", "1985", "21", "5", "05", "212-555-0147", "2024-03", "order", "Call", "é", "Ω",
]  # fmt: skip


def _spans(text: str) -> list[list[tuple[int, int]]]:
    memo = _TABLE.memo()
    return [
        [m.span() for m in matches(regex, _TABLE.ids[0][lead] if lead >= 0 else -1, _TABLE, memo, text)]
        for regex, _base, _group, lead in _RULE.regexes
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=14).map("".join))
def test_led_search_finds_what_a_scan_finds(text: str) -> None:
    scans = [[m.span() for m in regex.finditer(text)] for regex, *_ in _RULE.regexes]
    assert _spans(text) == scans


def test_the_dashed_months_have_a_lead_and_still_match() -> None:
    names = {p.name: p for p in date_time().patterns}
    assert names["mon_y_dashed"].lead and names["mon_d_dashed"].lead
    for text, want in [
        ("due Mar-2024 now", "Mar-2024"),
        ("seen Sept-21.", "Sept-21"),
        ("APR/1999", "APR/1999"),
    ]:
        assert want in [text[s:e] for found in _spans(text) for s, e in found]
    assert PiiConfig().min_score <= names["mon_y_dashed"].score
