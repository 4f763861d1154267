"""``/v1/requests`` and ``/v1/me/requests`` against the real app, real keys, a real workspace."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import jsonschema
from tests.support.api import SUBJECT_ID, ApiEnv

from veil import clock
from veil.consent.ledger import ConsentLedger
from veil.rights.package import json_schema
from veil.rights.receipt import load_public_key, public_key_pem, verify_receipt


def _advance(api: ApiEnv, rid: str, *states: str) -> None:
    dpo = api.clients["dpo"]
    for state in states:
        r = dpo.post(f"/v1/requests/{rid}/transition", json={"state": state})
        assert r.status_code == 200, r.text


def test_staff_lifecycle_of_an_access_request(api: ApiEnv) -> None:
    ConsentLedger(api.ws).record("ann", "research", "grant")
    dpo = api.clients["dpo"]
    r = dpo.post("/v1/requests", json={"subject": "ann", "type": "access", "regime": "gdpr"})
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["subject_pseudonym"] == api.ws.pseudonymize("ann") and "ann" not in json.dumps(req)
    assert req["state"] == "received" and req["created_by"].startswith("api_key:")
    rid = req["id"]
    dup = dpo.post("/v1/requests", json={"subject": "ann", "type": "access"})
    assert (
        dup.status_code == 409 and dup.json()["code"] == "duplicate_request" and rid in dup.json()["detail"]
    )
    early = dpo.post(f"/v1/requests/{rid}/fulfil", json={})
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    bad = dpo.post(f"/v1/requests/{rid}/transition", json={"state": "fulfilled"})
    assert bad.status_code == 409 and bad.json()["code"] == "invalid_transition"
    _advance(api, rid, "verifying", "in_progress")
    done = dpo.post(f"/v1/requests/{rid}/fulfil", json={})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["request"]["state"] == "fulfilled" and body["receipt"] is None
    jsonschema.validate(body["package"], json_schema())
    assert body["package"]["subject"]["subject"] == "ann"
    shown = dpo.get(f"/v1/requests/{rid}").json()
    assert [e["to_state"] for e in shown["events"]] == ["received", "verifying", "in_progress", "fulfilled"]
    assert {e["actor"] for e in shown["events"]} == {f"api_key:{api.keys['dpo'].key.id}"}
    assert shown["result"]["sha256"]
    # Auditors read, but may not write.
    auditor = api.clients["auditor"]
    assert auditor.get(f"/v1/requests/{rid}").status_code == 200
    assert auditor.post("/v1/requests", json={"subject": "x", "type": "access"}).status_code == 403
    assert auditor.post(f"/v1/requests/{rid}/fulfil", json={}).status_code == 403


def test_erasure_receipt_verifies_with_the_public_key_only(api: ApiEnv) -> None:
    ConsentLedger(api.ws).record("ben", "research", "grant")
    dpo = api.clients["dpo"]
    rid = dpo.post("/v1/requests", json={"subject": "ben", "type": "erasure", "regime": "ccpa"}).json()["id"]
    assert dpo.get(f"/v1/requests/{rid}/receipt").status_code == 404
    _advance(api, rid, "verifying", "in_progress")
    done = dpo.post(f"/v1/requests/{rid}/fulfil", json={})
    assert done.status_code == 200, done.text
    receipt = done.json()["receipt"]
    assert dpo.get(f"/v1/requests/{rid}/receipt").json() == receipt
    key = load_public_key(public_key_pem(api.ws).encode())
    body = verify_receipt(receipt, key)
    assert body["status"] == "erased" and body["request_id"] == rid
    receipt["receipt"]["status"] = "not_held"
    import pytest

    from veil.errors import ReceiptInvalidError

    with pytest.raises(ReceiptInvalidError):
        verify_receipt(receipt, key)


def test_overdue_and_pages(api: ApiEnv) -> None:
    dpo = api.clients["dpo"]
    old = (clock.now() - timedelta(days=50)).isoformat()
    late = dpo.post(
        "/v1/requests", json={"subject": "c1", "type": "objection", "regime": "gdpr", "received_at": old}
    ).json()
    for i in range(4):
        assert dpo.post("/v1/requests", json={"subject": f"s{i}", "type": "access"}).status_code == 201
    r = dpo.get("/v1/requests", params={"overdue": "true"})
    assert [x["id"] for x in r.json()["items"]] == [late["id"]] and r.json()["items"][0]["overdue"]
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = dpo.get("/v1/requests", params=params).json()
        ids += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == 5 and ids[0] == late["id"]
    assert dpo.get("/v1/requests", params={"limit": 501}).status_code == 422
    assert dpo.get("/v1/requests", params={"cursor": "@@"}).status_code == 400
    assert dpo.get("/v1/requests", params={"type": "access"}).json()["items"][0]["type"] == "access"
    ext = dpo.post(f"/v1/requests/{late['id']}/extend")
    assert ext.status_code == 409 and ext.json()["code"] == "invalid_transition"
    naive = dpo.post(
        "/v1/requests", json={"subject": "z", "type": "access", "received_at": "2026-01-01T00:00:00"}
    )
    assert naive.status_code == 422
    for edge in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1900-01-01T00:00:00Z"):
        r = dpo.post("/v1/requests", json={"subject": "z", "type": "access", "received_at": edge})
        assert r.status_code == 400 and r.json()["code"] == "input_error", (edge, r.text)
    future = (clock.now() + timedelta(days=3)).isoformat()
    assert (
        dpo.post("/v1/requests", json={"subject": "z", "type": "access", "received_at": future}).status_code
        == 400
    )


def test_mass_assignment_is_refused(api: ApiEnv) -> None:
    dpo = api.clients["dpo"]
    for extra in (
        {"state": "fulfilled"},
        {"pseudonym": "0" * 32},
        {"created_by": "me"},
        {"due_on": "2099-01-01"},
    ):
        r = dpo.post("/v1/requests", json={"subject": "a", "type": "access", **extra})
        assert r.status_code == 422, extra
    subject = api.clients["subject"]
    for extra in (
        {"subject": "someone-else"},
        {"state": "fulfilled"},
        {"received_at": "2020-01-01T00:00:00Z"},
    ):
        assert subject.post("/v1/me/requests", json={"type": "access", **extra}).status_code == 422, extra


def test_a_subject_makes_and_follows_its_own_requests(api: ApiEnv) -> None:
    ConsentLedger(api.ws).record(SUBJECT_ID, "research", "grant")
    me = api.clients["subject"]
    r = me.post("/v1/me/requests", json={"type": "access", "regime": "gdpr"})
    assert r.status_code == 201, r.text
    mine = r.json()
    assert set(mine) == {
        "id", "type", "regime", "state", "denial_reason", "received_at", "confirm_by", "due_on",
        "extended_at", "closed_at", "has_receipt",
    }  # fmt: skip
    assert me.post("/v1/me/requests", json={"type": "access"}).status_code == 409
    staff_view = api.clients["dpo"].get(f"/v1/requests/{mine['id']}").json()
    assert staff_view["subject_pseudonym"] == api.ws.pseudonymize(SUBJECT_ID)
    assert [x["id"] for x in me.get("/v1/me/requests").json()["items"]] == [mine["id"]]
    assert me.get(f"/v1/me/requests/{mine['id']}/package").status_code == 404  # not fulfilled yet
    _advance(api, mine["id"], "verifying", "in_progress")
    assert api.clients["dpo"].post(f"/v1/requests/{mine['id']}/fulfil", json={}).status_code == 200
    assert me.get(f"/v1/me/requests/{mine['id']}").json()["state"] == "fulfilled"
    pkg = me.get(f"/v1/me/requests/{mine['id']}/package")
    assert pkg.status_code == 200 and pkg.headers["cache-control"] == "no-store"
    jsonschema.validate(pkg.json(), json_schema())
    assert pkg.json()["subject"]["subject"] == SUBJECT_ID
    as_csv = me.get(f"/v1/me/requests/{mine['id']}/package", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {"section", "dataset", "record", "field", "value"} == set(rows[0])
    as_html = me.get(f"/v1/me/requests/{mine['id']}/package", params={"format": "html"})
    assert as_html.headers["content-type"].startswith("text/html") and "<table>" in as_html.text
    assert me.get(f"/v1/me/requests/{mine['id']}/package", params={"format": "xml"}).status_code == 422
    # Erasure by the subject's own request: the receipt is theirs to fetch.
    er = me.post("/v1/me/requests", json={"type": "erasure"}).json()
    _advance(api, er["id"], "verifying", "in_progress")
    assert api.clients["dpo"].post(f"/v1/requests/{er['id']}/fulfil", json={}).status_code == 200
    receipt = me.get(f"/v1/me/requests/{er['id']}/receipt")
    assert receipt.status_code == 200
    assert (
        verify_receipt(receipt.json(), load_public_key(public_key_pem(api.ws).encode()))["status"] == "erased"
    )
    # Staff routes stay closed to a subject.
    assert me.get("/v1/requests").status_code == 403
    assert me.get(f"/v1/requests/{mine['id']}").status_code == 403


def test_scopes_are_declared_once_per_route(api: ApiEnv) -> None:
    spec = api.clients["admin"].get("/v1/openapi.json")
    if spec.status_code != 200:
        spec = api.anon.get("/v1/openapi.json")
    paths = spec.json()["paths"]
    ours = {p: v for p, v in paths.items() if p.startswith(("/v1/requests", "/v1/me/requests"))}
    assert len(ours) == 10
    for path, ops in ours.items():
        for method, op in ops.items():
            scope = op.get("x-veil-scope")
            expected = ("self:" if path.startswith("/v1/me") else "requests:") + (
                "read" if method == "get" else "write"
            )
            assert scope == expected, (path, method, scope)
