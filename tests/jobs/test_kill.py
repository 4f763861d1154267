"""kill -9 of a server process in the middle of an ingest job, then a restart.

A real process runs a real ingest job through the runner (the built-in ``ingest`` kind,
slowed at each progress report) and is killed with SIGKILL once the ingest has written
batches inside its transaction. The next start of a runner finds the job ``running`` under
a worker whose process is gone and fails it with the ingest's message; the data store has
no row of it (no dataset, no subject, no attribute table), the data keys the dead run made
are taken back, and the audit log verifies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from veil.demo.hospital import write_csv
from veil.jobs import JobQueue, JobState, Runner
from veil.schema import audit_log, dataset_columns, datasets, subjects
from veil.workspace import Workspace

SERVER = """
import sys, time
from pathlib import Path
from veil.jobs import Runner
from veil.workspace import Workspace

root, marker = sys.argv[1:3]


class SlowRunner(Runner):
    def _progress(self, job_id):
        report = super()._progress(job_id)
        calls = [0]

        def slow(done, total):
            report(done, total)
            calls[0] += 1
            if calls[0] == 3:  # three batches written inside the ingest's transaction
                Path(marker).write_text("mid-ingest")
            time.sleep(0.5)

        return slow


ws = Workspace.open(Path(root))
runner = SlowRunner(ws, threads=1, poll_s=0.05)
runner.start()  # as the server does: worker threads (SQLite) or a procrastinate worker (PostgreSQL)
time.sleep(600)
"""


@pytest.mark.slow
def test_kill_9_mid_ingest_then_restart_fails_the_job_and_nothing_is_applied(
    ws: Workspace, tmp_path: Path
) -> None:
    kill_mid_ingest_then_restart(ws, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_mid_ingest_on_postgresql(pg_ws: Workspace, tmp_path: Path) -> None:
    kill_mid_ingest_then_restart(pg_ws, tmp_path)
    with pg_ws.engine.connect() as conn:  # procrastinate's job of the dead worker was ended too
        assert conn.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one() == 0


def kill_mid_ingest_then_restart(ws: Workspace, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "patients.csv", 3000)
    queue = JobQueue(ws)
    rec = queue.submit(
        "ingest",
        {"file": str(data), "dataset": "patients", "subject_column": "patient_id", "batch_rows": 100},
        "steward-1",
    )
    keys_before = ws.keystore.count()
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ws.root), str(marker)],
        env={**os.environ, "VEIL_ACTOR": "server"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the server ended before the ingest was under way: {out}\n{err}")
        assert time.monotonic() < deadline, "the ingest never got under way"
        time.sleep(0.02)
    running = queue.get(rec.id)
    assert running.state is JobState.RUNNING and running.worker == f"{os.uname().nodename}:{proc.pid}"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    ws.close()

    # The restart: the workspace opens (taking back the dead run's keys) and the runner starts.
    time.sleep(1.5)  # PostgreSQL: the dead worker's procrastinate heartbeat is older than 1 s
    with Workspace.open(ws.root) as again:
        runner = Runner(again, stale_after_s=1.0)
        try:
            assert runner.start() == [rec.id]
            if again.engine.dialect.name == "postgresql":
                deadline = time.monotonic() + 30
                with again.engine.connect() as conn:
                    while conn.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one():
                        assert time.monotonic() < deadline, "the dead worker's procrastinate job stayed"
                        time.sleep(0.1)
                        conn.rollback()
        finally:
            runner.stop()
        after = JobQueue(again).get(rec.id)
        assert after.state is JobState.FAILED
        assert after.error_code == "job_interrupted"
        assert after.error_message == (
            "interrupted by a server restart; nothing of it was applied (an ingest is one transaction)"
        )
        assert after.finished_at is not None
        with again.engine.connect() as conn:
            for table in (datasets, dataset_columns, subjects):
                assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
            assert not sa.inspect(conn).has_table("ds_patients")
            actions = conn.execute(sa.select(audit_log.c.action).order_by(audit_log.c.seq)).scalars().all()
        assert "dataset.ingest" not in actions and actions[-1] == "job.interrupted"
        assert again.keystore.count() == keys_before  # the dead run's data keys were taken back
        assert again.audit.verify().ok
        # A second start finds nothing more to fail.
        assert JobQueue(again).recover(stale_after_s=60) == []
