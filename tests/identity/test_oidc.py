"""OIDC tokens against a real JWKS endpoint (RS256 and ES256 keys served over HTTP)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.support.oidc import JwksServer

from veil.errors import AuthenticationError, ConfigError, PermissionDeniedError
from veil.identity.oidc import OidcSettings, OidcVerifier


@pytest.fixture(scope="module")
def idp() -> Iterator[JwksServer]:
    with JwksServer() as server:
        yield server


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_valid_tokens_map_groups_to_roles(idp: JwksServer, alg: str) -> None:
    verifier = OidcVerifier(idp.settings())
    who = verifier.verify(idp.token(alg, groups=["staff", "veil-analysts"]))
    assert (who.subject, who.role, who.purposes) == ("user-42", "analyst", frozenset({"research"}))
    # the first role_map entry the token holds wins
    assert verifier.verify(idp.token(alg, groups=["veil-analysts", "veil-admins"])).role == "admin"


def test_bad_tokens_are_refused(idp: JwksServer) -> None:
    verifier = OidcVerifier(idp.settings())
    now = int(time.time())
    good = idp.token()
    head, body, sig = good.split(".")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = idp.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = idp.claims()
    hs_header = _b64(json.dumps({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}).encode())
    hs_body = _b64(json.dumps(claims).encode())
    import hashlib
    import hmac

    hs_sig = _b64(hmac.new(public_pem, f"{hs_header}.{hs_body}".encode(), hashlib.sha256).digest())
    bad = {
        "expired": idp.token(exp=now - 10, iat=now - 400, nbf=now - 400),
        "not yet valid": idp.token(nbf=now + 600),
        "wrong audience": idp.token(aud="someone-else"),
        "wrong issuer": idp.token(iss="https://evil.test"),
        "no exp": idp.token(exp=None),
        "alg none": jwt.encode(claims, "", algorithm="none"),
        "HS256 with the public key": f"{hs_header}.{hs_body}.{hs_sig}",
        "tampered signature": f"{head}.{body}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}",
        "tampered claims": f"{head}.{_b64(json.dumps({**claims, 'groups': ['veil-admins']}).encode())}.{sig}",
        "another key": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "rsa-1"}),
        "unknown kid": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "rsa-9"}),
        "RS256 signed, ES key named": idp.token("RS256", kid="ec-1"),
        "garbage": "not-a-jwt",
    }
    for name, token in bad.items():
        with pytest.raises(AuthenticationError) as info:
            verifier.verify(token)
        assert token not in info.value.message, name
    with pytest.raises(PermissionDeniedError, match="no Veil role"):
        verifier.verify(idp.token(groups=["staff"]))


def test_settings_refuse_symmetric_algorithms_and_unknown_roles(idp: JwksServer) -> None:
    for algs in (("HS256",), ("none",), ()):
        with pytest.raises(ConfigError):
            idp.settings(algorithms=algs)
    with pytest.raises(ConfigError):
        idp.settings(role_map=(("g", "root"),))
    with pytest.raises(ConfigError):
        idp.settings(role_map=(("g", "subject"),))
    with pytest.raises(ConfigError, match="jwks_url"):
        OidcSettings.from_dict({"issuer": "i", "audience": "a", "jwks_url": "file:///etc/passwd"})
    with pytest.raises(ConfigError, match="lacks"):
        OidcSettings.from_dict({"issuer": "i"})


def test_an_algorithm_outside_the_allow_list_is_refused(idp: JwksServer) -> None:
    verifier = OidcVerifier(idp.settings(algorithms=("ES256",)))
    with pytest.raises(AuthenticationError, match="not allowed"):
        verifier.verify(idp.token("RS256"))
    assert verifier.verify(idp.token("ES256")).role == "analyst"
