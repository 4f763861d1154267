"""``/v1/breaches`` and ``/v1/reports`` against the real app: the DPO's breach register and
reports, auditors read, everyone else is refused; answers carry no subject."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv
from tests.support.patients_api import grant, ingest_patients


def test_dpo_runs_a_breach_through_the_api(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 6)
    grant(api, people[:3])
    dpo = api.clients["dpo"]
    r = dpo.post("/v1/breaches", json={"title": "dump of the patients table", "leaks": ["dataset:patients"]})
    assert r.status_code == 201, r.text
    breach = r.json()
    assert breach["state"] == "open" and breach["hours_left"] > 71
    r = dpo.post(f"/v1/breaches/{breach['id']}/assess", json={})
    assert r.status_code == 200, r.text
    assessed = r.json()
    assert assessed["assessment"]["exposure"]["subjects"] == 6
    assert assessed["band"] in ("low", "medium", "high", "very_high")
    assert (
        dpo.post(f"/v1/breaches/{breach['id']}/updates", json={"note": "host confirmed deletion"}).status_code
        == 200
    )
    draft = dpo.get(f"/v1/breaches/{breach['id']}/draft").json()
    assert draft["a_nature"]["approx_subjects"]["value"] == 6
    assert dpo.post(f"/v1/breaches/{breach['id']}/tell").json()["subjects_told"] == 6
    assert dpo.post(f"/v1/breaches/{breach['id']}/notify", json={}).json()["state"] == "notified"
    assert dpo.post(f"/v1/breaches/{breach['id']}/close", json={}).json()["state"] == "closed"
    listed = api.clients["auditor"].get("/v1/breaches").json()
    assert [b["id"] for b in listed] == [breach["id"]]
    for person in people:
        assert person.name not in str(listed) and person.email not in str(draft)


def test_breach_refusals_and_bad_input(api: ApiEnv) -> None:
    body = {"title": "x", "leaks": ["data-store"]}
    for role in ("analyst", "steward", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/breaches", json=body).status_code == 403, role
    for role in ("analyst", "steward", "service", "subject"):
        assert api.clients[role].get("/v1/breaches").status_code == 403, role
    assert api.anon.get("/v1/breaches").status_code == 401
    dpo = api.clients["dpo"]
    assert dpo.post("/v1/breaches", json={"title": "x", "leaks": ["table:x"]}).status_code == 400
    assert dpo.post("/v1/breaches", json={"title": "x", "leaks": []}).status_code == 422
    # a client names a backup of the service's folder, never a path on the server
    r = dpo.post("/v1/breaches", json={"title": "x", "leaks": ["backup:/etc/passwd"]})
    assert r.status_code == 400 and "passwd" not in r.text
    assert dpo.get("/v1/breaches/br_0000000000000000").status_code == 404
    assert (
        dpo.post(
            "/v1/breaches", json={"title": "x", "leaks": ["data-store"], "aware_at": "2099-01-01T00:00:00Z"}
        ).status_code
        == 400
    )


def test_reports_and_their_status(api: ApiEnv, tmp_path: Path) -> None:
    ingest_patients(api, tmp_path, 4)
    dpo = api.clients["dpo"]
    r = dpo.post("/v1/reports/processing", json={})
    assert r.status_code == 201, r.text
    assert r.json()["records"]
    jsonld = dpo.post("/v1/reports/processing", json={"format": "jsonld"}).json()
    assert jsonld["@graph"]
    r = dpo.post("/v1/reports/dpia", json={"purpose": "research"})
    assert r.status_code == 201, r.text
    dpia = r.json()
    assert len(dpia["screening"]) == 9
    cnil = dpo.post("/v1/reports/dpia", json={"purpose": "research", "format": "cnil"}).json()
    assert set(cnil) == {"pia", "answers", "measures", "evaluations", "comments"}
    status = api.clients["auditor"].get("/v1/reports/status").json()
    assert {(s["kind"], s["scope"]) for s in status} == {("processing", "*"), ("dpia", "research")}
    assert not any(s["outdated"] for s in status)
    latest = next(s for s in status if s["kind"] == "dpia")
    r = dpo.post(
        f"/v1/reports/{latest['id']}/decision", json={"decision": "validated", "opinion": "acceptable"}
    )
    assert r.status_code == 200 and r.json()["status"] == "validated"
    for role in ("analyst", "steward", "auditor", "service", "subject"):
        assert api.clients[role].post("/v1/reports/processing", json={}).status_code == 403, role
    assert dpo.post("/v1/reports/dpia", json={"purpose": "nope"}).status_code == 404
