"""The one signed-document mechanism (receipts and certificates): round trips and domain separation."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.crypto.signature import DocumentKind, canonical, key_id, sign_document, verify_document
from veil.errors import InputError, ReceiptInvalidError

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
A = DocumentKind(field="receipt", domain=b"veil:test-a:v1\n", title="test A")
B = DocumentKind(field="receipt", domain=b"veil:test-b:v1\n", title="test B")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6), st.text(min_size=1, max_size=8))
def test_round_trip_and_any_added_key_is_refused(body: dict[str, Any], extra: str) -> None:
    doc = sign_document(KEY, A, body)
    assert verify_document(copy.deepcopy(doc), KEY.public_key(), A) == body
    assert doc["signature"]["key_id"] == key_id(KEY.public_key())
    # The same bytes under another kind's domain are refused (a receipt is no certificate).
    with pytest.raises(ReceiptInvalidError, match="altered"):
        verify_document(doc, KEY.public_key(), B)
    changed = copy.deepcopy(doc)
    changed["receipt"][extra] = "added" if changed["receipt"].get(extra) != "added" else "other"
    with pytest.raises(ReceiptInvalidError, match="altered"):
        verify_document(changed, KEY.public_key(), A)


def test_canonical_bytes_and_nan_refused() -> None:
    assert canonical({"b": 1, "a": [1.5, "é"]}) == '{"a":[1.5,"é"],"b":1}'.encode()
    with pytest.raises(InputError, match="without NaN"):
        sign_document(KEY, A, {"x": float("nan")})
    with pytest.raises(InputError):
        sign_document(KEY, A, {"x": object()})
