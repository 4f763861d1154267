"""VAT and tax numbers without their country prefix (recognizers/vat_numbers.py): found after
their national label when the country's check digits hold, never without a label, never when
no country's check holds."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.vat_numbers import NATIONAL_VAT_LABELS, is_national_vat_number

HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LABELS = sorted(NATIONAL_VAT_LABELS)
SENTENCES = (
    "{label} {value}",
    "{label}: {value} (registered office)",
    "Invoice issued by ACME, {label} {value}.",
)


def valid_value(label: str, rng: random.Random) -> str:
    """A number one of ``label``'s countries accepts, drawn by rejection (lengths 8 to 11, the
    Dutch form with its B-suffix)."""
    checks = NATIONAL_VAT_LABELS[label]
    for _ in range(200_000):
        length = rng.randint(8, 11)
        value = str(rng.randint(10 ** (length - 1), 10**length - 1))
        if rng.random() < 0.3:
            value = f"{rng.randint(10**8, 10**9 - 1)}B0{rng.randint(1, 9)}"
        if any(check(value) for check in checks):
            return value
    raise AssertionError(f"no valid value drawn for {label}")


def vat_spans(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.VAT_ID]


@pytest.mark.parametrize("label", LABELS)
@given(seed=st.integers(0, 2**32 - 1), sentence=st.sampled_from(SENTENCES))
@HYPOTHESIS
def test_a_valid_number_after_its_label_is_found_exactly(
    rules_engine: PiiEngine, label: str, seed: int, sentence: str
) -> None:
    value = valid_value(label, random.Random(seed))
    text = sentence.format(label=label.upper() if len(label) <= 4 else label, value=value)
    assert value in vat_spans(rules_engine, text), text


@given(seed=st.integers(0, 2**32 - 1), label=st.sampled_from(LABELS))
@HYPOTHESIS
def test_a_number_no_country_accepts_is_not_a_vat_number(
    rules_engine: PiiEngine, seed: int, label: str
) -> None:
    rng = random.Random(seed)
    value = str(rng.randint(10**9, 10**10 - 1))
    while is_national_vat_number(value):
        value = str(rng.randint(10**9, 10**10 - 1))
    text = f"{label} {value}"
    assert vat_spans(rules_engine, text) == [], text


@given(seed=st.integers(0, 2**32 - 1))
@HYPOTHESIS
def test_a_valid_number_without_a_label_is_not_a_vat_number(rules_engine: PiiEngine, seed: int) -> None:
    value = valid_value("partita iva", random.Random(seed))
    text = f"Shipment {value} left the warehouse on time."
    assert vat_spans(rules_engine, text) == [], text


def test_a_label_word_inside_prose_with_a_year_or_percentage_finds_nothing(rules_engine: PiiEngine) -> None:
    for text in ("TVA 20 % incluse", "a nip of 2024 cold", "the CVR of 12 patients", "NIP 2024-11-30"):
        assert vat_spans(rules_engine, text) == [], text
