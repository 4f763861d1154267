"""Runner: jobs run in worker threads, outcomes recorded, errors without stack traces, cancel,
recovery of jobs dead workers left running."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil import clock
from veil.consent.purpose import PurposeRegistry
from veil.database import writer
from veil.errors import InputError
from veil.jobs import JobQueue, JobRecord, JobState, Progress, Runner, register, unregister
from veil.jobs.kinds.ingest import ingest_file
from veil.schema import datasets, jobs, subjects
from veil.workspace import Workspace

STEPS = threading.Event()


@pytest.fixture(autouse=True)
def test_kinds() -> Iterator[None]:
    @register("test.count")
    def count(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        n = int(params["n"])
        for i in range(n):
            progress(i, n)
        progress(n, n)
        return {"counted": n}

    @register("test.veil_error")
    def veil_error(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        raise InputError("column 'x' is missing")

    @register("test.bug")
    def bug(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        raise RuntimeError("value 555-0100 of Jane Roe broke it")

    @register("test.db")
    def db(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        with ws.engine.connect() as conn:
            conn.exec_driver_sql("SELECT * FROM no_such_table WHERE secret = 'Jane Roe'")
        return {}

    @register("test.wait")
    def wait(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        for i in range(2000):
            progress(i, 2000)
            STEPS.set()
            time.sleep(0.01)
        return {}

    @register("test.slow_ingest")
    def slow_ingest(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        def slow(done: int, total: int) -> None:
            progress(done, total)
            STEPS.set()
            time.sleep(0.02)

        result = ingest_file(
            ws, Path(params["file"]), "patients", "patient_id", batch_rows=500, progress=slow
        )
        return result.to_dict()

    STEPS.clear()
    yield
    for name in ("test.count", "test.veil_error", "test.bug", "test.db", "test.wait", "test.slow_ingest"):
        unregister(name)


def wait_for(queue: JobQueue, job_id: str, timeout: float = 60) -> JobRecord:
    deadline = time.monotonic() + timeout
    while (rec := queue.get(job_id)).state in (JobState.QUEUED, JobState.RUNNING):
        assert time.monotonic() < deadline, f"job still {rec.state}"
        time.sleep(0.05)
    return rec


def test_run_pending_records_success_and_progress(ws: Workspace) -> None:
    queue = JobQueue(ws)
    rec = queue.submit("test.count", {"n": 5}, "alice")
    assert Runner(ws).run_pending() == 1
    done = queue.get(rec.id)
    assert done.state is JobState.SUCCEEDED
    assert done.result == {"counted": 5}
    assert (done.progress_done, done.progress_total) == (5, 5)
    assert done.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert done.started_at and done.finished_at and done.started_at <= done.finished_at
    assert done.error_code is None


def test_failures_record_the_code_and_never_the_text_of_other_errors(ws: Workspace) -> None:
    queue = JobQueue(ws)
    a = queue.submit("test.veil_error", {}, "alice")
    b = queue.submit("test.bug", {}, "alice")
    c = queue.submit("test.db", {}, "alice")
    Runner(ws).run_pending()
    ra, rb, rc = queue.get(a.id), queue.get(b.id), queue.get(c.id)
    assert (rc.state, rc.error_code) == (JobState.FAILED, "database_error")
    assert "Jane" not in (rc.error_message or "") and "no_such_table" not in (rc.error_message or "")
    assert (ra.state, ra.error_code, ra.error_message) == (
        JobState.FAILED,
        "input_error",
        "column 'x' is missing",
    )
    assert rb.state is JobState.FAILED and rb.error_code == "internal_error"
    assert "Jane" not in (rb.error_message or "") and "555" not in (rb.error_message or "")
    assert "Traceback" not in str(rb.to_dict())


def test_threaded_runner_runs_a_real_ingest_and_deletes_the_spooled_file(
    ws: Workspace, patients_csv: Path
) -> None:
    queue = JobQueue(ws)
    spooled = queue.spool(".csv")
    spooled.write_bytes(patients_csv.read_bytes())
    with Runner(ws, threads=2, poll_s=0.05):
        rec = queue.submit(
            "ingest",
            {"file": str(spooled), "dataset": "patients", "subject_column": "patient_id"},
            "steward-1",
            owned_file=spooled,
        )
        done = wait_for(queue, rec.id)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert done.result is not None and done.result["rows"] == 200 and done.result["dataset"] == "patients"
    assert done.progress_total is not None and done.progress_done == done.progress_total > 0
    assert not spooled.exists()
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one() == 200


def test_ingest_of_a_bad_file_fails_with_its_code(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    queue = JobQueue(ws)
    rec = queue.submit("ingest", {"file": str(bad), "dataset": "d", "subject_column": "nope"}, "s")
    Runner(ws).run_pending()
    done = queue.get(rec.id)
    assert (done.state, done.error_code) == (JobState.FAILED, "input_error")
    assert "no subject column 'nope'" in (done.error_message or "")


def test_retention_job_runs_the_library_function(ws: Workspace, patients_csv: Path) -> None:
    ingest_file(ws, patients_csv, "patients", "patient_id")
    PurposeRegistry(ws).add("care", basis="contract", retention_days=3650)
    queue = JobQueue(ws)
    rec = queue.submit("retention", {"dry_run": True}, "dpo-1")
    Runner(ws).run_pending()
    done = queue.get(rec.id)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert (
        done.result is not None and done.result["subjects_checked"] == 200 and done.result["dry_run"] is True
    )


def test_a_retention_job_that_erases_keeps_no_pseudonym_in_its_record(
    ws: Workspace, patients_csv: Path
) -> None:
    ingest_file(ws, patients_csv, "patients", "patient_id")
    PurposeRegistry(ws).add("care", basis="consent", retention_days=1)  # nobody consented
    with ws.engine.connect() as conn:
        pseudonyms = list(conn.execute(sa.select(subjects.c.pseudonym)).scalars())
    queue = JobQueue(ws)
    rec = queue.submit("retention", {"as_of": "2099-01-01", "grace_days": 0}, "dpo-1")
    Runner(ws).run_pending()
    done = queue.get(rec.id)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert done.result is not None and done.result["erased"] == 200
    assert "expired_pseudonyms" not in done.result
    with ws.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.select(jobs)).all() for v in row)
        assert conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one() == 0
    assert not any(p in stored for p in pseudonyms)


def test_cancel_a_running_job_stops_it_at_its_next_report(ws: Workspace) -> None:
    queue = JobQueue(ws)
    with Runner(ws, threads=1, poll_s=0.05):
        rec = queue.submit("test.wait", {}, "alice")
        assert STEPS.wait(30)
        asked = queue.cancel(rec.id, actor="alice")
        assert asked.cancel_requested and asked.state is JobState.RUNNING
        done = wait_for(queue, rec.id)
    assert done.state is JobState.CANCELLED and done.error_code == "cancelled"
    assert done.progress_total == 2000 and done.progress_done < 2000


def test_cancel_mid_ingest_rolls_the_whole_ingest_back(ws: Workspace, tmp_path: Path) -> None:
    from veil.demo.hospital import write_csv

    big = write_csv(tmp_path / "big.csv", 40_000)  # > 3 MiB: the reader reports 1 MiB blocks
    queue = JobQueue(ws)
    with Runner(ws, threads=1, poll_s=0.05):
        rec = queue.submit("test.slow_ingest", {"file": str(big)}, "alice")
        assert STEPS.wait(30)
        running = queue.get(rec.id)
        assert running.state is JobState.RUNNING and running.progress_done > 0  # live progress
        queue.cancel(rec.id)
        done = wait_for(queue, rec.id)
    assert done.state is JobState.CANCELLED
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(datasets)).scalar_one() == 0
        assert not sa.inspect(conn).has_table("ds_patients")


def _set_running(ws: Workspace, job_id: str, worker: str, heartbeat: str) -> None:
    with writer(ws.engine).begin() as conn:
        conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id)
            .values(state="running", worker=worker, started_at=heartbeat, heartbeat_at=heartbeat)
        )


def test_start_fails_jobs_of_dead_workers_only(ws: Workspace) -> None:
    queue = JobQueue(ws)
    dead_here = queue.submit("test.count", {"n": 1}, "a").id
    alive_here = queue.submit("test.count", {"n": 1}, "a").id
    stale_there = queue.submit("retention", {}, "a").id
    fresh_there = queue.submit("retention", {}, "a").id
    gone = _dead_pid()
    now = clock.now_iso()
    old = clock.format_ts(clock.parse_ts(now).replace(year=2020))
    _set_running(ws, dead_here, f"{socket.gethostname()}:{gone}", now)
    _set_running(ws, alive_here, f"{socket.gethostname()}:{os.getppid()}", old)  # pid alive: left
    _set_running(ws, stale_there, "elsewhere.example:12", old)
    _set_running(ws, fresh_there, "elsewhere.example:13", now)
    runner = Runner(ws, stale_after_s=60)
    failed = runner.queue.recover(stale_after_s=60)
    assert sorted(failed) == sorted([dead_here, stale_there])
    a = queue.get(dead_here)
    assert (a.state, a.error_code) == (JobState.FAILED, "job_interrupted")
    assert a.error_message == "interrupted by a server restart; nothing of it was applied"
    r = queue.get(stale_there)
    assert (
        r.error_message is not None and "subjects whose erasure it had recorded are erased" in r.error_message
    )
    assert queue.get(alive_here).state is JobState.RUNNING
    assert queue.get(fresh_there).state is JobState.RUNNING


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_an_ingest_that_committed_before_its_worker_died_says_so(ws: Workspace, patients_csv: Path) -> None:
    queue = JobQueue(ws)
    rec = queue.submit("ingest", {"file": str(patients_csv), "dataset": "patients"}, "s")
    _set_running(ws, rec.id, "gone.example:1", clock.now_iso())
    ingest_file(ws, patients_csv, "patients", "patient_id")  # the work committed; the record did not
    assert queue.recover(stale_after_s=0) == [rec.id]
    message = queue.get(rec.id).error_message or ""
    assert message.startswith("interrupted by a server restart after the ingest committed (audit entry ")
    assert message.endswith("its result was not recorded")
