"""``/v1/jobs``: own jobs for every staff role, every job for admin and dpo; cancel; 404 for
another caller's job; real jobs run by the real runner, status read back over the API."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import ApiEnv

from veil.jobs import JobQueue, Runner


def label(api: ApiEnv, role: str) -> str:
    return f"api_key:{api.keys[role].key.id}"


def test_a_steward_follows_its_ingest_job_to_the_end(api: ApiEnv, patients_csv: Path) -> None:
    queue = JobQueue(api.ws)
    spooled = queue.spool(".csv")
    spooled.write_bytes(patients_csv.read_bytes())
    rec = queue.submit(
        "ingest",
        {"file": str(spooled), "dataset": "patients", "subject_column": "patient_id"},
        label(api, "steward"),
        owned_file=spooled,
    )
    steward = api.clients["steward"]
    r = steward.get(f"/v1/jobs/{rec.id}")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "queued" and r.json()["progress"] == {"done": 0, "total": None}
    assert "worker" not in r.json()
    assert Runner(api.ws).run_pending() == 1
    done = steward.get(f"/v1/jobs/{rec.id}").json()
    assert done["state"] == "succeeded" and done["error"] is None
    assert done["result"]["rows"] == 200 and done["result"]["dataset"] == "patients"
    assert done["progress"]["done"] == done["progress"]["total"] > 0
    assert not spooled.exists()
    listed = steward.get("/v1/jobs").json()
    assert [j["id"] for j in listed["items"]] == [rec.id] and listed["next_cursor"] is None


def test_failures_show_code_and_message(api: ApiEnv, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    rec = JobQueue(api.ws).submit(
        "ingest", {"file": str(bad), "dataset": "d", "subject_column": "nope"}, label(api, "steward")
    )
    Runner(api.ws).run_pending()
    body = api.clients["steward"].get(f"/v1/jobs/{rec.id}").json()
    assert body["state"] == "failed"
    assert body["error"]["code"] == "input_error" and "nope" in body["error"]["message"]
    assert "Traceback" not in str(body)


def test_own_jobs_only_except_admin_and_dpo(api: ApiEnv) -> None:
    queue = JobQueue(api.ws)
    mine = queue.submit("retention", {"dry_run": True}, label(api, "analyst")).id
    theirs = queue.submit("retention", {"dry_run": True}, label(api, "steward")).id
    analyst = api.clients["analyst"]
    assert [j["id"] for j in analyst.get("/v1/jobs").json()["items"]] == [mine]
    assert analyst.get(f"/v1/jobs/{mine}").status_code == 200
    r = analyst.get(f"/v1/jobs/{theirs}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert analyst.post(f"/v1/jobs/{theirs}/cancel").status_code == 404
    assert queue.get(theirs).state.value == "queued"
    for role in ("admin", "dpo"):
        ids = {j["id"] for j in api.clients[role].get("/v1/jobs").json()["items"]}
        assert ids == {mine, theirs}
        assert api.clients[role].get(f"/v1/jobs/{theirs}").status_code == 200


def test_roles_without_jobs_read_are_refused(api: ApiEnv) -> None:
    rec = JobQueue(api.ws).submit("retention", {}, label(api, "auditor"))
    for role in ("auditor", "subject"):
        c = api.clients[role]
        assert c.get("/v1/jobs").status_code == 403
        assert c.get(f"/v1/jobs/{rec.id}").status_code == 403
        assert c.post(f"/v1/jobs/{rec.id}/cancel").status_code == 403
    assert api.anon.get("/v1/jobs").status_code == 401


def test_cancel_own_queued_job_and_not_twice(api: ApiEnv) -> None:
    rec = JobQueue(api.ws).submit("retention", {}, label(api, "service"))
    c = api.clients["service"]
    r = c.post(f"/v1/jobs/{rec.id}/cancel")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "cancelled" and r.json()["error"]["code"] == "cancelled"
    again = c.post(f"/v1/jobs/{rec.id}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert Runner(api.ws).run_pending() == 0


def test_dpo_cancels_anyones_job(api: ApiEnv) -> None:
    rec = JobQueue(api.ws).submit("retention", {}, label(api, "steward"))
    r = api.clients["dpo"].post(f"/v1/jobs/{rec.id}/cancel")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"


def test_listing_pages_and_filters(api: ApiEnv) -> None:
    queue = JobQueue(api.ws)
    ids = [queue.submit("retention", {"dry_run": True}, label(api, "steward")).id for _ in range(5)]
    queue.cancel(ids[0])
    c = api.clients["steward"]
    seen, cursor = [], None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = c.get("/v1/jobs", params=params).json()
        seen += [j["id"] for j in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    cancelled = c.get("/v1/jobs", params={"state": "cancelled"}).json()["items"]
    assert [j["id"] for j in cancelled] == [ids[0]]
    assert c.get("/v1/jobs", params={"limit": 501}).status_code == 422
    assert c.get("/v1/jobs", params={"state": "exploded"}).status_code == 422
    assert c.get("/v1/jobs", params={"cursor": "garbage!"}).status_code in (400, 422)
    assert c.get("/v1/jobs/not-an-id").status_code == 422


def test_the_schema_has_the_job_routes(api: ApiEnv) -> None:
    paths = api.anon.get("/v1/openapi.json").json()["paths"]
    assert set(paths["/v1/jobs"]) == {"get"}
    assert set(paths["/v1/jobs/{job_id}"]) == {"get"}
    assert set(paths["/v1/jobs/{job_id}/cancel"]) == {"post"}
    job = api.anon.get("/v1/openapi.json").json()["components"]["schemas"]["JobOut"]
    assert job["additionalProperties"] is False and "worker" not in job["properties"]


def test_the_app_runs_queued_jobs_in_its_own_runner(api: ApiEnv) -> None:
    import time

    from tests.support.api import TestClient

    from veil.consent.purpose import PurposeRegistry

    assert PurposeRegistry(api.ws).list()
    headers = {"Authorization": f"Bearer {api.keys['steward'].token}"}
    with TestClient(api.app, headers=headers) as c:  # runs the app's lifespan: its runner starts
        rec = JobQueue(api.ws).submit("retention", {"dry_run": True}, label(api, "steward"))
        deadline = time.monotonic() + 60
        while (body := c.get(f"/v1/jobs/{rec.id}").json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert body["state"] == "succeeded", body
    assert body["result"]["dry_run"] is True and body["progress"] == {"done": 1, "total": 1}
