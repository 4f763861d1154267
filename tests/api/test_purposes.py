"""``/v1/purposes`` against the real app: the same registry as ``veil purpose``."""

from __future__ import annotations

from tests.support.api import ApiEnv

from veil.consent.purpose import PurposeRegistry


def test_create_list_and_show_a_purpose(api: ApiEnv) -> None:
    admin = api.clients["admin"]
    r = admin.post(
        "/v1/purposes",
        json={
            "name": "billing",
            "basis": "contract",
            "retention_days": 3650,
            "categories": ["quasi_identifier"],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["basis"] == "contract"
    assert PurposeRegistry(api.ws).get("billing").retention_days == 3650
    listed = api.clients["analyst"].get("/v1/purposes").json()
    assert [p["name"] for p in listed["items"]] == ["billing", "research"]
    assert listed["next_cursor"] is None
    shown = api.clients["auditor"].get("/v1/purposes/billing")
    assert shown.status_code == 200 and shown.json()["categories"] == ["quasi_identifier"]


def test_pages_follow_the_cursor(api: ApiEnv) -> None:
    for i in range(5):
        PurposeRegistry(api.ws).add(f"p{i}", "contract", 10)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = api.clients["dpo"].get("/v1/purposes", params=params).json()
        seen += [p["name"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["p0", "p1", "p2", "p3", "p4", "research"]


def test_errors_are_problem_json_with_the_library_codes(api: ApiEnv) -> None:
    admin = api.clients["admin"]
    missing = admin.get("/v1/purposes/reserch")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    body = missing.json()
    assert body["code"] == "not_found" and body["status"] == 404
    assert body["type"].endswith("/not_found") and body["instance"] == "/v1/purposes/reserch"
    assert "Did you mean 'research'" in body["detail"]
    dup = admin.post("/v1/purposes", json={"name": "research", "basis": "consent", "retention_days": 1})
    assert dup.status_code == 409 and dup.json()["code"] == "conflict"


def test_unauthenticated_and_forbidden(api: ApiEnv) -> None:
    r = api.anon.get("/v1/purposes")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = api.clients["analyst"].post(
        "/v1/purposes", json={"name": "x", "basis": "consent", "retention_days": 1}
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert [p.name for p in PurposeRegistry(api.ws).list()] == ["research"]
