"""Every request is audit-logged: actor, kind, role, route template, scope, purpose, outcome;
never a body, a query string, a path value or a credential."""

from __future__ import annotations

import json

from tests.support.api import ApiEnv

from veil.audit.log import AuditEntry


def _requests(api: ApiEnv) -> list[AuditEntry]:
    return [e for e in api.ws.audit.entries() if e.action == "api.request"]


def test_each_request_is_one_entry_with_its_actor_route_and_outcome(api: ApiEnv) -> None:
    before = len(_requests(api))
    admin = api.keys["admin"]
    api.clients["admin"].post(
        "/v1/purposes",
        json={"name": "billing", "basis": "contract", "retention_days": 30, "description": "x"},
    )
    api.clients["auditor"].get("/v1/purposes/nosuch-purpose", params={"email": "jane@example.org"})
    api.clients["analyst"].post("/v1/purposes", json={"name": "x", "basis": "consent", "retention_days": 1})
    api.anon.get("/v1/purposes")
    api.client("vk_000000000000_" + "A" * 43).get("/v1/purposes")
    api.anon.get("/v1/no/such/route")
    entries = _requests(api)[before:]
    assert len(entries) == 6
    seen = [
        (
            e.actor,
            e.details["role"],
            e.details["method"],
            e.details["route"],
            e.details["status"],
            e.details["outcome"],
        )
        for e in entries
    ]
    assert seen == [
        (f"api_key:{admin.key.id}", "admin", "POST", "/v1/purposes", 201, "ok"),
        (f"api_key:{api.keys['auditor'].key.id}", "auditor", "GET", "/v1/purposes/{name}", 404, "refused"),
        (f"api_key:{api.keys['analyst'].key.id}", "analyst", "POST", "/v1/purposes", 403, "forbidden"),
        ("anonymous", None, "GET", "/v1/purposes", 401, "unauthenticated"),
        ("anonymous", None, "GET", "/v1/purposes", 401, "unauthenticated"),
        ("anonymous", None, "GET", "(no route)", 404, "refused"),
    ]
    assert entries[0].details["scope"] == "purposes:write"
    # the library's own entry (made inside the request) names the caller too
    added = [e for e in api.ws.audit.entries() if e.action == "purpose.add" and e.purpose == "billing"]
    assert [e.actor for e in added] == [f"api_key:{admin.key.id}"]
    # outside a request, the account the service runs as acts
    research = [e for e in api.ws.audit.entries() if e.action == "purpose.add" and e.purpose == "research"]
    assert [e.actor for e in research] == ["api-test"]
    text = json.dumps([e.to_dict() for e in entries])
    for secret in ("jane@example.org", "nosuch-purpose", "AAAAAAAA", *(k.token for k in api.keys.values())):
        assert secret not in text
    assert api.ws.audit.verify().ok


def test_the_purpose_a_route_checked_is_recorded(api: ApiEnv) -> None:
    from fastapi import APIRouter, Depends

    from veil.api.security import Actor, require

    router = APIRouter()

    @router.get("/v1/test/purpose/{purpose}")
    def check(purpose: str, actor: Actor = Depends(require("dp:query"))) -> dict[str, str]:
        return {"purpose": actor.check_purpose(purpose)}

    api.app.include_router(router)
    analyst = api.clients["analyst"]
    assert analyst.get("/v1/test/purpose/research").status_code == 200
    refused = analyst.get("/v1/test/purpose/marketing")
    assert refused.status_code == 403 and refused.json()["code"] == "purpose_not_granted"
    assert (
        api.clients["admin"].get("/v1/test/purpose/marketing").status_code == 200
    )  # admins hold every purpose
    last = _requests(api)[-3:]
    assert [(e.purpose, e.details["status"]) for e in last] == [
        ("research", 200),
        ("marketing", 403),
        ("marketing", 200),
    ]
