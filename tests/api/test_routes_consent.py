"""``/v1/consent`` against the real app: the same ledger as ``veil consent``."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import grant, ingest_patients

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry


def test_grant_withdraw_and_state(api: ApiEnv) -> None:
    steward = api.clients["steward"]
    r = steward.post(
        "/v1/consent/grants",
        json={"subject": "S-1", "purpose": "research", "evidence": "form 12", "at": "2024-05-01T10:00:00Z"},
    )
    assert r.status_code == 201, r.text
    event = r.json()
    assert (event["action"], event["purpose"], event["has_evidence"]) == ("grant", "research", True)
    assert event["ts"].startswith("2024-05-01T10:00:00") and "form 12" not in r.text and "S-1" not in r.text
    assert ConsentLedger(api.ws).state("S-1") == {"research": True}
    state = api.clients["dpo"].post("/v1/consent/state", json={"subject": "S-1"}).json()
    assert state["state"] == {"research": True} and [e["seq"] for e in state["history"]] == [event["seq"]]
    w = api.clients["dpo"].post("/v1/consent/withdrawals", json={"subject": "S-1", "purpose": "research"})
    assert w.status_code == 201 and w.json()["action"] == "withdraw"
    one = api.clients["admin"].post("/v1/consent/state", json={"subject": "S-1", "purpose": "research"})
    assert one.json()["state"] == {"research": False} and len(one.json()["history"]) == 2
    # a purpose without events for the subject: not granted
    PurposeRegistry(api.ws).add("billing", "consent", 30)
    none = api.clients["steward"].post("/v1/consent/state", json={"subject": "S-1", "purpose": "billing"})
    assert none.json() == {"state": {"billing": False}, "history": []}
    # a back-dated grant does not undo the withdrawal (the ledger's rule, unchanged)
    steward.post("/v1/consent/grants", json={"subject": "S-1", "purpose": "research", "at": "2020-01-01"})
    assert ConsentLedger(api.ws).state("S-1") == {"research": False}


def test_refusals(api: ApiEnv) -> None:
    body = {"subject": "S-1", "purpose": "research"}
    for role in ("analyst", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/consent/grants", json=body).status_code == 403, role
        assert api.clients[role].post("/v1/consent/withdrawals", json=body).status_code == 403, role
        assert (
            api.clients[role]
            .post("/v1/consent/import", json={"events": [body | {"action": "grant"}]})
            .status_code
            == 403
        )
    for role in ("analyst", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/consent/state", json={"subject": "S-1"}).status_code == 403, role
    assert api.anon.post("/v1/consent/grants", json=body).status_code == 401
    steward = api.clients["steward"]
    unknown = steward.post("/v1/consent/grants", json={"subject": "S-1", "purpose": "reserch"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert steward.post("/v1/consent/grants", json=body | {"status": "granted"}).status_code == 422
    assert steward.post("/v1/consent/grants", json=body | {"at": "yesterday"}).status_code == 422
    future = steward.post("/v1/consent/grants", json=body | {"at": "2999-01-01"})
    assert future.status_code == 400 and future.json()["code"] == "input_error"
    assert steward.post("/v1/consent/grants", json={"purpose": "research"}).status_code == 422
    missing = steward.post("/v1/consent/state", json={"subject": "S-1", "purpose": "nope"})
    assert missing.status_code == 404


def test_bulk_import_all_or_nothing(api: ApiEnv, tmp_path: Path) -> None:
    steward = api.clients["steward"]
    events = [
        {"subject": "A", "purpose": "research", "action": "grant", "timestamp": "2024-01-01T00:00:00Z"},
        {"subject": "B", "purpose": "research", "action": "grant"},
        {"subject": "A", "purpose": "research", "action": "withdraw", "timestamp": "2024-02-01T00:00:00Z"},
    ]
    r = steward.post("/v1/consent/import", json={"events": events})
    assert r.status_code == 200, r.text
    assert r.json() == {"events": 3, "subjects": 2, "skipped_erased": 0}
    ledger = ConsentLedger(api.ws)
    assert ledger.state("A") == {"research": False} and ledger.state("B") == {"research": True}
    entry = api.ws.audit.entries(action="consent.import")[-1]
    assert entry.details == {"events": 3, "file": "api"} and entry.subject_count == 2
    bad = steward.post(
        "/v1/consent/import",
        json={
            "events": [
                {"subject": "C", "purpose": "research", "action": "grant"},
                {"subject": "D", "purpose": "nope", "action": "grant"},
            ]
        },
    )
    assert bad.status_code == 400 and "events[1]" in bad.json()["detail"]
    assert ledger.state("C") == {}  # nothing of a refused import is recorded
    assert steward.post("/v1/consent/import", json={"events": []}).status_code == 422
    wrong = [{"subject": "C", "purpose": "research", "action": "maybe"}]
    assert steward.post("/v1/consent/import", json={"events": wrong}).status_code == 422


def test_import_grants_reach_releases(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 4)
    grant(api, people[:1])
    events = [{"subject": p.patient_id, "purpose": "research", "action": "grant"} for p in people[1:3]]
    assert api.clients["dpo"].post("/v1/consent/import", json={"events": events}).status_code == 200
    assert ConsentLedger(api.ws).count_consenting("research") == 3
