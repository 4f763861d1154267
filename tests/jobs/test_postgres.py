"""PostgreSQL: four server processes share one procrastinate queue; no job runs twice, none is lost.

Each process runs a runner (a procrastinate worker, concurrency two) on the same PostgreSQL
workspace. The test kind appends its job id and process id to a file (O_APPEND) and sleeps
a little. Procrastinate's fetch locks the job it takes and the Veil claim refuses a row that
is no longer queued, so every job runs exactly once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil.jobs import JobQueue, JobState, Progress, Runner, register, unregister
from veil.workspace import Workspace

WORKER = """
import os, sys, time
from pathlib import Path
from veil.jobs import JobQueue, JobState, Runner, register
from veil.workspace import Workspace

root, log = sys.argv[1:3]


@register("test.append")
def append(ws, params, progress):
    progress(0, 1)
    with open(log, "a") as f:
        f.write(f"{params['n']} {os.getpid()}\\n")
    time.sleep(0.02)
    return {"pid": os.getpid()}


ws = Workspace.open(Path(root))
queue = JobQueue(ws)
with Runner(ws, threads=2, poll_s=0.05):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not queue.list(state=JobState.QUEUED, limit=1).items and not queue.list(
            state=JobState.RUNNING, limit=1
        ).items:
            break
        time.sleep(0.1)
print("done", flush=True)
"""


@pytest.fixture
def append_kind() -> Iterator[None]:
    @register("test.append")
    def append(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        raise AssertionError("runs only in the worker processes")

    yield
    unregister("test.append")


@pytest.mark.postgres
@pytest.mark.slow
def test_four_processes_run_every_job_exactly_once(
    pg_ws: Workspace, tmp_path: Path, append_kind: None
) -> None:
    queue = JobQueue(pg_ws)
    ids = [queue.submit("test.append", {"n": i}, "svc").id for i in range(60)]
    with pg_ws.engine.connect() as conn:  # each Veil job is one procrastinate job, queued
        deferred = conn.execute(
            sa.text("SELECT queueing_lock, status, task_name, queue_name FROM procrastinate_jobs")
        ).all()
    assert sorted(d[0] for d in deferred) == sorted(ids)
    assert {tuple(d[1:]) for d in deferred} == {("todo", "veil.run_job", "veil")}
    log = tmp_path / "ran.log"
    log.touch()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(pg_ws.root), str(log)],
            env={**os.environ, "VEIL_ACTOR": f"worker-{k}"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    runs = Counter(line.split()[0] for line in log.read_text().splitlines())
    assert runs == Counter({str(i): 1 for i in range(60)})
    records = [queue.get(i) for i in ids]
    assert all(r.state is JobState.SUCCEEDED for r in records)
    workers = {r.worker for r in records}
    assert len(workers) >= 2  # the work was shared
    assert all(r.result == {"pid": int((r.worker or "").rsplit(":", 1)[1])} for r in records)
    with pg_ws.engine.connect() as conn:  # procrastinate ran them all (and deletes successful ones)
        assert conn.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one() == 0


@pytest.mark.postgres
def test_a_real_ingest_job_on_postgresql(pg_ws: Workspace, patients_csv: Path) -> None:
    queue = JobQueue(pg_ws)
    rec = queue.submit(
        "ingest", {"file": str(patients_csv), "dataset": "patients", "subject_column": "patient_id"}, "s"
    )
    with Runner(pg_ws, threads=1, poll_s=0.05):
        deadline = time.monotonic() + 120
        while (done := queue.get(rec.id)).state in (JobState.QUEUED, JobState.RUNNING):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert done.result is not None and done.result["rows"] == 200


@pytest.mark.postgres
def test_stale_heartbeat_of_another_host_is_failed_by_a_sweep(pg_ws: Workspace) -> None:
    from veil.database import writer
    from veil.schema import jobs

    queue = JobQueue(pg_ws)
    rec = queue.submit("retention", {}, "dpo")
    with writer(pg_ws.engine).begin() as conn:
        conn.execute(
            jobs.update()
            .where(jobs.c.id == rec.id)
            .values(
                state="running",
                worker="other-host.example:4242",
                started_at="2026-01-01T00:00:00.000000Z",
                heartbeat_at="2026-01-01T00:00:00.000000Z",
            )
        )
    assert Runner(pg_ws).queue.recover(stale_after_s=30) == [rec.id]
    assert queue.get(rec.id).state is JobState.FAILED
    with pg_ws.engine.connect() as conn:
        assert conn.execute(sa.select(jobs.c.owned_file).where(jobs.c.id == rec.id)).scalar() is None
