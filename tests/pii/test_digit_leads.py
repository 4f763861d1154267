"""Leads read from a pattern (:func:`veil.pii.regex_needs.digit_lead`): the engine tries a pattern
that starts with a digit and its lookbehinds only where that start matches, and must find exactly
what a scan of the whole text finds.

Attacks on the promise: the reading refuses every shape whose matches need not begin with the cut
(a repeated or optional first item, an alternation of the whole, flags, a lookahead); every built-in
pattern it leads is run both ways on texts made of digit runs, separators and words, with the lead
table shared across recognizers and with the dense fallback; and the engine's output on such texts
is the same with the leads as with none.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.compiled_recognizer import LeadTable, compile_recognizer, led, matches, starts
from veil.pii.regex_needs import digit_lead, one_character
from veil.pii.registry import RecognizerRegistry


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d(?<![\w.]\d)\d{3}-\d{4}", r"\d(?<![\w.]\d)"),
        (r"[12](?<![\w/.:+-][12])\d{3}", r"[12](?<![\w/.:+-][12])"),
        (r"9(?<!\w9)(?<![.]9)\d{2}", r"9(?<!\w9)(?<![.]9)"),
        (r"[0-9](?<=[ ]\d)x", r"[0-9](?<=[ ]\d)"),
        (r"\d(?=x)\d", r"\d"),  # a lookahead is not part of the lead: the digit alone leads
        (r"\d+x", ""),  # repeated: the cut is not an item of the parse
        (r"\d?x", ""),
        (r"\d(?<!a)|x", ""),  # an alternation of the whole: "x" has no digit first
        (r"(?i)\d(?<!a)x", ""),
        (r"[a-z](?<!\w[a-z])\d", ""),  # not a digit
        (r"[^a](?<!\w)\d", ""),
        (r"x\d", ""),
        (r"[\d\]](?<!a)x", ""),  # a "]" in the class is no digit
        (r"\d(?<!(a)", ""),  # unbalanced: no cut
    ],
)
def test_the_lead_is_the_digit_and_its_lookbehinds(pattern: str, expected: str) -> None:
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    assert digit_lead(regex) == expected


def _led_rules() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for recognizer in RecognizerRegistry.from_config(PiiConfig()):
        for pattern in recognizer.all_patterns():
            regex = re.compile(pattern.regex)
            lead = digit_lead(regex)
            if lead:
                out.append((regex, lead))
    return out


_LED = _led_rules()
_RULES = [compile_recognizer(r) for r in RecognizerRegistry.from_config(PiiConfig())]
_TABLE = LeadTable(_RULES)

_BITS = [
    "1",
    "12",
    "123",
    "1234",
    "2024",
    "19",
    "0",
    "9",
    "987654321",
    " ",
    "  ",
    "-",
    ".",
    "/",
    ":",
    ",",
    "+",
    "@",
    "x",
    "AB",
    "DE",
    "\n",
    "\t",
    "No. ",
    "May ",
    "st",
    "th",
    "(",
    ")",
]


def test_most_number_patterns_have_a_lead() -> None:
    assert len(_LED) >= 20


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join))
def test_led_patterns_find_what_a_whole_scan_finds(text: str) -> None:
    for regex, lead in _LED:
        places = starts(re.compile(lead), text)
        assert [m.regs for m in led(regex, text, places)] == [m.regs for m in regex.finditer(text)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join), st.booleans())
def test_the_shared_table_finds_what_each_scan_finds(text: str, padded: bool) -> None:
    # padded with prose, the lead's places are sparse (tried one by one); bare, often dense
    text = f"{'Words and more words. ' * 20}{text}" if padded else text
    rules, table = _RULES, _TABLE
    memo = table.memo()
    for rule, ids in zip(rules, table.ids, strict=True):
        for regex, _, _, lead in rule.regexes:
            found = matches(regex, ids[lead] if lead >= 0 else -1, table, memo, text)
            assert [m.regs for m in found] == [m.regs for m in regex.finditer(text)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [(r"\d(?<!\w\d)", True), (r"[ab](?=c)", True), (r"(?:ab|b|a)", False), (r"\d?", False), (r"a|bc", False)],
)
def test_a_lead_of_one_character_is_known(pattern: str, expected: bool) -> None:
    assert one_character(re.compile(pattern)) is expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join))
def test_the_places_of_a_one_character_lead_are_found_by_one_scan(text: str) -> None:
    for lead, single in zip(_TABLE.leads, _TABLE.single, strict=True):
        if single:
            assert starts(lead, text, single=True) == starts(lead, text)


def test_one_lead_is_searched_once_for_every_recognizer() -> None:
    rules, table = _RULES, _TABLE
    per_rule = sum(len(rule.leads) for rule in rules)
    assert len({lead.pattern for lead in table.leads}) == len(table.leads) < per_rule


@pytest.mark.parametrize(
    "text",
    [
        "Application no. 12345/07, lodged on 3 March 2009; tel. +44 20 7946 0958, ref 2024-001.",
        "1 2 3 4 5 6 7 8 9 " * 40,  # dense: the patterns are scanned for
        "Card 4111 1111 1111 1111 exp 04/27, IBAN DE89 3704 0044 0532 0130 00, SSN 078-05-1120.",
    ],
)
def test_the_engine_finds_the_same_with_and_without_leads(text: str) -> None:
    with_leads = PiiEngine(PiiConfig(ner=False)).detect(text)
    engine = PiiEngine(PiiConfig(ner=False))
    detector = engine._detector
    detector.rules = [
        dataclasses.replace(
            rule,
            regexes=tuple((r, s, g, -1) for r, s, g, _ in rule.regexes),
            digit_free=tuple((r, s, g, -1) for r, s, g, _ in rule.digit_free),
            leads=(),
        )
        for rule in detector.rules
    ]
    detector.leads = LeadTable(detector.rules)
    assert engine.detect(text) == with_leads
