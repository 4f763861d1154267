"""Numbers that are not what their digits could be (issue 14, class 6): a bare digit run is a
phone number only with phone context or phone formatting; pieces of an invalid IBAN are neither
phone numbers nor cards; a short number whose only evidence is a check digit needs a word that
names it."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine

from . import identifier_values as make

T = EntityType
HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

NEUTRAL = [
    "The value {} appears in the export.",
    "Row {} was skipped",
    "See item {} below.",
    "batch {} finished in 3 s",
]
PHONE_WORDS = ["Call me on {}.", "Tel: {}", "mobile {}", "Phone number {} (evenings)"]


def spans(engine: PiiEngine, text: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], e.type) for e in engine.detect(text) if kind is None or e.type == kind]


@given(number=st.text("0123456789", min_size=9, max_size=13), sentence=st.sampled_from(NEUTRAL))
@HYPOTHESIS
def test_bare_digit_run_without_phone_context_is_not_a_phone(
    rules_engine: PiiEngine, number: str, sentence: str
) -> None:
    text = sentence.format(number)
    assert spans(rules_engine, text, T.PHONE_NUMBER) == []


def test_a_valid_number_that_is_the_whole_value_is_a_phone(rules_engine: PiiEngine) -> None:
    """A cell or JSON field holding only a valid number has no words to judge it by: it is
    reported (the proxy and table masking fail safe); the same digits in a sentence are not."""
    assert spans(rules_engine, "4155550132") == [("4155550132", T.PHONE_NUMBER)]
    assert spans(rules_engine, "Row 4155550132 was skipped", T.PHONE_NUMBER) == []


@given(number=st.text("0123456789", min_size=9, max_size=12), sentence=st.sampled_from(NEUTRAL))
@HYPOTHESIS
def test_bare_short_digit_run_is_nothing_without_context(
    rules_engine: PiiEngine, number: str, sentence: str
) -> None:
    """9-12 digits with no word around them: every checksum-only identifier needs its label."""
    text = sentence.format(number)
    assert spans(rules_engine, text) == []


@given(national=st.integers(2_012_000_000, 9_899_999_999), sentence=st.sampled_from(PHONE_WORDS))
@HYPOTHESIS
def test_valid_us_number_with_phone_words_is_a_phone(
    rules_engine: PiiEngine, national: int, sentence: str
) -> None:
    number = str(national)
    assume(phonenumbers.is_valid_number(phonenumbers.parse(number, "US")))
    text = sentence.format(number)
    assert spans(rules_engine, text, T.PHONE_NUMBER) == [(number, T.PHONE_NUMBER)]


@given(national=st.integers(2_012_000_000, 9_899_999_999))
@HYPOTHESIS
def test_phone_formatting_alone_is_enough(rules_engine: PiiEngine, national: int) -> None:
    number = str(national)
    assume(phonenumbers.is_valid_number(phonenumbers.parse(number, "US")))
    formatted = f"({number[:3]}) {number[3:6]}-{number[6:]}"
    assert spans(rules_engine, f"Ask for {formatted} today", T.PHONE_NUMBER) == [(formatted, T.PHONE_NUMBER)]


def _invalid_iban(rng: random.Random) -> str:
    value = make.iban(rng)
    broken = value[:4] + str((int(value[4]) + 1) % 10) + value[5:]  # one digit off: mod-97 fails
    return " ".join(broken[i : i + 4] for i in range(0, len(broken), 4))


@given(seed=st.integers(0, 2**32 - 1), label=st.sampled_from(["IBAN", "Konto", "Please pay to", "tel."]))
@HYPOTHESIS
def test_fragments_of_an_invalid_iban_are_not_phones_or_cards(
    rules_engine: PiiEngine, seed: int, label: str
) -> None:
    value = _invalid_iban(random.Random(seed))
    found = spans(rules_engine, f"{label} {value} thanks")
    assert not [s for s in found if s[1] in (T.PHONE_NUMBER, T.CREDIT_CARD, T.UK_NHS, T.IBAN_CODE)], found


@given(seed=st.integers(0, 2**32 - 1))
@HYPOTHESIS
def test_nhs_checksum_alone_is_not_enough(rules_engine: PiiEngine, seed: int) -> None:
    from stdnum.gb import nhs

    rng = random.Random(seed)
    value = None
    while value is None:
        value = make.complete(make.digits(rng, 9, "123456789"), lambda v: bool(nhs.is_valid(v)), "0123456789")
    grouped = f"{value[:3]} {value[3:6]} {value[6:]}"
    for text in (
        f"customer {value} closed",
        f"Ref. no {grouped}",
        f"ID AB-{value}",
        f"Patient NHS number {grouped}",
    ):
        found = spans(rules_engine, text, T.UK_NHS)
        assert found == ([(grouped, T.UK_NHS)] if text.startswith("Patient") else []), text


@pytest.mark.parametrize(
    ("generate", "kind"),
    [
        (make.us_npi, T.US_NPI),
        (make.aba_routing, T.BANK_ROUTING),
        (lambda rng: make.aadhaar(rng).replace(" ", ""), T.IN_AADHAAR),
        (lambda rng: make.kr_rrn(rng).replace("-", ""), T.KR_RRN),
        (lambda rng: make.us_itin(rng).replace("-", ""), T.US_ITIN),
    ],
    ids=["npi", "aba", "aadhaar", "rrn", "itin"],
)
def test_checksum_only_short_numbers_need_their_label(rules_engine: PiiEngine, generate, kind: str) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(14)
    for _ in range(25):
        value = generate(rng)
        assert spans(rules_engine, f"Row {value} was skipped", kind) == []


@pytest.mark.parametrize(
    "text", ["Regression against build 33.9.93170.8205.", "release 4.2.16790.1234 shipped"]
)
def test_build_numbers_are_not_phones(rules_engine: PiiEngine, text: str) -> None:
    assert spans(rules_engine, text, T.PHONE_NUMBER) == []
