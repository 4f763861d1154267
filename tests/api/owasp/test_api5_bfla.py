"""OWASP API5:2023 Broken Function Level Authorization: an analyst (and the other narrow
roles) calling DPO, steward and admin functions gets 403, and nothing happens."""

from __future__ import annotations

import re

from tests.support.api import ApiEnv

from veil.api.roles import matrix
from veil.consent.purpose import PurposeRegistry
from veil.identity.keys import ApiKeys

METHODS = ("get", "post", "put", "patch", "delete")


def _filled(path: str) -> str:
    return re.sub(r"\{\w+\}", "a1", path)


def test_an_analyst_cannot_call_dpo_steward_or_admin_functions(api: ApiEnv) -> None:
    analyst = api.clients["analyst"]
    held = matrix().roles["analyst"]
    privileged = {s for role in ("dpo", "steward", "admin") for s in matrix().roles[role]} - held
    calls = [
        (method, path, op["x-veil-scope"])
        for path, item in api.app.openapi()["paths"].items()
        for method, op in item.items()
        if method in METHODS and op.get("x-veil-scope") in privileged
    ]
    assert any(path == "/v1/purposes" and method == "post" for method, path, _ in calls)
    for method, path, scope in calls:
        r = analyst.request(method.upper(), _filled(path), json={})
        assert r.status_code == 403, (method, path, scope, r.status_code)
        assert r.json()["code"] == "forbidden" and scope in r.json()["detail"]
    assert [p.name for p in PurposeRegistry(api.ws).list()] == ["research"]
    assert len(ApiKeys(api.ws).list()) == len(api.keys)


def test_roles_are_not_taken_from_the_request(api: ApiEnv) -> None:
    analyst = api.clients["analyst"]
    body = {"name": "billing", "basis": "contract", "retention_days": 30}
    for headers in ({"X-Veil-Role": "admin"}, {"X-Role": "dpo"}, {"X-Forwarded-User": "admin"}):
        assert analyst.post("/v1/purposes", json=body, headers=headers).status_code == 403
    assert analyst.post("/v1/purposes", json=body, params={"role": "admin"}).status_code == 403
    assert analyst.get("/v1/auth/whoami").json()["role"] == "analyst"


def test_the_subject_role_holds_only_its_own_scopes(api: ApiEnv) -> None:
    subject = api.clients["subject"]
    assert subject.get("/v1/purposes").status_code == 403
    assert subject.post("/v1/auth/token").status_code == 200  # it may still get a token
