"""Record fields named by their key (recognizers/columns.py, FieldFinder): a JSON, YAML, XML,
query-string or key=value field is a one-row table under its key, so a key that names a phone,
a login, an account, a passport, a licence or a customer/policy/claim number makes its value one,
in any case style of the key ("phoneNumber", "phone_number", "Phone-Number", <PhoneNumber>). A
count under such a key, a code assignment, a login that is a program's account and a name under a
name key stay clean."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine

# (key words, value, type): values invented for these tests
FIELDS: list[tuple[tuple[str, ...], str, str]] = [
    (("phone", "number"), "0821234567", EntityType.PHONE_NUMBER),
    (("mobile",), "0721 555 019", EntityType.PHONE_NUMBER),
    (("user", "name"), "lwalker77", EntityType.USERNAME),
    (("login",), "m.ferreira", EntityType.USERNAME),
    (("account", "number"), "004412298770", EntityType.BANK_ACCOUNT),
    (("passport", "number"), "C03005988", EntityType.PASSPORT),
    (("license", "no"), "S530-4128-9921", EntityType.DRIVER_LICENSE),
    (("policy", "number"), "AB-1234567", EntityType.REFERENCE_NUMBER),
    (("member", "id"), "M88120455", EntityType.REFERENCE_NUMBER),
]


def snake(words: tuple[str, ...]) -> str:
    return "_".join(words)


def camel(words: tuple[str, ...]) -> str:
    return words[0] + "".join(w.title() for w in words[1:])


def pascal(words: tuple[str, ...]) -> str:
    return "".join(w.title() for w in words)


Record = Callable[[tuple[str, ...], str], str]
RECORDS: list[Record] = [
    lambda k, v: f'{{"{camel(k)}": "{v}", "active": true}}',
    lambda k, v: f"contact:\n  {snake(k)}: {v}\n  lang: pt",
    lambda k, v: f"<Customer><{pascal(k)}>{v}</{pascal(k)}></Customer>",
    lambda k, v: f'2026-02-11 12:00:03 WARN update {snake(k)}="{v}" result=denied',
    lambda k, v: f"POST /v2/profile?{snake(k)}={v}&lang=de",
]


def found(engine: PiiEngine, text: str) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], str(e.type)) for e in engine.detect(text)]


@given(field=st.sampled_from(FIELDS), record=st.sampled_from(RECORDS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_value_under_a_key_that_names_its_kind_is_found(
    rules_engine: PiiEngine, field: tuple[tuple[str, ...], str, str], record: Record
) -> None:
    words, value, kind = field
    text = record(words, value)
    if kind == EntityType.USERNAME and "?" in text:
        return  # a bare login after "=" is the login rule's (code writes user=request.user too)
    assert (value, str(kind)) in found(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        "dl = 10",
        '{"account": 2, "phone": "n/a"}',
        "user = get_user(request)",
        "handle = open(path)",
        '{"user": "root", "login": "admin"}',
        "user: Maja",
        '{"passport": "pending", "policy_number": "TBD"}',
        "name: Build and Test",
    ],
)
def test_counts_code_and_accounts_of_programs_stay_clean(rules_engine: PiiEngine, text: str) -> None:
    kinds = {kind for _, kind in found(rules_engine, text)}
    assert not kinds & {str(kind) for _, _, kind in FIELDS}, (text, kinds)
