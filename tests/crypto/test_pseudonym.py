"""Pseudonyms: keyed, stable, fixed-width, collision-free in practice."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.crypto.pseudonym import PSEUDONYM_HEX, Pseudonymizer
from veil.workspace import Workspace

KEY = bytes(range(32))
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_pseudonym_is_32_lowercase_hex_chars() -> None:
    p = Pseudonymizer(KEY)("P0000001")
    assert PSEUDONYM_HEX == 32
    assert HEX32.match(p)
    assert Pseudonymizer.looks_like(p)


def test_pseudonym_is_the_truncated_hmac_sha256() -> None:
    expected = hmac.new(KEY, b"P0000001", hashlib.sha256).hexdigest()[:32]
    assert Pseudonymizer(KEY)("P0000001") == expected


def test_pseudonym_is_stable_across_instances() -> None:
    assert Pseudonymizer(KEY)("alice") == Pseudonymizer(bytes(KEY))("alice")
    pz = Pseudonymizer(KEY)
    assert [pz("alice") for _ in range(3)] == [pz("alice")] * 3


def test_pseudonym_differs_per_key() -> None:
    other = os.urandom(32)
    assert Pseudonymizer(KEY)("alice") != Pseudonymizer(other)("alice")


def test_pseudonym_is_not_the_id_or_a_plain_hash() -> None:
    p = Pseudonymizer(KEY)("alice")
    assert "alice" not in p
    assert p != hashlib.sha256(b"alice").hexdigest()[:32]


def test_repr_hides_the_key() -> None:
    text = repr(Pseudonymizer(KEY))
    assert KEY.hex() not in text and repr(KEY) not in text
    assert "hidden" in text


def test_workspace_pseudonyms_are_stable_across_opens(ws: Workspace) -> None:
    p = ws.pseudonymize("P0000001")
    again = Workspace.open(ws.root)
    try:
        assert again.pseudonymize("P0000001") == p
    finally:
        again.close()


def test_two_workspaces_give_different_pseudonyms(ws: Workspace, tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "other") as other:
        assert other.pseudonymize("P0000001") != ws.pseudonymize("P0000001")


@given(subject=st.text(max_size=100))
def test_any_id_gives_a_well_formed_pseudonym(subject: str) -> None:
    p = Pseudonymizer(KEY)(subject)
    assert HEX32.match(p)
    assert Pseudonymizer(KEY)(subject) == p


@given(
    ids=st.lists(st.text(max_size=30), min_size=2, max_size=200, unique=True),
    key=st.binary(min_size=32, max_size=32),
)
@settings(max_examples=50)
def test_distinct_ids_give_distinct_pseudonyms(ids: list[str], key: bytes) -> None:
    pz = Pseudonymizer(key)
    pseudonyms = [pz(i) for i in ids]
    assert len(set(pseudonyms)) == len(ids)


def test_no_collisions_in_a_large_sample() -> None:
    pz = Pseudonymizer(os.urandom(32))
    ids = [f"P{i:07d}" for i in range(50_000)]
    assert len({pz(i) for i in ids}) == len(ids)


@given(a=st.text(max_size=20), b=st.text(max_size=20))
def test_equal_pseudonyms_only_for_equal_ids(a: str, b: str) -> None:
    pz = Pseudonymizer(KEY)
    assert (pz(a) == pz(b)) == (a == b)


def test_looks_like_rejects_non_pseudonyms() -> None:
    assert not Pseudonymizer.looks_like("P0000001")
    assert not Pseudonymizer.looks_like("A" * 32)  # upper case
    assert not Pseudonymizer.looks_like("a" * 31)
    assert not Pseudonymizer.looks_like("g" * 32)
    assert Pseudonymizer.looks_like("0" * 32)


@given(subject=st.text(max_size=200), key=st.binary(min_size=0, max_size=130))
@settings(max_examples=200)
def test_pseudonym_equals_the_stdlib_hmac_for_any_key_and_id(subject: str, key: bytes) -> None:
    # The precomputed inner/outer states are an optimisation of RFC 2104, not a new function.
    expected = hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()[:32]
    pz = Pseudonymizer(key)
    assert pz(subject) == expected
    assert pz.many([subject, subject]) == [expected, expected]


def test_many_gives_the_pseudonyms_in_order() -> None:
    pz = Pseudonymizer(KEY)
    ids = [f"P{i:07d}" for i in range(500)] + ["", "ünïcødé", "P0000001"]
    assert pz.many(ids) == [pz(i) for i in ids]
    assert pz.many([]) == []
