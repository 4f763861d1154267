"""``POST /v1/ingest`` against the real app: a streamed multipart upload becomes an ingest job
(the same ingest as ``veil ingest``), run by the real job runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tests.support.api import ApiEnv, close_env, make_env
from tests.support.patients_api import ingest, run_job, upload

from veil.api.settings import ServiceSettings
from veil.demo.hospital import COLUMNS, generate_patients, write_csv
from veil.jobs import JobQueue
from veil.rights.access import export_subject
from veil.vault.dataset import DatasetCatalog


def _spooled(api: ApiEnv) -> list[Path]:
    folder = api.root / "jobs"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_steward_uploads_a_csv_and_identifiers_are_sealed(api: ApiEnv, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "patients.csv", 30)
    r = upload(api.clients["steward"], path, pii_scan="true")
    assert r.status_code == 202, r.text
    job = r.json()
    assert (job["kind"], job["state"]) == ("ingest", "queued")
    assert job["params"]["dataset"] == "patients" and job["params"]["pii_scan"] is True
    (spooled,) = _spooled(api)  # the upload waits in the job spool, 0600
    assert spooled.stat().st_mode & 0o777 == 0o600 and spooled.read_bytes() == path.read_bytes()
    done = run_job(api, api.clients["steward"], job["id"])
    assert done["state"] == "succeeded", done
    result = done["result"]
    assert (result["dataset"], result["rows"], result["subjects"], result["new_subjects"]) == (
        "patients",
        30,
        30,
        30,
    )
    columns = {c["name"]: c for c in result["columns"]}
    for sealed in ("name", "email", "ssn", "notes"):
        assert columns[sealed]["dtype"] == "sealed", sealed
    first = next(iter(generate_patients(1)))
    assert export_subject(api.ws, first.patient_id).datasets["patients"][0]["email"] == first.email
    catalog = DatasetCatalog(api.ws)
    assert catalog.row_count(catalog.get("patients")) == 30
    assert _spooled(api) == []  # the job deleted the upload when it ended
    # re-ingest upserts by subject
    assert ingest(api, path, role="admin")["replaced_rows"] == 30


def test_parquet_upload(api: ApiEnv, tmp_path: Path) -> None:
    people = list(generate_patients(8))
    table = pa.table({c: [str(getattr(p, c)) for p in people] for c in COLUMNS})
    pq.write_table(table, tmp_path / "p.parquet")
    assert ingest(api, tmp_path / "p.parquet", dataset="visits")["rows"] == 8


def test_refusals(api: ApiEnv, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "patients.csv", 5)
    for role in ("analyst", "dpo", "auditor", "service", "subject"):
        assert upload(api.clients[role], path).status_code == 403, role
    assert upload(api.anon, path).status_code == 401
    steward = api.clients["steward"]
    bad_type = upload(steward, path, name="patients.exe")
    assert bad_type.status_code == 400 and bad_type.json()["code"] == "input_error"
    assert upload(steward, path, role="admin").status_code == 422  # unknown option
    assert upload(steward, path, batch_rows="5").status_code == 422
    missing = steward.post(
        "/v1/ingest", params={"subject_column": "patient_id"}, files={"file": ("a.csv", b"x")}
    )
    assert missing.status_code == 422
    wrong_part = steward.post(
        "/v1/ingest", params={"dataset": "d", "subject_column": "patient_id"}, files={"data": ("a.csv", b"x")}
    )
    assert wrong_part.status_code == 400 and "'file'" in wrong_part.json()["detail"]
    not_multipart = steward.post(
        "/v1/ingest", params={"dataset": "d", "subject_column": "patient_id"}, content=b"a,b\n1,2\n"
    )
    assert not_multipart.status_code == 400
    assert _spooled(api) == [] and JobQueue(api.ws).list().items == []
    # a file the ingest refuses: the job fails with the library's code and message
    r = upload(steward, path, subject_column="nope")
    assert r.status_code == 202
    failed = run_job(api, steward, r.json()["id"])
    assert failed["state"] == "failed" and failed["error"]["code"] == "input_error"
    assert "no subject column 'nope'" in failed["error"]["message"]
    assert DatasetCatalog(api.ws).names() == [] and _spooled(api) == []


def test_an_upload_over_the_limit_stops_with_413(tmp_path: Path) -> None:
    env = make_env(tmp_path / "small", ServiceSettings(max_upload_bytes=4096))
    try:
        path = write_csv(tmp_path / "patients.csv", 200)
        assert path.stat().st_size > 4096
        r = upload(env.clients["steward"], path)
        assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
        # streamed without a Content-Length: stopped part-way, the partial file deleted
        data = path.read_bytes()
        head = b'--B\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n\r\n'

        def chunks() -> Iterator[bytes]:
            yield head
            for i in range(0, len(data), 1000):
                yield data[i : i + 1000]
            yield b"\r\n--B--\r\n"

        streamed = env.clients["steward"].post(
            "/v1/ingest",
            params={"dataset": "patients", "subject_column": "patient_id"},
            content=chunks(),
            headers={"content-type": "multipart/form-data; boundary=B"},
        )
        assert streamed.status_code == 413 and streamed.json()["code"] == "payload_too_large"
        assert _spooled(env) == [] and JobQueue(env.ws).list().items == []
    finally:
        close_env(env)


def test_a_streamed_upload_under_the_limit_is_ingested(api: ApiEnv, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "patients.csv", 40).read_bytes()
    head = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="../../etc/p.csv"\r\n\r\n'
    r = api.clients["steward"].post(
        "/v1/ingest",
        params={"dataset": "patients", "subject_column": "patient_id", "pii_scan": "false"},
        content=iter([head, data[:100], data[100:], b"\r\n--XyZ--\r\n"]),
        headers={"content-type": "multipart/form-data; boundary=XyZ"},
    )
    assert r.status_code == 202, r.text
    assert Path(r.json()["params"]["file"]).parent == api.root / "jobs"  # never the client's path
    assert run_job(api, api.clients["steward"], r.json()["id"])["result"]["rows"] == 40


def test_a_truncated_upload_is_refused(api: ApiEnv, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "patients.csv", 40).read_bytes()
    head = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n\r\n'
    r = api.clients["steward"].post(
        "/v1/ingest",
        params={"dataset": "patients", "subject_column": "patient_id"},
        content=head + data[: len(data) // 2],  # no closing boundary
        headers={"content-type": "multipart/form-data; boundary=XyZ"},
    )
    assert r.status_code == 400 and "truncated" in r.json()["detail"]
    assert _spooled(api) == [] and JobQueue(api.ws).list().items == []


def test_a_malformed_multipart_body_is_a_400(api: ApiEnv) -> None:
    steward = api.clients["steward"]
    for body in (
        b"garbage\r\n\r\n",
        b"--B\r\n" + b"X" * 5000 + b": y\r\n\r\n",
        b"--B\r\nnot a header\r\n\r\ndata\r\n--B--\r\n",
    ):
        r = steward.post(
            "/v1/ingest",
            params={"dataset": "d", "subject_column": "id"},
            content=body,
            headers={"content-type": "multipart/form-data; boundary=B"},
        )
        assert r.status_code == 400 and r.json()["code"] == "input_error", r.text
    assert _spooled(api) == [] and JobQueue(api.ws).list().items == []
