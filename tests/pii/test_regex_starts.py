"""regex_starts: the words every match of a pattern starts with, and the engine's table that tries
such patterns only where their words start (same matches as a scan of the whole text)."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.compiled_recognizer import LeadTable, compile_recognizer, matches
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import words
from veil.pii.recognizers.word_leads import WordLead
from veil.pii.regex_starts import word_prefixes

_LABELS = words(["billed to", "ordering customer", "customer", "Invoice to", "gp"], any_case=True)


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (_LABELS + r":[ \t]*(?P<pii>\w+)", ("billed to:", "customer:", "gp:", "invoice to:", "ordering cus")),
        (r"(?P<pii>(?:D(?<!\wD)(?:ame)|J(?<!\wJ)(?:udge)))\s", ("dame", "judge")),
        (r"(?<![\w-])[Pp]\.?[Oo]\.?\s+box", None),  # an optional dot: only "p" is sure
        (r"(?<![\w-])(?:Ref|REF)[ :]+\d+", ("ref ", "ref:")),
        (r"Ref(?<!\wRef)\d", None),  # the look-behind is not about the first character
        (r"A(?<!\wB)pple", None),
        (r"(?i:ref)erence\d", None),  # nothing rules out a word character before it
        (r"[A-Z](?<!\w[A-Z])[a-z]+", None),  # a class too wide to list
        (words(["at", "from"], any_case=True) + r"\s+X", None),  # "at" starts too many words
        (words(["Mr", "Mrs"], any_case=True) + r"\.?\s+[A-Z]", ("mr", "mrs")),
        (words(["Stra\u00dfe", "Strand"], any_case=True) + r"\s", ("strand", "stra\u00dfe")),
        # "\u00b5" is matched to "\u03bc" too, which the view keeps: "ha" alone starts too many words
        (words(["Ha\u00b5e", "Hamburg"], any_case=True), None),
        (words(["Gu\u00b5e", "Gutach"], any_case=True), ("gu", "gutach")),
    ],
)
def test_word_prefixes(regex: str, expected: tuple[str, ...] | None) -> None:
    assert word_prefixes(re.compile(regex)) == expected


def test_a_lead_does_not_hide_a_word_start_after_a_space_in_a_prefix() -> None:
    lead = WordLead(["ordering customer", "customer"])
    text = "Ordering customer: Ana, in a payment order sent on a grey and windy afternoon"
    assert lead.places(text) == [0, 9]


_RECOGNIZER = Recognizer(
    "labels",
    "PERSON",
    patterns=(
        Pattern(_LABELS + r":[ \t]*(?P<pii>[A-Z][a-z]+)", 0.8, "label"),
        Pattern(words(["Mr", "Mrs", "Dr"], any_case=True) + r"\.?[ \t]+(?P<pii>[A-Z][a-z]+)", 0.8, "title"),
        Pattern(r"\d(?<!\w\d)\d{3}", 0.5, "number"),  # a digit lead, not a word lead
    ),
)
_BITS = ["Billed to", "billed  to", "Ordering customer", "CUSTOMER", "customer", "Invoice to", "GP", "gp"]
_BITS += ["Mr", "mrs.", "Dr", "DR.", ":", ": ", " ", "\n", "-", "x", "Ana", "Lee", "1234", "\u0130", "\u017f"]
_BITS += ["the river and", "a sentence", "Ordering", "ancestor"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=40).map("".join))
def test_word_led_patterns_find_what_a_whole_scan_finds(text: str) -> None:
    compiled = compile_recognizer(_RECOGNIZER)
    table = LeadTable([compiled])
    assert len(table.worded) == 2
    memo = table.memo()
    for regex, _, _, lead in compiled.regexes:
        found = matches(regex, table.ids[0][lead] if lead >= 0 else -1, table, memo, text)
        assert [m.regs for m in found] == [m.regs for m in regex.finditer(text)]


def test_the_engine_reads_labels_through_the_word_lead() -> None:
    from veil.pii.registry import RecognizerRegistry

    engine = PiiEngine(PiiConfig(ner=False), registry=RecognizerRegistry([_RECOGNIZER]))
    text = "Invoice sent. Ordering customer: Ana; approved by DR. Lee, ref 9876"
    found = [(text[e.start : e.end], e.recognizer) for e in engine.detect(text) if e.recognizer == "labels"]
    assert found == [("Ana", "labels"), ("Lee", "labels"), ("9876", "labels")]


def test_a_character_of_a_prefix_is_what_the_view_writes_for_all_that_re_matches_to_it() -> None:
    from veil.pii.recognizers.word_leads import folded
    from veil.pii.regex_starts import _plain

    cased = [
        chr(c) for c in range(sys.maxunicode + 1) if chr(c).lower() != chr(c) or chr(c).upper() != chr(c)
    ]
    for x in cased:
        for char in {x, x.lower(), x.upper()}:
            if len(char) != 1 or not _plain(char):
                continue
            view = folded(f"-{x}-")
            if re.fullmatch(f"(?i:{re.escape(char)})", x) or char == x:
                assert view is not None and view[1] == _plain(char), f"U+{ord(x):04X} as {char!r}"
