"""Personal numbers under a record's generic key (recognizers/id_fields.py): a number of any
country under "ssn", "national_id", "personalId" in JSON, YAML, XML, key=value logs and query
strings is found with the type its checksum gives; a value under another key, a value that
validates nothing and a generic key in prose without a value are not."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.id_fields import generic_id_key, id_type

# (value, its type): checksummed numbers of several countries, invented for these tests
NUMBERS = [
    ("811218-9876", EntityType.SE_PERSONAL_ID),
    ("070761-4285", EntityType.DK_CPR),
    ("15108695088", EntityType.NO_PERSONAL_ID),
    ("44051401359", EntityType.PL_PESEL),
    ("131052-308T", EntityType.FI_PERSONAL_ID),
    ("756.9217.0769.85", EntityType.CH_AHV),
    ("85073003328", EntityType.BE_NATIONAL_NUMBER),
    ("536-90-4399", EntityType.US_SSN),
]
RECORDS = [
    '{{"customer": {{"full_name": "Ines Varga", "{key}": "{value}"}}}}',
    "profile:\n  {key}: {value}\n  lang: en",
    "<person><{key}>{value}</{key}></person>",
    "2026-03-01 INFO saved record {key}={value} status=ok",
    "GET /api/people?{key}={value}&page=1",
    "$row = ['{key}' => '{value}'];",
]
KEYS = [
    "ssn",
    "national_id",
    "nationalId",
    "personal_number",
    "customer_ssn",
    "social-security-no",
    "id_number",
]


def found(engine: PiiEngine, text: str) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], str(e.type)) for e in engine.detect(text)]


@pytest.mark.parametrize(("value", "kind"), NUMBERS)
@pytest.mark.parametrize("record", RECORDS)
def test_a_number_under_a_generic_key_is_found_with_its_type(
    rules_engine: PiiEngine, record: str, value: str, kind: str
) -> None:
    text = record.format(key="ssn" if "<" in record else "national_id", value=value)
    assert (value, str(kind)) in found(rules_engine, text), text


@given(key=st.sampled_from(KEYS), number=st.sampled_from(NUMBERS), record=st.sampled_from(RECORDS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_key_may_be_written_in_any_case_style(
    rules_engine: PiiEngine, key: str, number: tuple[str, str], record: str
) -> None:
    value, kind = number
    assert generic_id_key(key)
    assert id_type(value) == kind
    text = record.format(key=key, value=value)
    assert (value, str(kind)) in found(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        '{"order_id": "811218-9876", "sku": "44051401359"}',
        '{"id": 811218, "version": "2.14.3", "count": 9876}',
        "user_id=536904399&page=2",
        "timeout=30 retries=5 id=20240501",
        "national_id: REDACTED",
        '{"ssn": "123456"}',
        "The tax id field is optional; enter 0 if none.",
        "The ID number is printed on the back of the card.",
    ],
)
def test_other_keys_and_values_that_validate_nothing_stay_clean(rules_engine: PiiEngine, text: str) -> None:
    kinds = {kind for _, kind in found(rules_engine, text)}
    assert not kinds & {str(kind) for _, kind in NUMBERS}, text


@pytest.mark.parametrize(
    ("key", "generic"),
    [
        ("ssn", True),
        ("socialSecurityNumber", True),
        ("holder.national_id", True),
        ("PERSONAL_ID_NO", True),
        ("order_id", False),
        ("id", False),
        ("session", False),
        ("tin_can", False),
    ],
)
def test_generic_keys(key: str, generic: bool) -> None:
    assert generic_id_key(key) is generic
