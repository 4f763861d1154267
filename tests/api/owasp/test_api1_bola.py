"""OWASP API1:2023 Broken Object Level Authorization.

A data subject's token reaches only its own objects: another subject's request, erasure
receipt, access package ("export") or consent-withdrawal request answers 404, the same answer
as an id that does not exist (no existence leak), never 403 and never the object. An analyst
asking for a subject's record (the vault's export, consent state, a request) gets 403.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.api import SUBJECT_ID, ApiEnv, TestClient

from veil.consent.ledger import ConsentLedger
from veil.identity.keys import ApiKeys

OTHER = "subject-0002"
UNKNOWN = "0123456789abcdef0123456789abcdef"


def _fulfilled(api: ApiEnv, subject: str, kind: str, *, fulfil: bool = True) -> str:
    dpo = api.clients["dpo"]
    r = dpo.post("/v1/requests", json={"subject": subject, "type": kind, "regime": "gdpr"})
    assert r.status_code == 201, r.text
    rid: str = r.json()["id"]
    for state in ("verifying", "in_progress"):
        assert dpo.post(f"/v1/requests/{rid}/transition", json={"state": state}).status_code == 200
    if fulfil:
        assert dpo.post(f"/v1/requests/{rid}/fulfil", json={}).status_code == 200
    return rid


@pytest.fixture
def world(api: ApiEnv) -> dict[str, Any]:
    """Two subjects, each with a key of their own and requests of every kind that matters."""
    ledger = ConsentLedger(api.ws)
    for who in (SUBJECT_ID, OTHER):
        ledger.record(who, "research", "grant")
    other_key = ApiKeys(api.ws).create("subject", subject=api.ws.pseudonymize(OTHER))
    theirs = {
        "access": _fulfilled(api, OTHER, "access"),
        "consent": _fulfilled(api, OTHER, "consent_withdrawal", fulfil=False),
        "erasure": _fulfilled(api, OTHER, "erasure"),
    }
    mine = _fulfilled(api, SUBJECT_ID, "access")
    return {"theirs": theirs, "mine": mine, "other": api.client(other_key.token)}


def _not_found_like_unknown(client: TestClient, path: str, unknown_path: str) -> None:
    r = client.get(path)
    u = client.get(unknown_path)
    assert r.status_code == 404, (path, r.status_code, r.text)
    assert u.status_code == 404
    body, ref = r.json(), u.json()
    assert (body["code"], body["detail"], body["title"]) == (ref["code"], ref["detail"], ref["title"])
    assert OTHER not in r.text


def test_a_subject_gets_404_for_another_subjects_objects(api: ApiEnv, world: dict[str, Any]) -> None:
    me = api.clients["subject"]
    theirs = world["theirs"]
    _not_found_like_unknown(me, f"/v1/me/requests/{theirs['access']}", f"/v1/me/requests/{UNKNOWN}")
    _not_found_like_unknown(me, f"/v1/me/requests/{theirs['consent']}", f"/v1/me/requests/{UNKNOWN}")
    _not_found_like_unknown(
        me, f"/v1/me/requests/{theirs['erasure']}/receipt", f"/v1/me/requests/{UNKNOWN}/receipt"
    )
    for fmt in ("json", "csv", "html"):  # the export, in every format
        _not_found_like_unknown(
            me,
            f"/v1/me/requests/{theirs['access']}/package?format={fmt}",
            f"/v1/me/requests/{UNKNOWN}/package?format={fmt}",
        )
    listed = me.get("/v1/me/requests", params={"limit": 500}).json()["items"]
    assert [r["id"] for r in listed] == [world["mine"]]
    # Their own objects are theirs: the other subject reads its own, not mine.
    other: TestClient = world["other"]
    assert other.get(f"/v1/me/requests/{theirs['erasure']}/receipt").status_code == 200
    assert other.get(f"/v1/me/requests/{theirs['access']}").json()["type"] == "access"
    _not_found_like_unknown(
        other, f"/v1/me/requests/{world['mine']}/package", f"/v1/me/requests/{UNKNOWN}/package"
    )


def test_a_subject_cannot_name_another_subject_anywhere(api: ApiEnv, world: dict[str, Any]) -> None:
    me = api.clients["subject"]
    # The self routes take no subject: naming one is an unknown field (mass assignment).
    r = me.post("/v1/me/requests", json={"type": "erasure", "subject": OTHER})
    assert r.status_code == 422
    # Staff routes that take a subject are not the subject's: 403 before anything is looked up.
    for method, path, body in (
        ("post", "/v1/subjects/export", {"subject": OTHER}),
        ("post", "/v1/consent/state", {"subject": OTHER}),
        ("get", f"/v1/requests/{world['theirs']['access']}", None),
        ("get", f"/v1/requests/{world['theirs']['erasure']}/receipt", None),
        ("post", "/v1/requests", {"subject": OTHER, "type": "erasure"}),
    ):
        answer = me.post(path, json=body) if method == "post" else me.get(path)
        assert answer.status_code == 403, (path, answer.status_code)
        assert OTHER not in answer.text


def test_an_analyst_gets_403_for_subject_records(api: ApiEnv, world: dict[str, Any]) -> None:
    analyst = api.clients["analyst"]
    for method, path, body in (
        ("post", "/v1/subjects/export", {"subject": SUBJECT_ID}),
        ("post", "/v1/consent/state", {"subject": SUBJECT_ID}),
        ("post", "/v1/subjects/erase", {"subject": SUBJECT_ID}),
        ("get", f"/v1/requests/{world['mine']}", None),
        ("get", "/v1/requests", None),
        ("get", f"/v1/requests/{world['theirs']['erasure']}/receipt", None),
        ("post", f"/v1/requests/{world['theirs']['consent']}/fulfil", {}),
        ("get", f"/v1/me/requests/{world['mine']}/package", None),
        ("get", "/v1/me/requests", None),
    ):
        answer = analyst.post(path, json=body) if method == "post" else analyst.get(path)
        assert answer.status_code == 403, (path, answer.status_code)
        assert answer.json()["code"] == "forbidden"
        assert SUBJECT_ID not in answer.text


def test_an_auditor_reads_requests_but_no_subject_data(api: ApiEnv, world: dict[str, Any]) -> None:
    auditor = api.clients["auditor"]
    shown = auditor.get(f"/v1/requests/{world['mine']}")
    assert shown.status_code == 200 and SUBJECT_ID not in shown.text
    assert auditor.post("/v1/subjects/export", json={"subject": SUBJECT_ID}).status_code == 403
    assert auditor.get(f"/v1/me/requests/{world['mine']}/package").status_code == 403
