from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.breach.leak import parse_leak, parse_leaks
from veil.errors import InputError


def test_every_kind_parses() -> None:
    assert parse_leak("dataset:visits").spec == "dataset:visits"
    assert parse_leak("data-store").kind == "data-store"
    assert parse_leak("key-store").kind == "key-store"
    assert parse_leak("kek:k123").value == "k123"
    assert parse_leak("release:0042").value == "42"
    leak = parse_leak("access:svc:etl@2026-12-01T08:00:00Z..2026-12-01T09:30:00.5+01:00")
    assert leak.actor == "svc:etl"
    assert leak.start == "2026-12-01T08:00:00.000000Z"
    assert leak.end == "2026-12-01T08:30:00.500000Z"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "dataset:",
        "dataset",
        "table:x",
        "release:abc",
        "access:bob",
        "access:@2026-01-01T00:00:00Z..2026-01-02T00:00:00Z",
        "access:bob@2026-01-02T00:00:00Z..2026-01-01T00:00:00Z",
        "access:bob@2026-01-01..2026-01-02",  # no time zone
        "access:bob@yesterday..today",
    ],
)
def test_bad_specs_are_clear_errors(spec: str) -> None:
    with pytest.raises(InputError):
        parse_leak(spec)


def test_at_least_one_leak_and_duplicates_collapse() -> None:
    with pytest.raises(InputError, match="at least one"):
        parse_leaks([])
    assert [leak.spec for leak in parse_leaks(["data-store", "data-store", "kek:a"])] == [
        "data-store",
        "kek:a",
    ]


@given(st.text(max_size=60))
def test_any_text_parses_or_is_an_input_error(text: str) -> None:
    try:
        leak = parse_leak(text)
    except InputError:
        return
    assert leak.spec
