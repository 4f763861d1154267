"""OWASP API2:2023 Broken Authentication: every bad credential is a 401, and no credential
ever reaches the audit log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.support.api import ApiEnv, close_env, make_env
from tests.support.oidc import JwksServer

from veil.api.settings import ServiceSettings
from veil.identity.keys import ApiKeys


@pytest.fixture
def idp() -> Iterator[JwksServer]:
    with JwksServer() as server:
        yield server


@pytest.fixture
def env(tmp_path: Path, idp: JwksServer) -> Iterator[ApiEnv]:
    made = make_env(tmp_path / "ws", ServiceSettings(oidc=idp.settings()))
    try:
        yield made
    finally:
        close_env(made)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _bad_credentials(env: ApiEnv, idp: JwksServer) -> dict[str, str]:
    now = int(time.time())
    claims = idp.claims(groups=["veil-admins"])
    good = idp.token(groups=["veil-admins"])
    head, body, sig = good.split(".")
    public_pem = idp.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs_head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    hs_body = _b64(json.dumps(claims).encode())
    hs_sig = _b64(hmac.new(public_pem, f"{hs_head}.{hs_body}".encode(), hashlib.sha256).digest())
    revoked = ApiKeys(env.ws).create("admin")
    ApiKeys(env.ws).revoke(revoked.key.id)
    veil_token = env.clients["admin"].post("/v1/auth/token").json()["access_token"]
    v_head, v_body, v_sig = veil_token.split(".")
    v_claims = jwt.decode(veil_token, options={"verify_signature": False})
    admin_key = env.keys["admin"].token
    return {
        "oidc expired": idp.token(groups=["veil-admins"], iat=now - 900, nbf=now - 900, exp=now - 60),
        "oidc not yet valid": idp.token(groups=["veil-admins"], nbf=now + 600),
        "oidc wrong audience": idp.token(groups=["veil-admins"], aud="another-service"),
        "oidc wrong issuer": idp.token(groups=["veil-admins"], iss="https://evil.example"),
        "oidc alg none": jwt.encode(claims, "", algorithm="none"),
        "oidc HS256 keyed with the RSA public key": f"{hs_head}.{hs_body}.{hs_sig}",
        "oidc tampered signature": f"{head}.{body}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}",
        "oidc tampered claims": f"{head}.{_b64(json.dumps({**claims, 'sub': 'root'}).encode())}.{sig}",
        "veil token alg none": jwt.encode(v_claims, "", algorithm="none"),
        "veil token tampered": f"{v_head}.{v_body}.{v_sig[:-4]}{'AAAA' if v_sig[-4:] != 'AAAA' else 'BBBB'}",
        "veil token from another key": jwt.encode(v_claims, Ed25519PrivateKey.generate(), algorithm="EdDSA"),
        "veil token expired": jwt.encode(
            {**v_claims, "iat": now - 2000, "nbf": now - 2000, "exp": now - 1000},
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
        ),
        "revoked key": revoked.token,
        "key with a wrong secret": admin_key[:-3] + ("xyz" if not admin_key.endswith("xyz") else "abc"),
        "unknown key id": "vk_0123456789ab_" + admin_key.split("_", 2)[2],
        "garbage": "not a credential",
    }


def test_every_bad_credential_is_401_and_never_logged(env: ApiEnv, idp: JwksServer) -> None:
    bad = _bad_credentials(env, idp)
    for name, credential in bad.items():
        r = env.client(credential).get("/v1/purposes")
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert r.json()["code"] == "unauthenticated", name
        assert credential not in r.text, name
    for header in ("Basic YWRtaW46YWRtaW4=", "Bearer", "Token " + env.keys["admin"].token):
        c = env.client()
        c.headers["Authorization"] = header
        assert c.get("/v1/purposes").status_code == 401, header
    assert env.client(idp.token(groups=["veil-admins"])).get("/v1/purposes").status_code == 200
    text = json.dumps([e.to_dict() for e in env.ws.audit.entries()])
    for name, credential in bad.items():
        for part in credential.split("."):
            if len(part) > 16:
                assert part not in text, name
    for key in env.keys.values():
        assert key.token.split("_", 2)[2] not in text
    refusals = [e for e in env.ws.audit.entries() if e.action == "api.request" and e.details["status"] == 401]
    assert len(refusals) >= len(bad) + 3 and all(e.actor == "anonymous" for e in refusals)
