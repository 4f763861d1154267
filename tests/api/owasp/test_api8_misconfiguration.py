"""OWASP API8:2023 Security Misconfiguration: security headers, CORS closed by default, no
stack traces or exception texts in answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Depends
from tests.support.api import ApiEnv, close_env, make_env

from veil.api.security import Actor, require
from veil.api.settings import ServiceSettings

ORIGIN = "https://portal.example.org"


def test_security_headers_on_every_answer(api: ApiEnv) -> None:
    for r in (
        api.clients["admin"].get("/v1/purposes"),
        api.anon.get("/v1/purposes"),
        api.anon.get("/v1/nowhere"),
        api.clients["admin"].post("/v1/purposes", json={"bad": 1}),
    ):
        h = r.headers
        assert h["content-security-policy"].startswith("default-src 'none'")
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store"
        assert h["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in h  # plain HTTP here
        assert "server" not in h or "uvicorn" not in h["server"].lower()
    https = api.client(api.keys["admin"].token)
    https.base_url = https.base_url.copy_with(scheme="https")
    assert "max-age=" in https.get("/v1/purposes").headers["strict-transport-security"]


def test_cors_is_closed_by_default(api: ApiEnv) -> None:
    r = api.clients["admin"].get("/v1/purposes", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    preflight = api.anon.options(
        "/v1/purposes", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture
def cors(tmp_path: Path) -> Iterator[ApiEnv]:
    made = make_env(tmp_path / "ws", ServiceSettings(cors_origins=(ORIGIN,)))
    try:
        yield made
    finally:
        close_env(made)


def test_cors_allows_only_the_configured_origins(cors: ApiEnv) -> None:
    ok = cors.clients["admin"].get("/v1/purposes", headers={"Origin": ORIGIN})
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in ok.headers
    evil = cors.clients["admin"].get("/v1/purposes", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in evil.headers
    preflight = cors.anon.options(
        "/v1/purposes", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers


def test_no_stack_traces_or_exception_texts(api: ApiEnv) -> None:
    router = APIRouter()

    @router.get("/v1/test/boom")
    def boom(actor: Actor = Depends(require("purposes:read"))) -> None:
        raise RuntimeError("patient 123-45-6789 has diabetes")

    api.app.include_router(router)
    r = api.clients["admin"].get("/v1/test/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "https://veil.dev/errors/internal_error",
        "title": r.json()["title"],
        "status": 500,
        "detail": "internal error",
        "code": "internal_error",
        "instance": "/v1/test/boom",
    }
    assert "123-45-6789" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    entry = [e for e in api.ws.audit.entries() if e.action == "api.request"][-1]
    assert entry.details["status"] == 500 and entry.details["outcome"] == "error"
    bad_json = api.clients["admin"].post(
        "/v1/purposes", content=b'{"name": "x", "basis": ', headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 422 and bad_json.json()["code"] == "input_error"


def test_a_database_failure_does_not_leak_sql_or_values(api: ApiEnv) -> None:
    with api.ws.transaction() as conn:
        conn.execute(sa.text("ALTER TABLE purposes RENAME TO purposes_gone"))
    r = api.clients["admin"].get("/v1/purposes/secret-name")
    assert r.status_code == 503 and r.json()["code"] == "database_error"
    assert "SELECT" not in r.text and "secret-name" not in r.json()["detail"]


def test_a_wrong_method_is_a_405_naming_every_method_of_the_path(api: ApiEnv) -> None:
    r = api.clients["admin"].delete("/v1/purposes")
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["allow"] == "GET, POST"
    assert api.clients["admin"].put("/v1/purposes/research").headers["allow"] == "GET"
