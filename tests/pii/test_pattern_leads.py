"""Patterns with a lead (``Pattern.lead``): the engine tries them only where the lead matches, and
finds what a scan of the whole text finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.errors import ConfigError
from veil.pii import PiiConfig, PiiEngine
from veil.pii.compiled_recognizer import compile_recognizer as _compile
from veil.pii.compiled_recognizer import led as _led
from veil.pii.compiled_recognizer import starts as _starts
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers import dates
from veil.pii.regex_needs import starts_with
from veil.pii.registry import RecognizerRegistry

_LEAD = "(?:ab|b|a)"


@pytest.mark.parametrize(
    ("regex", "lead", "expected"),
    [
        (f"{_LEAD}c", _LEAD, True),
        (f"{_LEAD}?c", _LEAD, False),  # the lead repeated: a match need not start with it
        (f"{_LEAD}*c", _LEAD, False),
        (f"{_LEAD}c|d", _LEAD, False),  # an alternation of the whole: "d" has no lead
        (f"{_LEAD}", _LEAD, False),  # nothing after it
        ("(?:a|)c", "(?:a|)", False),  # a lead that matches nothing
        ("(?i)(?:a)c", "(?:a)", False),  # flags differ
        ("xc", _LEAD, False),
        ("(?:ab|b)c", "(?:ab|b", False),  # not a whole group
    ],
)
def test_a_lead_is_the_first_item_of_the_regex(regex: str, lead: str, expected: bool) -> None:
    assert starts_with(regex, lead) is expected


def test_a_pattern_refuses_a_lead_it_does_not_start_with() -> None:
    with pytest.raises(ConfigError, match="lead"):
        Pattern(f"{_LEAD}?c", 0.5, "bad", _LEAD)


def test_the_date_patterns_with_a_lead_start_with_the_month_names() -> None:
    led = [p for p in dates.date_time().patterns if p.lead]
    by_months = [p.name for p in led if p.lead == dates.MONTHS]
    # the dashed dates ("Mar-2024", "Mar-21") are led by the months' abbreviations (ae72d74)
    by_abbreviations = [p.name for p in led if p.lead != dates.MONTHS]
    assert by_months == ["month_d_y", "month_y", "month_d", "syslog"]
    assert by_abbreviations == ["mon_y_dashed", "mon_d_dashed"]
    assert len({p.lead for p in led if p.name in by_abbreviations}) == 1  # one lead: the abbreviations


_BITS = [
    "March",
    "march",
    "Mar",
    "May",
    "12",
    "1985",
    "12th",
    " ",
    "  ",
    ", ",
    ".",
    "-",
    "x",
    "\t",
    "\n",
    "Oct",
    "05",
]
_BITS += ["02:07:32", "AMay", "Mayday", "Sept.", "Sep"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=12).map("".join))
def test_led_date_patterns_find_what_a_whole_scan_finds(text: str) -> None:
    compiled = _compile(dates.date_time())
    led = [(regex, lead) for regex, _, _, lead in compiled.regexes if lead >= 0]
    assert led
    for regex, lead in led:
        starts = _starts(compiled.leads[lead], text)
        assert [m.regs for m in _led(regex, text, starts)] == [m.regs for m in regex.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcx", max_size=14))
def test_overlapping_lead_matches_are_all_tried(text: str) -> None:
    # "ab" and "b" overlap: the lead is looked for from every position, not only after a match
    regex = re.compile(f"{_LEAD}c")
    starts = _starts(re.compile(_LEAD), text)
    assert [m.regs for m in _led(regex, text, starts)] == [m.regs for m in regex.finditer(text)]


def test_the_engine_finds_dates_through_the_lead() -> None:
    recognizer = Recognizer(
        "led_dates", "DATE_TIME", patterns=tuple(p for p in dates.date_time().patterns if p.lead)
    )
    engine = PiiEngine(PiiConfig(ner=False), registry=RecognizerRegistry([recognizer]))
    found = [
        (e.start, e.end)
        for e in engine.detect("Seen on March 12th, 1985 and in May 2001.")
        if e.recognizer == "led_dates"
    ]
    assert found == [(8, 24), (32, 40)]
