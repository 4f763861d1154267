"""cue_lines: a pattern looked for only in the lines that hold its cue finds what a scan finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import person_context
from veil.pii.recognizers.cue_lines import in_cue_lines

_BITS = [
    "Smith",
    "Kud\u0142a",
    " v. ",
    " v ",
    " vs ",
    "Poland",
    " and ",
    "Others",
    ", ",
    " ",
    "\n",
    "\r\n",
    "See ",
]
_BITS += [
    "Ilse",
    ", 34,",
    " (34)",
    ", aged 41,",
    "the",
    "x",
    ".",
    "2001",
    "(",
    "Lee-Ann",
    "\t",
    "United Kingdom",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=40).map("".join))
def test_cited_cases_and_ages_are_what_a_whole_scan_finds(text: str) -> None:
    for regex, cue in (
        (person_context._CITED, person_context._CITED_CUE),
        (person_context._AGE, person_context._AGE_ANYWHERE),
    ):
        assert [m.regs for m in in_cue_lines(regex, cue, text)] == [m.regs for m in regex.finditer(text)]


def test_a_look_ahead_reads_the_line_break() -> None:
    regex, cue = re.compile(r"ab(?!\n)"), re.compile("a")
    text = "xab\nab"
    assert (
        [m.span() for m in in_cue_lines(regex, cue, text)]
        == [m.span() for m in regex.finditer(text)]
        == [(4, 6)]
    )
