"""Authentication through the app: API keys, Veil access tokens, OIDC tokens (real JWKS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.api import ApiEnv, close_env, make_env
from tests.support.oidc import JwksServer

from veil.api.settings import ServiceSettings
from veil.identity.keys import ApiKeys
from veil.identity.users import Users


@pytest.fixture
def idp() -> Iterator[JwksServer]:
    with JwksServer() as server:
        yield server


@pytest.fixture
def oidc_api(tmp_path: Path, idp: JwksServer) -> Iterator[ApiEnv]:
    env = make_env(tmp_path / "ws", ServiceSettings(oidc=idp.settings()))
    try:
        yield env
    finally:
        close_env(env)


def test_whoami_for_an_api_key(api: ApiEnv) -> None:
    body = api.clients["analyst"].get("/v1/auth/whoami").json()
    assert body["kind"] == "api_key" and body["role"] == "analyst"
    assert body["purposes"] == ["research"]
    assert "dp:query" in body["scopes"] and "subjects:read" not in body["scopes"]


def test_a_key_is_exchanged_for_a_token_that_ends_with_the_key(api: ApiEnv) -> None:
    r = api.clients["dpo"].post("/v1/auth/token", json={"minutes": 5})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["token_type"] == "Bearer" and 0 < answer["expires_in"] <= 300
    with_token = api.client(answer["access_token"])
    me = with_token.get("/v1/auth/whoami").json()
    assert me["kind"] == "token" and me["id"] == api.keys["dpo"].key.id and me["role"] == "dpo"
    assert with_token.get("/v1/purposes").status_code == 200
    # a token cannot be exchanged for another (only a key can)
    again = with_token.post("/v1/auth/token")
    assert again.status_code == 400 and again.json()["code"] == "input_error"
    ApiKeys(api.ws).revoke(api.keys["dpo"].key.id)
    refused = with_token.get("/v1/purposes")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"
    assert api.clients["dpo"].get("/v1/purposes").status_code == 401


def test_the_token_lifetime_is_at_most_15_minutes(api: ApiEnv) -> None:
    r = api.clients["admin"].post("/v1/auth/token", json={"minutes": 60})
    assert r.status_code == 422
    r = api.clients["admin"].post("/v1/auth/token")
    assert r.status_code == 200 and r.json()["expires_in"] <= 900


def test_a_disabled_user_loses_keys_and_tokens_on_the_next_request(api: ApiEnv) -> None:
    Users(api.ws).add("carol", "steward")
    made = ApiKeys(api.ws).create("steward", user="carol")
    client = api.client(made.token)
    token = client.post("/v1/auth/token").json()["access_token"]
    by_token = api.client(token)
    assert by_token.get("/v1/auth/whoami").status_code == 200
    Users(api.ws).disable("carol")
    assert client.get("/v1/auth/whoami").status_code == 401
    assert by_token.get("/v1/auth/whoami").status_code == 401


def test_allowed_networks_use_the_peer_address(api: ApiEnv) -> None:
    made = ApiKeys(api.ws).create("auditor", networks=["10.0.0.0/8"])
    assert api.client(made.token, client=("10.2.3.4", 4000)).get("/v1/purposes").status_code == 200
    outside = api.client(made.token, client=("192.0.2.7", 4000))
    outside.headers["X-Forwarded-For"] = "10.2.3.4"  # not trusted
    assert outside.get("/v1/purposes").status_code == 401


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_oidc_tokens_map_groups_to_roles_and_purposes(oidc_api: ApiEnv, idp: JwksServer, alg: str) -> None:
    analyst = oidc_api.client(idp.token(alg, groups=["veil-analysts"], sub="ana"))
    me = analyst.get("/v1/auth/whoami").json()
    assert (me["kind"], me["id"], me["role"], me["purposes"]) == ("oidc", "ana", "analyst", ["research"])
    assert analyst.get("/v1/purposes").status_code == 200
    denied = analyst.post("/v1/purposes", json={"name": "x", "basis": "consent", "retention_days": 1})
    assert denied.status_code == 403
    dpo = oidc_api.client(idp.token(alg, groups=["privacy-office"]))
    made = dpo.post("/v1/purposes", json={"name": "care", "basis": "vital_interests", "retention_days": 9})
    assert made.status_code == 201
    nobody = oidc_api.client(idp.token(alg, groups=["staff"]))
    assert nobody.get("/v1/purposes").status_code == 403
    wrong_aud = oidc_api.client(idp.token(alg, aud="other"))
    assert wrong_aud.get("/v1/purposes").status_code == 401
    # an OIDC token cannot be exchanged for a Veil token
    assert analyst.post("/v1/auth/token").status_code == 400


def test_service_settings_come_from_veil_toml(tmp_path: Path, idp: JwksServer) -> None:
    from veil.errors import ConfigError
    from veil.workspace import Workspace

    root = tmp_path / "ws"
    Workspace.init(root).close()
    with (root / "veil.toml").open("a", encoding="utf-8") as f:
        f.write(
            '\n[service]\ncors_origins = ["https://portal.example.org"]\nmax_body_bytes = 1024\n'
            f'\n[service.oidc]\nissuer = "https://idp.test/realms/acme"\naudience = "veil"\n'
            f'jwks_url = "{idp.url}"\nalgorithms = ["ES256"]\n'
            'role_map = { "privacy-office" = "dpo" }\n'
        )
    settings = ServiceSettings.load(root)
    assert settings.cors_origins == ("https://portal.example.org",) and settings.max_body_bytes == 1024
    assert settings.oidc is not None and settings.oidc.algorithms == ("ES256",)
    assert settings.oidc.role_map == (("privacy-office", "dpo"),)
    for bad in ({"token_minutes": 60}, {"cors_origins": ["*"]}, {"auth_rate_per_minute": 100}, {"colour": 1}):
        with pytest.raises(ConfigError):
            ServiceSettings.from_dict(bad)
