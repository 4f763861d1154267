"""Envelope encryption: sealed fields round-trip and are bound to where they belong."""

from __future__ import annotations

import dataclasses
from typing import TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.crypto.envelope import (
    BLOB_VERSION,
    DEK_BYTES,
    NONCE_BYTES,
    DataKey,
    dek_aad,
    field_aad,
    field_aad_prefix,
    field_aad_suffixes,
    seal_many,
)
from veil.errors import CryptoError

PSEUDONYM = "0123456789abcdef0123456789abcdef"
OTHER_PSEUDONYM = "fedcba9876543210fedcba9876543210"


class Where(TypedDict):
    dataset: str
    row_id: str
    column: str


WHERE: Where = {"dataset": "visits", "row_id": "a1b2c3:1", "column": "email"}
TAG_BYTES = 16


@pytest.fixture
def key() -> DataKey:
    return DataKey.generate(PSEUDONYM)


def test_generate_makes_a_fresh_256_bit_key_per_subject() -> None:
    a, b = DataKey.generate(PSEUDONYM), DataKey.generate(PSEUDONYM)
    assert len(a.key) == DEK_BYTES == 32
    assert a.key != b.key
    assert a.version == 1 and a.pseudonym == PSEUDONYM


@given(text=st.text(max_size=300))
@settings(max_examples=100)
def test_seal_field_round_trips_any_text(text: str) -> None:
    key = DataKey.generate(PSEUDONYM)
    blob = key.seal_field(text, **WHERE)
    assert key.open_field(blob, **WHERE) == text
    # Layout: version byte, nonce, ciphertext (same length as the UTF-8 plaintext), tag.
    assert blob[:1] == BLOB_VERSION
    assert len(blob) == 1 + NONCE_BYTES + len(text.encode()) + TAG_BYTES


@given(data=st.binary(max_size=300), aad=st.binary(max_size=64))
def test_seal_open_round_trips_any_bytes(data: bytes, aad: bytes) -> None:
    key = DataKey.generate(PSEUDONYM)
    assert key.open(key.seal(data, aad), aad) == data


def test_seal_field_and_seal_agree_on_the_associated_data(key: DataKey) -> None:
    blob = key.seal_field("alice@example.com", **WHERE)
    aad = field_aad(PSEUDONYM, "visits", "a1b2c3:1", "email", key.version)
    assert key.open(blob, aad) == b"alice@example.com"


def test_same_value_sealed_twice_gives_different_blobs(key: DataKey) -> None:
    a = key.seal_field("same", **WHERE)
    b = key.seal_field("same", **WHERE)
    assert a != b  # fresh nonce each time
    assert a[1 : 1 + NONCE_BYTES] != b[1 : 1 + NONCE_BYTES]


def test_explicit_nonce_is_used(key: DataKey) -> None:
    nonce = bytes(range(NONCE_BYTES))
    blob = key.seal_field("x", nonce=nonce, **WHERE)
    assert blob[1 : 1 + NONCE_BYTES] == nonce
    assert key.open_field(blob, **WHERE) == "x"


@given(text=st.text(min_size=0, max_size=40), position=st.integers(min_value=0), bit=st.integers(0, 7))
@settings(max_examples=100)
def test_flipping_any_bit_of_a_blob_is_rejected(text: str, position: int, bit: int) -> None:
    key = DataKey.generate(PSEUDONYM)
    blob = bytearray(key.seal_field(text, **WHERE))
    blob[position % len(blob)] ^= 1 << bit
    with pytest.raises(CryptoError):
        key.open_field(bytes(blob), **WHERE)


def test_flipping_each_byte_is_rejected(key: DataKey) -> None:
    blob = key.seal_field("555-12-3456", **WHERE)
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 0xFF
        with pytest.raises(CryptoError):
            key.open_field(bytes(tampered), **WHERE)


@pytest.mark.parametrize(
    "moved",
    [
        Where(dataset="claims", row_id="a1b2c3:1", column="email"),  # another dataset
        Where(dataset="visits", row_id="a1b2c3:2", column="email"),  # another row
        Where(dataset="visits", row_id="a1b2c3:1", column="phone"),  # another field
    ],
    ids=["dataset", "row-id", "field"],
)
def test_blob_moved_to_another_place_is_rejected(key: DataKey, moved: Where) -> None:
    blob = key.seal_field("alice@example.com", **WHERE)
    with pytest.raises(CryptoError, match="failed authentication"):
        key.open_field(blob, **moved)


def test_blob_moved_to_another_subject_is_rejected(key: DataKey) -> None:
    blob = key.seal_field("alice@example.com", **WHERE)
    # Same key material but another subject's pseudonym: the associated data differs.
    other = DataKey(OTHER_PSEUDONYM, key.version, key.key)
    with pytest.raises(CryptoError):
        other.open_field(blob, **WHERE)
    # Another subject's own key fails too.
    with pytest.raises(CryptoError):
        DataKey.generate(OTHER_PSEUDONYM).open_field(blob, **WHERE)


def test_blob_under_another_dek_version_is_rejected(key: DataKey) -> None:
    blob = key.seal_field("alice@example.com", **WHERE)
    bumped = DataKey(key.pseudonym, key.version + 1, key.key)
    with pytest.raises(CryptoError):
        bumped.open_field(blob, **WHERE)


@pytest.mark.parametrize(
    "other",
    [
        field_aad(OTHER_PSEUDONYM, "visits", "r1", "email", 1),
        field_aad(PSEUDONYM, "claims", "r1", "email", 1),
        field_aad(PSEUDONYM, "visits", "r2", "email", 1),
        field_aad(PSEUDONYM, "visits", "r1", "phone", 1),
        field_aad(PSEUDONYM, "visits", "r1", "email", 2),
        dek_aad(PSEUDONYM, 1),
        b"",
    ],
)
def test_open_with_any_other_associated_data_is_rejected(key: DataKey, other: bytes) -> None:
    aad = field_aad(PSEUDONYM, "visits", "r1", "email", 1)
    assert other != aad
    blob = key.seal(b"secret", aad)
    assert key.open(blob, aad) == b"secret"
    with pytest.raises(CryptoError):
        key.open(blob, other)


def test_field_aad_names_every_binding() -> None:
    aad = field_aad(PSEUDONYM, "visits", "r9", "notes", 3)
    assert aad == f"veil:f1|visits|notes|{PSEUDONYM}|r9|3".encode()
    assert dek_aad(PSEUDONYM, 3) == f"veil:dek1|{PSEUDONYM}|3".encode()


@pytest.mark.parametrize("keep", [0, 1, NONCE_BYTES, NONCE_BYTES + 1, NONCE_BYTES + TAG_BYTES])
def test_short_blob_is_rejected(key: DataKey, keep: int) -> None:
    blob = key.seal_field("value", **WHERE)
    with pytest.raises(CryptoError, match="truncated"):
        key.open_field(blob[:keep], **WHERE)


def test_truncated_blob_is_rejected_at_every_length(key: DataKey) -> None:
    blob = key.seal_field("a longer value that spans blocks", **WHERE)
    for n in range(len(blob)):
        with pytest.raises(CryptoError):
            key.open_field(blob[:n], **WHERE)
    with pytest.raises(CryptoError):
        key.open_field(blob + b"\x00", **WHERE)


def test_unknown_blob_version_is_rejected(key: DataKey) -> None:
    blob = key.seal_field("value", **WHERE)
    with pytest.raises(CryptoError, match="not a Veil field blob"):
        key.open_field(b"\x02" + blob[1:], **WHERE)


def test_repr_never_shows_key_bytes(key: DataKey) -> None:
    _ = key.aead  # the cached AEAD must not leak either
    text = repr(key) + str(key)
    assert key.key.hex() not in text
    assert repr(key.key) not in text
    assert key.key.hex()[:16] not in text.lower()
    assert PSEUDONYM in text  # it does say whose key it is
    fields = {f.name: f.repr for f in dataclasses.fields(DataKey)}
    assert fields["key"] is False and fields["_aead"] is False


@given(values=st.lists(st.text(max_size=80), max_size=20))
@settings(max_examples=50)
def test_seal_many_makes_what_seal_field_opens(values: list[str]) -> None:
    # The bulk path (ingest) must produce blobs the one-field path opens: same layout, same
    # associated data, each value under its own row's key.
    keys = [DataKey.generate(f"{i:032x}") for i in range(len(values))]
    rows = [f"a1b2c3:{i}" for i in range(len(values))]
    suffixes = field_aad_suffixes([k.pseudonym for k in keys], rows, [k.version for k in keys])
    prefix = field_aad_prefix("visits", "email")
    blobs = seal_many([k.aead for k in keys], [v.encode() for v in values], [prefix + s for s in suffixes])
    for key, row, value, blob in zip(keys, rows, values, blobs, strict=True):
        assert blob[:1] == BLOB_VERSION
        assert key.open_field(blob, dataset="visits", row_id=row, column="email") == value
    assert len({b[1 : 1 + NONCE_BYTES] for b in blobs}) == len(blobs)  # a fresh nonce each


def test_seal_many_blobs_are_bound_to_their_row_and_key() -> None:
    a, b = DataKey.generate(PSEUDONYM), DataKey.generate(OTHER_PSEUDONYM)
    aads = [field_aad(k.pseudonym, "visits", "r:1", "email", 1) for k in (a, b)]
    blob_a, blob_b = seal_many([a.aead, b.aead], [b"x", b"y"], aads)
    with pytest.raises(CryptoError):
        b.open(blob_a, aads[0])  # another subject's key
    with pytest.raises(CryptoError):
        a.open(blob_a, aads[1])  # another subject's associated data
    assert b.open(blob_b, aads[1]) == b"y"
    with pytest.raises(ValueError, match="one key"):
        seal_many([a.aead], [b"x", b"y"], aads)
    assert seal_many([], [], []) == []


def test_make_builds_the_same_key_with_its_aead() -> None:
    made = DataKey.make(PSEUDONYM, 3, bytes(32))
    assert made == DataKey(PSEUDONYM, 3, bytes(32))
    assert made.open(DataKey(PSEUDONYM, 3, bytes(32)).seal(b"v", b"ad"), b"ad") == b"v"
    assert repr(bytes(32)) not in repr(made)
