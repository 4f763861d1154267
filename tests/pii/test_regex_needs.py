"""The digit gate: a pattern is skipped on a digit-free text only when no match can exist there.

Attacks on the promise: every built-in pattern the reading marks as needing a digit is sampled
by hypothesis's own regex generator (independent of the reading) and each sample must hold a
digit; patterns that can match without one must not be marked; and the engine with the gate
finds exactly what it finds without it, on generated documents, digit-free prose, other
scripts' digits and hostile shapes.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.regex_needs import needs_digit
from veil.pii.registry import RecognizerRegistry

_DIGIT = re.compile(r"\d")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d+", True),
        (r"a\d", True),
        (r"[0-9]{2,}", True),
        (r"[2-7]x", True),
        (r"x?\d", True),
        (r"(?:1|2)x", True),
        (r"(?P<pii>ab(?:\d{3}|\d{5}))", True),
        (r"(?i)iban\s*\d", True),
        (r"(?>a\d)", True),
        (r"(?:a|\d)", False),  # one branch needs no digit
        (r"\d?", False),
        (r"\d*x", False),
        (r"\d{0}x", False),
        (r"[^0-9]", False),
        (r"[0-9a]", False),
        (r"\w+", False),  # \w holds digits but matches letters too
        (r"(?=\d)\w", False),  # a lookahead consumes nothing: not counted
        (r"(?<=\d)x", False),
        (r"(a)\1", False),
        (r".", False),
    ],
)
def test_what_needs_a_digit(pattern: str, expected: bool) -> None:
    assert needs_digit(re.compile(pattern)) is expected


def _builtin_patterns() -> list[re.Pattern[str]]:
    patterns: list[re.Pattern[str]] = []
    for recognizer in RecognizerRegistry.default():
        patterns.extend(re.compile(p.regex) for p in recognizer.all_patterns())
    return patterns


_MARKED = [p for p in _builtin_patterns() if needs_digit(p)]
# hypothesis's from_regex writes the characters of a lookahead as if they were consumed, so a
# pattern that checks its next characters with a class in a lookahead and then consumes them (the
# Eircode's "mixes letters and digits": (?=[...]{0,3}[A-Z])(?=[...]{0,3}\d)[...]{4}) has no example
# it can draw; such patterns are checked on written examples below
_LOOKAHEAD_CLASS = re.compile(r"\(\?=\[[^]]*\]\{0,\d\}")
_SAMPLED = [p for p in _MARKED if _LOOKAHEAD_CLASS.search(p.pattern) is None]


def test_most_builtin_patterns_are_gated() -> None:
    """The gate is worth having: the number patterns (most of them) are marked."""
    assert len(_MARKED) >= len(_builtin_patterns()) // 2


@pytest.mark.parametrize("regex", _SAMPLED, ids=lambda r: r.pattern[:40])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_of_a_marked_pattern_holds_a_digit(regex: re.Pattern[str], data: st.DataObject) -> None:
    sample = data.draw(st.from_regex(regex, fullmatch=True))
    assert _DIGIT.search(sample), "a marked pattern matched a text without a digit"


def test_the_patterns_hypothesis_cannot_sample_hold_a_digit_in_their_matches() -> None:
    unsampled = [p for p in _MARKED if p not in _SAMPLED]
    assert 1 <= len(unsampled) <= 3, [p.pattern[:60] for p in unsampled]
    examples = ["A65 F4E2", "D6W 2R3C", "V94X2HC", "T12 AB3C", "H91 E2K3"]
    for regex in unsampled:
        matched = [m.group() for text in examples for m in regex.finditer(text)]
        assert matched and all(_DIGIT.search(m) for m in matched), (regex.pattern[:60], matched)


@pytest.fixture(scope="module")
def engines() -> tuple[PiiEngine, PiiEngine]:
    """Rules-only engines with and without the gate (NER does not depend on it)."""
    gated = PiiEngine(PiiConfig(ner=False))
    ungated = PiiEngine(PiiConfig(ner=False))
    detector = ungated._detector
    detector.rules = [dataclasses.replace(r, digit_free=r.regexes) for r in detector.rules]
    return gated, ungated


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZÀÉßøĀș@.-:/'"
_WORD = st.text(alphabet=_LETTERS, min_size=1, max_size=12)
# digits of other scripts: Arabic-Indic, Devanagari, Bengali, fullwidth, mathematical bold, ASCII
_DIGITS_ANY_SCRIPT = st.sampled_from([chr(c) for c in (0x0663, 0x096D, 0x09EB, 0xFF13, 0x1D7D7, 0x35)])
_FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))
_ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    words=st.lists(_WORD, min_size=1, max_size=30),
    digits=st.lists(_DIGITS_ANY_SCRIPT, max_size=3),
    seps=st.sampled_from([" ", "\n", ", ", "\t", " | "]),
)
def test_the_gate_changes_nothing_found(
    engines: tuple[PiiEngine, PiiEngine], words: list[str], digits: list[str], seps: str
) -> None:
    text = seps.join(words + digits)
    gated, ungated = engines
    assert gated.detect(text) == ungated.detect(text)


def test_the_gate_changes_nothing_on_documents(engines: tuple[PiiEngine, PiiEngine]) -> None:
    texts = [
        "Dear Ms. Okafor, your IBAN DE89 3704 0044 0532 0130 00 was updated on 3 May 2021.",
        "Call +44 20 7946 0958 or write to 221B Baker Street, London NW1 6XE.",
        "The borrow checker rejects this: a reference must not outlive its owner.",
        "Ticket 3456789012 was opened by Jane Roe (jane.roe@example.org).".translate(_ARABIC_INDIC),
        "SSN 333-22-4444 and card 4111 1111 1111 1111".translate(_FULLWIDTH),
        "Mr Ivan Petrov lives in Sofia; Dr. Amara Diallo works at Lagos General Hospital.",
        "",
        "\n\n",
    ]
    gated, ungated = engines
    assert gated.detect_batch(texts) == ungated.detect_batch(texts)


def test_widest_is_the_longest_match_or_none() -> None:
    from veil.pii.regex_needs import widest

    assert widest(r"(?<![\w])ab{0,3}") == 4  # a look-behind spans nothing
    assert widest(r"(?:van|della)[ \t]X(?=y)") == 7
    assert widest(r"a+") is None
    assert widest(r"(a") is None  # no pattern: unknown


_RUN_PATTERNS = [
    r"\d{5}",
    r"[A-Z][a-z]{0,5}(?:[ \t][A-Z][a-z]{0,5}){0,2}[ \t]\d{5}(?![\w-])",
    r"(?P<pii>x\d{3}\d?\d{2})",
    r"\d{2}(?:-\d)?\d",
    r"[0-9]{2,3}[ ]?[A-Z]{2}\b",
    r"\d(?<![\w.]\d)\d{3,7}(?:-\d{3,4})?",
    r"(?:\d{2}[ -]?){3}",
    r"[XYZ]-?\d{7}-?[A-Z]",
    r"(?>\d{2})\d",
    r"(\d)\1\d{2}",
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(_RUN_PATTERNS).flatmap(lambda p: st.tuples(st.just(p), st.from_regex(p, fullmatch=True)))
)
def test_every_match_holds_the_run_of_digits(case: tuple[str, str]) -> None:
    from veil.pii.regex_needs import digit_run

    pattern, text = case
    run = digit_run(re.compile(pattern))
    assert run == 0 or re.search(rf"\d{{{run}}}", text) is not None


def test_digit_run_reads_groups_repeats_and_lookarounds() -> None:
    from veil.pii.regex_needs import digit_run

    assert digit_run(re.compile(r"(?P<pii>[A-Z][a-z]+[ \t]\d{5})(?![\w-])")) == 5
    assert digit_run(re.compile(r"\d(?<![\w.]\d)\d{3,7}")) == 4  # a look-behind between keeps the run
    assert digit_run(re.compile(r"\d{3}\d?\d{2}")) == 5  # an optional digit: still in a row
    assert digit_run(re.compile(r"\d{2}(?:-\d)?\d")) == 2  # an optional group ends it
    assert digit_run(re.compile(r"(?:\d{2}[ -]?){3}")) == 0  # a repeated group: not read
    assert digit_run(re.compile(r"\d{4}|\d{5}")) == 0  # an alternation: not read
    assert digit_run(re.compile(r"(\d)\1")) == 1  # a back-reference ends it


def test_needed_strings_read_literals_alternations_and_groups() -> None:
    from veil.pii.regex_needs import needed_strings

    weekday = r"(?:on|by)\s+(?P<pii>(?:Mon|Tues|Wednes)day)(?:,?\s+at\s+\d{1,2})?"
    assert needed_strings(re.compile(weekday)) == ("day",)  # the string all spellings share
    assert needed_strings(re.compile(r"[A-Z]\w+[ \t]&[ \t][A-Z]\w+")) == ("&",)
    assert needed_strings(re.compile(r"\d+(?:kg|lb)")) == ("kg", "lb")  # a few spellings, none shared
    assert needed_strings(re.compile(r"x(?<!\wx)yz\d")) == ("xyz",)  # a look-behind consumes nothing
    assert needed_strings(re.compile(r"(?:ab+c|de+f)")) == ("a", "d")  # each branch's own strings
    assert needed_strings(re.compile(r"(?i)day\d")) == ()  # case-blind: not read
    assert needed_strings(re.compile(r"(?i:mon)day")) == ("day",)  # only the case-blind part is not
    assert needed_strings(re.compile(r"(?:day)?\d")) == ()  # optional
    assert needed_strings(re.compile(r"(?:a|b|c|d|e)\d")) == ()  # five spellings, nothing shared
    assert needed_strings(re.compile(r"\w+")) == ()
    assert needed_strings(re.compile(r"(?:xy)+z")) == ("xy",)  # a repetition of at least once


_NEEDED_PATTERNS = [
    r"(?:By|On|Since)\s+(?P<pii>(?:Fri|Mon|Satur)day)(?:\s+at\s+\d)?",
    r"[A-Z][a-z]{0,8}(?: & | and )[A-Z][a-z]{0,8}",
    r"(?:ab|cd)(?:x|y)e?[0-9]",
    r"Q(?<!\wQ)(?:ux|ix)[ \t]?(?:-|:)[0-9]",
    r"(?>k[lm])+n",
    r"(?m)^[ \t]*(?:re|fwd):[ \t]*\w",
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(_NEEDED_PATTERNS).flatmap(
        lambda p: st.tuples(st.just(p), st.from_regex(p, fullmatch=True))
    )
)
def test_every_match_holds_a_needed_string(case: tuple[str, str]) -> None:
    from veil.pii.regex_needs import needed_strings

    pattern, text = case
    needed = needed_strings(re.compile(pattern))
    assert needed, pattern
    assert any(s in text for s in needed)
