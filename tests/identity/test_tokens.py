"""Veil-issued access tokens: EdDSA, at most 15 minutes, bound to their key."""

from __future__ import annotations

import time

import jwt
import pytest

from veil.errors import AuthenticationError, InputError
from veil.identity.keys import ApiKeys
from veil.identity.tokens import AUDIENCE, TokenIssuer
from veil.workspace import Workspace


def test_a_token_names_its_key_and_lives_at_most_15_minutes(ws: Workspace) -> None:
    made = ApiKeys(ws).create("dpo")
    issuer = TokenIssuer(ws)
    issued = issuer.issue(made.key)
    assert 0 < issued.expires_in <= 15 * 60
    header = jwt.get_unverified_header(issued.token)
    assert header["alg"] == "EdDSA"
    claims = jwt.decode(issued.token, options={"verify_signature": False})
    assert claims["sub"] == made.key.id and claims["aud"] == AUDIENCE
    assert claims["exp"] - claims["iat"] <= 900
    assert made.token.split("_", 2)[2] not in issued.token  # the secret (it may hold "_") is not in it
    assert issuer.verify(issued.token) == made.key.id
    assert TokenIssuer(ws).verify(issued.token) == made.key.id  # the key lives in the key store
    with pytest.raises(InputError):
        issuer.issue(made.key, minutes=16)


def test_forged_expired_and_foreign_tokens_are_refused(ws: Workspace, tmp_path: object) -> None:
    made = ApiKeys(ws).create("dpo")
    issuer = TokenIssuer(ws)
    token = issuer.issue(made.key).token
    head, body, sig = token.split(".")
    tampered_sig = f"{head}.{body}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["sub"] = "000000000000"
    forged_body = jwt.encode(claims, "k" * 32, algorithm="HS256").split(".")[1]
    swapped = f"{head}.{forged_body}.{sig}"
    unsigned = jwt.encode(claims, "", algorithm="none")
    now = int(time.time())
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = jwt.encode(
        {**claims, "iat": now, "nbf": now, "exp": now + 60}, Ed25519PrivateKey.generate(), algorithm="EdDSA"
    )
    for bad in (tampered_sig, swapped, unsigned, other, "a.b.c"):
        with pytest.raises(AuthenticationError):
            issuer.verify(bad)
    private = issuer._private
    expired = jwt.encode({**claims, "iat": now - 1000, "nbf": now - 1000, "exp": now - 100}, private, "EdDSA")
    too_long = jwt.encode({**claims, "iat": now, "nbf": now, "exp": now + 3600}, private, "EdDSA")
    early = jwt.encode({**claims, "iat": now, "nbf": now + 600, "exp": now + 900}, private, "EdDSA")
    for bad in (expired, too_long, early):
        with pytest.raises(AuthenticationError):
            issuer.verify(bad)
