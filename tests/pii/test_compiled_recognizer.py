"""The engine's table skips a pattern without a lead in a text that lacks the run of digits every
match of it holds (:func:`veil.pii.regex_needs.digit_run`) or every string one of which each match
holds (:func:`veil.pii.regex_needs.needed_strings`): what it finds is what a scan finds."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig
from veil.pii.compiled_recognizer import LeadTable, compile_recognizer, matches
from veil.pii.registry import RecognizerRegistry

_RULES = [compile_recognizer(r) for r in RecognizerRegistry.from_config(PiiConfig())]
_TABLE = LeadTable(_RULES)
# postcodes after towns, codes after letters, runs of each length, and what breaks them
_BITS = [
    "1",
    "12",
    "1234",
    "12345",
    "123456",
    "12345678",
    "0",
    " ",
    "\t",
    "\n",
    ", ",
    "-",
    ".",
    "/",
    "at ",
    "from ",
    "in ",
    "near ",
    "to ",
    "Springfield",
    "Bad Ems",
    "Den Haag",
    "de ",
    "NY",
    "CA",
    "AB",
    "X",
    "CHE",
    "MWST",
    "ab",
    "SW1A 1AA",
    "St",
    "Ω",
    "٣",
    # the strings some patterns need one of: a weekday's name, partners, a MAC address's parts
    "Monday",
    "Since ",
    "on ",
    "day",
    " & ",
    "&",
    "Hale",
    ":",
    "a1",
    "Ltd",
]


def test_some_unled_patterns_need_a_run_of_digits() -> None:
    assert sum(1 for _, run, _ in _TABLE.unled.values() if run > 1) >= 5


def test_some_unled_patterns_need_strings() -> None:
    assert sum(1 for _, _, needed in _TABLE.unled.values() if needed) >= 10


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join))
def test_a_pattern_skipped_for_want_of_a_run_finds_nothing_there(text: str) -> None:
    memo = _TABLE.memo()
    for rule, ids in zip(_RULES, _TABLE.ids, strict=True):
        for regex, _, _, lead in rule.regexes:
            found = matches(regex, ids[lead] if lead >= 0 else -1, _TABLE, memo, text)
            assert [m.regs for m in found] == [m.regs for m in regex.finditer(text)]


def test_a_run_is_asked_once_per_text() -> None:
    text = "Springfield 12345 and more"
    assert _TABLE.has_run(5, text) and not _TABLE.has_run(6, text)
    assert not _TABLE.has_run(5, "Springfield 1234 and more")
    assert re.search(r"\d{5}", text)
