"""``/v1/pii/detect`` and ``/v1/pii/mask``: the real PII engine over the real app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.support.api import ApiEnv

from veil.api.routes.pii import MAX_CHARS, SharedEngine

TEXT = "Write to jane.doe@example.org or call +44 20 7946 0958 about the invoice."
CSV = (
    "name,email,note\n"
    "Jane Doe,jane.doe@example.org,mail jane.doe@example.org today\n"
    "Bob Roe,bob@example.net,\n"
)


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code and body["status"] == status
    return body


def _types(entities: list[dict[str, Any]]) -> set[str]:
    return {e["type"] for e in entities}


def test_detect_a_text_for_roles_with_the_scope(api: ApiEnv) -> None:
    for role in ("service", "steward", "admin"):
        r = api.clients[role].post("/v1/pii/detect", json={"content": TEXT})
        assert r.status_code == 200, (role, r.text)
        [doc] = r.json()["documents"]
        assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= _types(doc)
        email = next(e for e in doc if e["type"] == "EMAIL_ADDRESS")
        assert TEXT[email["start"] : email["end"]] == "jane.doe@example.org"


@pytest.mark.parametrize("role", ["analyst", "dpo", "auditor", "subject"])
def test_roles_without_pii_detect_get_403(api: ApiEnv, role: str) -> None:
    _problem(api.clients[role].post("/v1/pii/detect", json={"content": TEXT}), 403, "forbidden")
    _problem(api.clients[role].post("/v1/pii/mask", json={"content": TEXT}), 403, "forbidden")


def test_detect_jsonl_and_csv_give_one_list_per_document(api: ApiEnv) -> None:
    service = api.clients["service"]
    lines = "\n".join(json.dumps({"text": t}) for t in (TEXT, "nothing here", "ip 192.168.10.20")) + "\n"
    docs = service.post("/v1/pii/detect", json={"content": lines, "format": "jsonl"}).json()["documents"]
    assert len(docs) == 3 and "EMAIL_ADDRESS" in _types(docs[0]) and docs[1] == []
    assert "IP_ADDRESS" in _types(docs[2])
    r = service.post("/v1/pii/detect", json={"content": CSV, "format": "csv", "text_field": "note"})
    docs = r.json()["documents"]
    assert len(docs) == 2 and _types(docs[0]) == {"EMAIL_ADDRESS"} and docs[1] == []


def test_the_engine_is_made_once_per_app(api: ApiEnv) -> None:
    service = api.clients["service"]
    assert service.post("/v1/pii/detect", json={"content": TEXT}).status_code == 200
    engine = api.app.state.veil_pii_engine
    assert isinstance(engine, SharedEngine)
    assert service.post("/v1/pii/mask", json={"content": TEXT}).status_code == 200
    assert api.app.state.veil_pii_engine is engine


def test_mask_a_text_is_audited_with_counts_only(api: ApiEnv) -> None:
    r = api.clients["service"].post(
        "/v1/pii/mask", json={"content": TEXT, "per_type": {"PHONE_NUMBER": "redact"}}
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert "jane.doe@example.org" not in out["content"] and "7946" not in out["content"]
    assert "<EMAIL_ADDRESS>" in out["content"] and out["content"].endswith("about the invoice.")
    assert out["by_type"]["EMAIL_ADDRESS"] == 1 and out["by_operator"]["redact"] == 1
    entry = next(e for e in api.ws.audit.entries() if e.seq == out["audit_seq"])
    assert entry.action == "pii.mask" and entry.details["by_type"] == out["by_type"]
    assert "jane" not in json.dumps(entry.details)


def test_mask_a_csv_whole_identifier_cells_and_free_text(api: ApiEnv) -> None:
    r = api.clients["steward"].post(
        "/v1/pii/mask",
        json={"content": CSV, "format": "csv", "operator": "hash", "per_column": {"name": "redact"}},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["rows"] == 2 and out["kind"] == "csv"
    for value in ("Jane Doe", "jane.doe@example.org", "Bob Roe", "bob@example.net"):
        assert value not in out["content"]
    header, first, _second = out["content"].splitlines()
    assert header == "name,email,note" and first.startswith(",")  # the name redacted
    assert {c["name"] for c in out["columns"]} == {"name", "email", "note"}


def test_bad_bodies_are_problems(api: ApiEnv) -> None:
    service = api.clients["service"]
    _problem(service.post("/v1/pii/mask", json={"content": TEXT, "operator": "shred"}), 400, "config_error")
    body = _problem(service.post("/v1/pii/mask", json={"content": TEXT, "role": "admin"}), 422, "input_error")
    assert "role" in body["detail"] and "jane" not in body["detail"]
    _problem(service.post("/v1/pii/detect", json={"content": TEXT, "format": "xml"}), 422, "input_error")
    _problem(service.post("/v1/pii/detect", json={"content": "x" * (MAX_CHARS + 1)}), 422, "input_error")
    _problem(api.anon.post("/v1/pii/detect", json={"content": TEXT}), 401, "unauthenticated")
    # a malformed document is the library's input error, naming the payload (not a server path)
    bad = {"content": "{not json, jane.doe@example.org\n", "format": "jsonl"}
    body = _problem(service.post("/v1/pii/mask", json=bad), 400, "input_error")
    assert body["detail"] == "payload.jsonl: line 1 is not valid JSON"
    body = _problem(
        service.post("/v1/pii/mask", json={"content": "a,b\n1,2,3\n", "format": "csv"}), 400, "input_error"
    )
    assert body["detail"].startswith("payload.csv: malformed row 1")
