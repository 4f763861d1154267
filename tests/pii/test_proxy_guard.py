"""The proxy as a local service under attack: DNS rebinding, cross-site requests from a
browser, oversized bodies, and callers without the proxy's token.

Every test drives the real app over HTTP on loopback and checks, besides the answer, that
nothing reached the recording upstream.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from veil.errors import ConfigError
from veil.pii.engine import PiiEngine
from veil.pii.proxy import AUDIT_ACTION, ProxySettings, create_app
from veil.workspace import Workspace

from .proxy_harness import Upstream, serve, upstream_app

MESSAGES: list[Any] = [{"role": "user", "content": "Write to Ada Lovelace."}]
BODY: dict[str, Any] = {"model": "fake-model", "messages": MESSAGES}
TOKEN = "veil-proxy-token-0123456789abcdef"
UPSTREAM_KEY = "sk-upstream-key-9876543210"


@pytest.fixture
def make(pii_engine: PiiEngine) -> Iterator[Any]:
    """``make(settings, ws=None) -> (record, proxy_url)``, served until the test ends."""
    stack: list[Any] = []

    def start(settings: ProxySettings | None = None, ws: Workspace | None = None) -> tuple[Upstream, str]:
        record = Upstream()
        up = serve(upstream_app(record))
        upstream_url = up.__enter__()
        stack.append(up)
        px = serve(create_app(ws, pii_engine, f"{upstream_url}/v1", settings=settings))
        url = px.__enter__()
        stack.append(px)
        return record, url

    yield start
    for server in reversed(stack):
        server.__exit__(None, None, None)


def post(url: str, body: Any = BODY, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60, **kwargs)


# -- DNS rebinding: only loopback (or configured) Host names ---------------------------------
@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8787", "attacker.localhost.evil.com", "10.0.0.5"]
)
def test_a_foreign_host_header_is_refused(make: Any, host: str) -> None:
    record, url = make()
    for response in (
        post(url, headers={"host": host}),
        httpx.get(f"{url}/v1/models", headers={"host": host}),
        httpx.get(f"{url}/healthz", headers={"host": host}),
    ):
        assert response.status_code == 421
        assert response.json()["code"] == "foreign_host"
    assert record.requests == []


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:8787", "127.0.0.1:1", "127.0.0.2", "[::1]:8787", "localhost."]
)
def test_loopback_host_names_are_served(make: Any, host: str) -> None:
    record, url = make()
    assert post(url, headers={"host": host}).status_code == 200
    assert len(record.requests) == 1


def test_configured_hosts_are_served(make: Any) -> None:
    record, url = make(ProxySettings(allowed_hosts=("proxy.internal",)))
    assert post(url, headers={"host": "proxy.internal:8787"}).status_code == 200
    assert post(url, headers={"host": "other.internal"}).status_code == 421
    assert len(record.requests) == 1


# -- cross-site requests from a browser ------------------------------------------------------
def test_simple_cross_site_posts_are_refused(make: Any) -> None:
    """What a web page can send without a CORS preflight: text/plain, form and multipart
    POSTs (with or without the Origin a browser adds), and GETs marked cross-site."""
    record, url = make()
    raw = json.dumps(BODY)
    cases = [
        ({"content-type": "text/plain"}, 415),
        ({"content-type": "text/plain;charset=UTF-8", "origin": "https://evil.example"}, 403),
        ({"content-type": "application/x-www-form-urlencoded"}, 415),
        ({"content-type": "multipart/form-data; boundary=x"}, 415),
        ({"content-type": "application/json", "origin": "https://evil.example"}, 403),
        ({"content-type": "application/json", "origin": "null"}, 403),
        ({"content-type": "application/json", "sec-fetch-site": "cross-site"}, 403),
        ({"content-type": "application/json", "sec-fetch-site": "same-site"}, 403),
        ({}, 415),
    ]
    for headers, status in cases:
        response = httpx.post(f"{url}/v1/chat/completions", content=raw, headers=headers, timeout=60)
        assert response.status_code == status, headers
        assert response.headers["content-type"] == "application/problem+json"
    models = httpx.get(f"{url}/v1/models", headers={"sec-fetch-site": "cross-site"})
    assert models.status_code == 403
    assert record.requests == []
    # A same-origin or user-initiated fetch is fine.
    ok = {"content-type": "application/json", "sec-fetch-site": "same-origin"}
    assert httpx.post(f"{url}/v1/chat/completions", content=raw, headers=ok, timeout=60).status_code == 200


def test_an_allowed_origin_gets_cors_and_others_do_not(make: Any) -> None:
    record, url = make(ProxySettings(allowed_origins=("http://localhost:3000",)))
    preflight = httpx.options(
        f"{url}/v1/chat/completions",
        headers={
            "origin": "http://localhost:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    response = post(url, headers={"origin": "http://localhost:3000"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert post(url, headers={"origin": "http://localhost:3001"}).status_code == 403
    assert len(record.requests) == 1


# -- size ---------------------------------------------------------------------------------------
def test_request_size_limit(make: Any) -> None:
    record, url = make(ProxySettings(max_body_bytes=4096))
    big = {**BODY, "messages": [{"role": "user", "content": "x" * 5000}]}
    response = post(url, big)
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        data = json.dumps(big).encode()
        for i in range(0, len(data), 1000):
            yield data[i : i + 1000]

    response = httpx.post(
        f"{url}/v1/chat/completions",
        content=chunked(),
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 413
    assert post(url, {**BODY, "messages": [{"role": "user", "content": "x" * 3000}]}).status_code == 200
    assert len(record.requests) == 1


# -- the proxy's own token ----------------------------------------------------------------------
def test_bearer_token(make: Any, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return bool(real(a, b))

    monkeypatch.setattr(hmac, "compare_digest", spy)
    record, url = make(ProxySettings(token=TOKEN, upstream_api_key=UPSTREAM_KEY), ws)
    for headers in (
        {},
        {"authorization": "Bearer wrong"},
        {"authorization": TOKEN},
        {"authorization": f"Basic {TOKEN}"},
    ):
        response = post(url, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert TOKEN not in response.text
    assert httpx.get(f"{url}/v1/models").status_code == 401
    assert httpx.get(f"{url}/healthz").status_code == 200  # liveness stays open
    assert record.requests == []
    assert compared and all(len(a) == len(b) == 32 for a, b in compared)  # digests, constant time

    with openai.OpenAI(base_url=f"{url}/v1", api_key=TOKEN, max_retries=0) as client:
        answer = client.chat.completions.create(model="fake-model", messages=MESSAGES)
        assert answer.choices[0].message.content == "Write to Ada Lovelace."
        assert [m.id for m in client.models.list()] == ["fake-model"]
    with (
        openai.OpenAI(base_url=f"{url}/v1", api_key="sk-not-the-token", max_retries=0) as client,
        pytest.raises(openai.AuthenticationError),
    ):
        client.chat.completions.create(model="fake-model", messages=MESSAGES)
    # The upstream gets its own key, never the proxy's token; neither reaches the audit log.
    assert all(h["authorization"] == f"Bearer {UPSTREAM_KEY}" for h, _ in record.requests)
    assert TOKEN.encode() not in record.all_bytes()
    audit = json.dumps([e.to_dict() for e in ws.audit.entries()])
    assert TOKEN not in audit and UPSTREAM_KEY not in audit
    assert len(ws.audit.entries(action=AUDIT_ACTION)) == 1


def test_without_a_token_the_clients_key_goes_upstream_and_other_headers_do_not(make: Any) -> None:
    record, url = make()
    headers = {"authorization": "Bearer sk-client", "x-patient-name": "Ada Lovelace", "cookie": "session=1"}
    assert (
        post(url, headers=headers, params={"api-version": "2024-06-01", "patient": "Ada"}).status_code == 200
    )
    ((sent, _),) = record.requests
    assert sent["authorization"] == "Bearer sk-client"
    assert "x-patient-name" not in sent and "cookie" not in sent
    assert b"Lovelace" not in record.all_bytes()


def test_settings_are_validated() -> None:
    for bad in (
        {"token": "short"},
        {"max_body_bytes": 10},
        {"media": "maybe"},
        {"unknown_fields": "keep"},
        {"timeout": 0},
    ):
        with pytest.raises(ConfigError):
            ProxySettings(**bad)
    assert TOKEN not in repr(ProxySettings(token=TOKEN, upstream_api_key=UPSTREAM_KEY))
    assert UPSTREAM_KEY not in repr(ProxySettings(token=TOKEN, upstream_api_key=UPSTREAM_KEY))
