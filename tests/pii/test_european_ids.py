"""Personal identity numbers of eight more European countries, and dates written in more languages.

A customer table or a note from Amsterdam, Warsaw, Stockholm, Copenhagen, Oslo, Brussels, Dublin
or Zurich carries its country's identity number after the word that names it. The attack: each
number, valid by its checksum, after its label (found, with its own type, not as a phone number),
without a label (not reported: a check digit alone lets one random number in ten through), and
one digit off (not reported). Values are generated with python-stdnum's own checks.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.ch import ssn as ch_ssn
from stdnum.nl import bsn

from veil.pii import PiiConfig, PiiEngine
from veil.pii.surrogates import GENERATORS

# (label, value, type): invented values whose checks hold
LABELLED = [
    ("BSN", "111222333", "NL_BSN"),
    ("burgerservicenummer:", "1112.22.333", "NL_BSN"),
    ("PESEL", "44051401359", "PL_PESEL"),
    ("personnummer", "811218-9876", "SE_PERSONAL_ID"),
    ("personnummer", "19811218-9876", "SE_PERSONAL_ID"),
    ("CPR-nr.", "070761-4285", "DK_CPR"),
    ("fødselsnummer", "151086 95088", "NO_PERSONAL_ID"),
    ("rijksregisternummer", "85073003328", "BE_NATIONAL_NUMBER"),
    ("PPSN", "1234567TW", "IE_PPS"),
    ("AHV-Nr.", "7561234567897", "CH_AHV"),
]


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _typed(engine: PiiEngine, text: str, value: str) -> set[str]:
    start = text.index(value)
    return {str(e.type) for e in engine.detect(text) if e.start <= start and e.end >= start + len(value)}


@pytest.mark.parametrize(("label", "value", "kind"), LABELLED)
def test_a_number_after_its_label_is_found_with_its_type(
    engine: PiiEngine, label: str, value: str, kind: str
) -> None:
    assert _typed(engine, f"Klant: {label} {value}, graag bevestigen", value) == {kind}


@pytest.mark.parametrize(("label", "value", "kind"), [c for c in LABELLED if c[2] != "DK_CPR"])
def test_one_digit_off_is_not_that_number(engine: PiiEngine, label: str, value: str, kind: str) -> None:
    i = max(i for i, c in enumerate(value) if c.isdigit())
    wrong = value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]
    assert kind not in _typed(engine, f"{label} {wrong} noted", wrong)


def test_a_cpr_number_is_checked_by_its_date_alone(engine: PiiEngine) -> None:
    """Danish CPR numbers have had no check digit since 2007: the birth date is all there is."""
    assert _typed(engine, "CPR-nr. 070761-4286 noted", "070761-4286") == {"DK_CPR"}
    assert "DK_CPR" not in _typed(engine, "CPR-nr. 320761-4285 noted", "320761-4285")


@pytest.mark.parametrize("value", ["111222333", "44051401359", "85073003328", "1234567TW"])
def test_a_bare_number_without_its_label_is_not_reported(engine: PiiEngine, value: str) -> None:
    assert _typed(engine, f"order {value} shipped on time", value) == set()


def test_the_written_forms_that_stand_alone(engine: PiiEngine) -> None:
    """The Swiss number with its dots and "756", the Belgian one written as a date, a dash and
    dotted digits: rare enough in text to need no label."""
    assert _typed(engine, "see 756.1234.5678.97 above", "756.1234.5678.97") == {"CH_AHV"}
    assert _typed(engine, "see 85.07.30-033.28 above", "85.07.30-033.28") == {"BE_NATIONAL_NUMBER"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.integers(10_000_000, 99_999_999))
def test_any_valid_bsn_after_its_label(engine: PiiEngine, body: int) -> None:
    digits = str(body)
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    check = total % 11
    if check == 10:
        return  # no ninth digit makes this body valid
    value = digits + str(check)
    assert bsn.is_valid(value)
    assert _typed(engine, f"BSN: {value}", value) == {"NL_BSN"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.integers(0, 999_999_999))
def test_any_valid_swiss_number_in_its_dotted_form(engine: PiiEngine, body: int) -> None:
    digits = f"756{body:09d}"
    value = next(digits + c for c in "0123456789" if ch_ssn.is_valid(digits + c))
    dotted = f"{value[:3]}.{value[3:7]}.{value[7:11]}.{value[11:]}"
    assert _typed(engine, f"Versicherter {dotted} gemeldet", dotted) == {"CH_AHV"}


@pytest.mark.parametrize("kind", ["NL_BSN", "CH_AHV", "PL_PESEL", "IE_PPS"])
def test_surrogates_keep_the_layout(kind: str) -> None:
    from faker import Faker

    value = next(v for _, v, k in LABELLED if k == kind)
    made = GENERATORS[kind](value, random.Random(7), Faker())
    assert made != value and len(made) == len(value)
    assert [c.isdigit() for c in made] == [c.isdigit() for c in value]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("geboren op 5 maart 1984 in Utrecht", "5 maart 1984"),
        ("nascido em 5 de março de 1984", "5 de março de 1984"),
        ("vertrokken op 12 mei 2020", "12 mei 2020"),
        ("出生于1984年3月5日。", "1984年3月5日"),
        ("生年月日: 1984年3月5日", "1984年3月5日"),
    ],
)
def test_dates_in_dutch_portuguese_chinese_and_japanese(engine: PiiEngine, text: str, date: str) -> None:
    assert _typed(engine, text, date) == {"DATE_TIME"}
