"""The clause boundary before a candidate, found in one call, is the one a loop over every
boundary of the window ends at (:mod:`veil.pii.context`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.context import _BOUNDARY, _LAST_BOUNDARY, ContextMatcher

_BITS = [
    "phone",
    "Call",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    ",",
    ";",
    "|",
    ":",
    "?",
    "x",
    "12",
    ".",
    "\u2003",
    "\n\n",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=14).map("".join), st.data())
def test_last_boundary_is_the_last_of_all_boundaries(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    lo = data.draw(st.integers(0, start))
    expected = lo
    for boundary in _BOUNDARY.finditer(text, lo, start):
        expected = boundary.end()
    last = _LAST_BOUNDARY.match(text, lo, start)
    assert (lo if last is None else last.end()) == expected


def test_context_stops_at_a_clause_boundary_unless_a_label_ends_the_line() -> None:
    matcher = ContextMatcher(["phone"], [], before=48, after=24, boost=0.35, penalty=0.45)
    for text, boosted in (
        ("phone, then 0123", False),
        ("phone 0123", True),
        ("phone:\n0123", True),
        ("phone\n0123", False),
        ("phone: \t\n0123", True),
    ):
        start = text.index("0123")
        assert (matcher.adjust(text, start, start + 4, 0.4) > 0.4) is boosted, text
