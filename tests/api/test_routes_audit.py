"""``/v1/audit`` against the real app: entries page by page, and verification."""

from __future__ import annotations

import sqlalchemy as sa
from tests.support.api import ApiEnv

from veil.consent.purpose import PurposeRegistry
from veil.schema import audit_log


def test_entries_page_by_page(api: ApiEnv) -> None:
    for i in range(4):
        PurposeRegistry(api.ws).add(f"p{i}", "contract", 10)
    everything = [e.seq for e in api.ws.audit.entries()]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        r = api.clients["auditor"].get("/v1/audit/entries", params=params)
        assert r.status_code == 200, r.text
        seen += [e["seq"] for e in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    # the log grows while it is read (each request is audit-logged), so compare the prefix
    assert seen[: len(everything)] == everything
    adds = api.clients["dpo"].get("/v1/audit/entries", params={"action": "purpose.add"}).json()["items"]
    assert [e["action"] for e in adds] == ["purpose.add"] * 5 and adds[0]["hash"]
    assert api.clients["auditor"].get("/v1/audit/entries", params={"cursor": "abc"}).status_code == 422
    assert api.clients["auditor"].get("/v1/audit/entries", params={"limit": "0"}).status_code == 422


def test_verify_reports_damage_as_an_answer(api: ApiEnv) -> None:
    ok = api.clients["auditor"].get("/v1/audit/verify")
    assert ok.status_code == 200 and ok.json()["ok"] is True and ok.json()["entries"] >= 1
    with api.ws.engine.begin() as conn:
        conn.execute(sa.update(audit_log).where(audit_log.c.seq == 1).values(actor="mallory"))
    bad = api.clients["admin"].get("/v1/audit/verify").json()
    assert bad["ok"] is False and bad["first_bad_seq"] == 1 and bad["reason"]


def test_refusals(api: ApiEnv) -> None:
    for role in ("steward", "analyst", "service", "subject"):
        assert api.clients[role].get("/v1/audit/entries").status_code == 403, role
        assert api.clients[role].get("/v1/audit/verify").status_code == 403, role
    assert api.anon.get("/v1/audit/verify").status_code == 401
