"""``GET /v1/releases/{dataset}`` against the real app: the Release gate decides who and what goes out."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv, close_env, make_env
from tests.support.patients_api import grant, ingest_patients, release, released_rows

from veil.consent.purpose import PurposeRegistry
from veil.workspace import Workspace


def test_analyst_gets_only_consenting_subjects_pseudonymised(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 12)
    grant(api, people[:4])
    r = release(api.clients["analyst"])
    rows = released_rows(r)
    want = {api.ws.pseudonymize(p.patient_id) for p in people[:4]}
    assert {row["pseudonym"] for row in rows} == want and len(rows) == 4
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    assert r.headers["x-veil-rows"] == "4" and r.headers["x-veil-subjects"] == "4"
    entry = api.ws.audit.entries(action="dataset.release")[-1]
    assert r.headers["x-veil-audit-seq"] == str(entry.seq) and entry.purpose == "research"
    for row in rows:  # no identifier, free text or raw id leaves
        assert not {"patient_id", "name", "email", "phone", "ssn", "notes"} & set(row)
    text = r.content
    assert not any(p.email.encode() in text or p.patient_id.encode() in text for p in people)
    assert (api.root / "outbox").is_dir() and not any((api.root / "outbox").iterdir())  # deleted once sent


def test_consent_withdrawal_through_the_api_takes_effect_on_the_next_release(
    api: ApiEnv, tmp_path: Path
) -> None:
    people = ingest_patients(api, tmp_path, 6)
    grant(api, people[:3])
    first = {row["pseudonym"] for row in released_rows(release(api.clients["analyst"]))}
    leaving = api.ws.pseudonymize(people[0].patient_id)
    assert leaving in first and len(first) == 3
    r = api.clients["steward"].post(
        "/v1/consent/withdrawals", json={"subject": people[0].patient_id, "purpose": "research"}
    )
    assert r.status_code == 201 and r.json()["action"] == "withdraw"
    after = {row["pseudonym"] for row in released_rows(release(api.clients["analyst"]))}
    assert after == first - {leaving}


def test_columns_and_refusals(api: ApiEnv, tmp_path: Path) -> None:
    people = ingest_patients(api, tmp_path, 5)
    grant(api, people)
    rows = released_rows(release(api.clients["admin"], columns="sex,diagnosis"))
    assert set(rows[0]) == {"pseudonym", "sex", "diagnosis"}
    # a sealed column is refused by the gate, with its code
    sealed = release(api.clients["analyst"], columns="email")
    assert sealed.status_code == 403 and sealed.json()["code"] == "column_not_allowed"
    # a purpose the analyst does not hold
    PurposeRegistry(api.ws).add("marketing", "consent", 30)
    other = release(api.clients["analyst"], purpose="marketing")
    assert other.status_code == 403 and other.json()["code"] == "purpose_not_granted"
    # roles without releases:read
    for role in ("dpo", "steward", "auditor", "service", "subject"):
        assert release(api.clients[role]).status_code == 403, role
    assert release(api.anon).status_code == 401
    missing = api.clients["analyst"].get("/v1/releases/nope", params={"purpose": "research"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.clients["analyst"].get("/v1/releases/patients").status_code == 422  # no purpose
    extra = release(api.clients["analyst"], role="admin")
    assert extra.status_code == 422


def test_the_same_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    root = tmp_path / "pg"
    Workspace.init(root, database_url=postgres_url).close()
    env = make_env(root)
    try:
        people = ingest_patients(env, tmp_path, 6)
        grant(env, people[:3])
        first = {row["pseudonym"] for row in released_rows(release(env.clients["analyst"]))}
        assert first == {env.ws.pseudonymize(p.patient_id) for p in people[:3]}
        body = {"subject": people[1].patient_id, "purpose": "research"}
        assert env.clients["dpo"].post("/v1/consent/withdrawals", json=body).status_code == 201
        after = {row["pseudonym"] for row in released_rows(release(env.clients["analyst"]))}
        assert after == first - {env.ws.pseudonymize(people[1].patient_id)}
    finally:
        close_env(env)
