"""OWASP API4:2023 Unrestricted Resource Consumption: body and upload size limits,
pagination caps, per-key rate limits and the auth endpoint's 10 a minute per client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.api import ApiEnv, close_env, make_env

from veil.api.settings import ServiceSettings
from veil.consent.purpose import PurposeRegistry


@pytest.fixture
def small(tmp_path: Path) -> Iterator[ApiEnv]:
    settings = ServiceSettings(max_body_bytes=2048, max_upload_bytes=8192, rate_per_minute=20)
    made = make_env(tmp_path / "ws", settings)
    try:
        yield made
    finally:
        close_env(made)


def test_bodies_over_the_limit_are_413_before_and_while_reading(small: ApiEnv) -> None:
    admin = small.clients["admin"]
    big = {"name": "billing", "basis": "contract", "retention_days": 30, "description": "x" * 4000}
    r = admin.post("/v1/purposes", json=big)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"name": "billing", "basis": "contract", "retention_days": 30, "description": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    r = admin.post("/v1/purposes", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert "billing" not in [p.name for p in PurposeRegistry(small.ws).list()]
    # an upload has its own, larger limit
    r = admin.post("/v1/purposes", content=b"z" * 4000, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code != 413
    r = admin.post("/v1/purposes", content=b"z" * 9000, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    small_enough = {**big, "description": "fits"}
    assert admin.post("/v1/purposes", json=small_enough).status_code == 201


def test_pages_are_capped_at_500(api: ApiEnv) -> None:
    c = api.clients["auditor"]
    assert c.get("/v1/purposes", params={"limit": "500"}).status_code == 200
    for bad in ("501", "0", "-1", "1000000"):
        r = c.get("/v1/purposes", params={"limit": bad})
        assert r.status_code == 422 and r.json()["code"] == "input_error", bad
    assert c.get("/v1/purposes", params={"cursor": "x" * 300}).status_code == 422


def test_each_key_has_its_own_rate_limit(small: ApiEnv) -> None:
    auditor, dpo = small.clients["auditor"], small.clients["dpo"]
    codes = [auditor.get("/v1/purposes").status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    r = auditor.get("/v1/purposes")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert dpo.get("/v1/purposes").status_code == 200  # another key is not blocked


def test_the_token_endpoint_allows_10_a_minute_per_client(api: ApiEnv) -> None:
    codes = [api.clients["admin"].post("/v1/auth/token").status_code for _ in range(10)]
    assert codes == [200] * 10
    # the 11th from the same address is refused, whatever the key (or none at all)
    for client in (api.clients["admin"], api.clients["dpo"], api.anon):
        r = client.post("/v1/auth/token")
        assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    other = api.client(api.keys["dpo"].token, client=("127.0.0.2", 5000))
    assert other.post("/v1/auth/token").status_code == 200


def test_failed_authentications_are_limited_per_client(small: ApiEnv) -> None:
    guesser = small.client("vk_0123456789ab_" + "A" * 43, client=("198.51.100.9", 1234))
    codes = [guesser.get("/v1/purposes").status_code for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[-1] == 429
    assert small.clients["auditor"].get("/v1/purposes").status_code == 200


def test_a_key_and_its_tokens_share_one_rate_limit(small: ApiEnv) -> None:
    token = small.clients["steward"].post("/v1/auth/token").json()["access_token"]  # 1
    by_token = small.client(token)
    assert [by_token.get("/v1/purposes").status_code for _ in range(19)] == [200] * 19  # 20
    assert small.clients["steward"].get("/v1/purposes").status_code == 429
    assert by_token.get("/v1/purposes").status_code == 429
