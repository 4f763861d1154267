"""The rule layer's shortcuts find what the long way finds.

* a pattern that opens with lookbehinds before its digit (:func:`veil.pii.regex_needs.digit_lead`)
  is led by the digit and its own lookbehinds, and tried only there: the same matches as a scan;
* the engine reads each rule's plan once (``_Detector._plans``) and skips a pattern whose lead is
  known not to match: the same candidates as a loop that asks :func:`matches` of every pattern;
* :func:`veil.pii.post_language.is_foreign` judges a text once when asked again: the same verdict.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.compiled_recognizer import led, matches, starts
from veil.pii.engine import _DIGIT, _POSSESSIVE, _before_label
from veil.pii.entity import EntityType
from veil.pii.post_language import is_foreign
from veil.pii.recognizer import Candidate
from veil.pii.regex_needs import digit_lead
from veil.pii.resolution import absorb_blocks


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<![<>]=)\d(?<!\w\d)\d{2}", r"\d(?<!\w\d)"),
        (r"(?<![<>]=)(?<=[ \t])[0-9]\d", r"[0-9]"),
        (r"(?<!x)(?<![<>][ \t])7(?<!\w7)(?<!-7)\d", r"7(?<!\w7)(?<!-7)"),
        (r"(?<!x)[a-z]\d", ""),  # no digit after the lookbehinds
        (r"(?=x)\d\d", ""),  # a lookahead first: not read
        (r"(?<!x)\d+y", ""),  # repeated digit: not an item of its own
        (r"(?<!x)\d|y", ""),  # an alternation of the whole
        (r"(?<!x\d", ""),  # unbalanced
    ],
)
def test_lookbehinds_before_the_digit_are_left_out_of_the_lead(pattern: str, expected: str) -> None:
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    assert digit_lead(regex) == expected


_BEHIND = [
    re.compile(r"(?<![<>=~!]=)(?<![<>=~!]=[ \t])(?<![<>])\d(?<![\w/.:+-]\d)\d?([/.])\d{1,2}\1\d{2}(?!\w)"),
    re.compile(r"(?<=[ \t])\d(?<!\w\d)\d{2}"),
    re.compile(r"(?<!No\. )(?<!#)\d(?<!\d\d)\d*"),
]
_BITS = ["1", "12", "2024", "7", " ", "\t", "/", ".", "-", "=", "<", ">", "!", "#", "No. ", "x", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join))
def test_a_pattern_led_after_its_lookbehinds_finds_what_a_scan_finds(text: str) -> None:
    for regex in _BEHIND:
        lead = digit_lead(regex)
        assert lead and not regex.pattern.startswith(lead)
        places = starts(re.compile(lead), text)
        assert [m.regs for m in led(regex, text, places)] == [m.regs for m in regex.finditer(text)]


def _reference(engine: PiiEngine, text: str) -> list[Candidate]:
    """The rule loop without plans or skips: every pattern asked of :func:`matches`."""
    detector = engine._detector
    out: list[Candidate] = []
    floor = detector.config.min_score
    digits = _DIGIT.search(text) is not None
    table = detector.leads
    memo = table.memo()
    for rule, lead_ids in zip(detector.rules, table.ids, strict=True):
        recognizer, validate = rule.recognizer, rule.recognizer.validate
        possessive = recognizer.entity_type in (EntityType.PERSON, EntityType.ORGANIZATION)
        found: list[tuple[int, int, float]] = []
        for regex, base, has_group, lead in rule.regexes if digits else rule.digit_free:
            for match in matches(regex, lead_ids[lead] if lead >= 0 else -1, table, memo, text):
                found.append((*(match.span("pii") if has_group else match.span()), base))
        if recognizer.finder is not None:
            found.extend(recognizer.finder(text))
        for start, end, base in found:
            if possessive and text.endswith(_POSSESSIVE, start, end):
                end -= 2
            if possessive and text.startswith(":", end):
                end = _before_label(text, start, end)
            if start >= end or (validate is not None and not validate(text[start:end])):
                continue
            score = rule.context.adjust(text, start, end, base)
            if score >= floor:
                out.append((start, end, recognizer.entity_type, score, recognizer.name))
    if out:
        for post in detector.after_rules:
            out.extend(detector._derived(post, text, out))
        out = absorb_blocks(out)
    return out


_ENGINE = PiiEngine(PiiConfig(ner=False))
_NOTE_BITS = [
    "Call ",
    "Maria Garcia",
    " at ",
    "212-555-0123",
    " or ",
    "maria.garcia7@example.com",
    " about order 4411",
    "; new line ",
    "+44 20 7946 0958",
    ", replies to c12@mail.example.org.",
    "Dr. Jan Kowalski's",
    " born 3 March 1985",
    " 12/03/99",
    " <= 12/03/99",
    " IBAN DE89 3704 0044 0532 0130 00",
    " Phone: ",
    "\n",
    " Acme GmbH",
    " 10115 Berlin",
    " SSN 078-05-1120",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_NOTE_BITS), max_size=12).map("".join))
def test_the_planned_loop_finds_what_the_plain_loop_finds(text: str) -> None:
    assert _ENGINE._detector._rule_candidates(text) == _reference(_ENGINE, text)


def test_the_plans_follow_replaced_rules() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    detector = engine._detector
    plans = detector._plans()
    assert detector._plans() is plans and len(plans) == len(detector.rules)
    assert EntityType.EMAIL_ADDRESS in [e.type for e in engine.detect("mail jane@example.org")]
    detector.rules = [r for r in detector.rules if r.recognizer.entity_type is not EntityType.EMAIL_ADDRESS]
    detector.leads = type(detector.leads)(detector.rules)
    assert len(detector._plans()) == len(detector.rules) < len(plans)
    assert EntityType.EMAIL_ADDRESS not in [e.type for e in engine.detect("mail jane@example.org")]


def test_a_foreign_verdict_is_the_same_when_asked_again() -> None:
    spanish = "El informe de la comisión y los datos del cliente están en la carpeta de la oficina."
    english = "The report of the committee and the data of the client are in the folder."
    copy = "".join(list(spanish))
    assert copy is not spanish
    assert is_foreign(spanish) is True
    assert is_foreign(spanish) is True
    assert is_foreign(english) is False
    assert is_foreign(copy) is True
    assert is_foreign("") is False
