"""Issue 10, item 13: an ingest killed with kill -9 leaves data keys whose data never
committed; the next open takes them back, and never a key that a live ingest uses.

Real processes: ``veil ingest`` runs in a subprocess and is killed with SIGKILL while its
transaction is open (its keys are committed in the key store, its rows are not).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from veil.consent.purpose import PurposeRegistry
from veil.crypto.journal import IngestRun
from veil.demo.hospital import generate_patients, write_csv
from veil.rights.access import export_subject
from veil.schema import subjects
from veil.vault.subject import collect_orphan_keys
from veil.workspace import Workspace

VEIL = str(Path(sys.executable).parent / "veil")
ROWS = 40_000


def key_count(root: Path) -> int:
    db = sqlite3.connect(f"file:{root / 'keys' / 'keystore.db'}?mode=ro", uri=True, timeout=30)
    try:
        return int(db.execute("SELECT count(*) FROM deks").fetchone()[0])
    finally:
        db.close()


def start_ingest(root: Path, src: Path) -> subprocess.Popen[bytes]:
    cmd = [VEIL, "ingest", str(src), "--dataset", "patients", "--subject-column", "patient_id",
           "--no-pii-scan", "--workspace", str(root)]  # fmt: skip
    env = {**os.environ, "VEIL_ACTOR": "ingest"}
    log = (src.parent / f"ingest-{time.monotonic_ns()}.log").open("wb")
    try:
        return subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    finally:
        log.close()  # the child has its own copy


def kill_when_keys_exist(proc: subprocess.Popen[bytes], root: Path, at_least: int) -> int:
    deadline = time.monotonic() + 300
    while (n := key_count(root)) < at_least:
        assert proc.poll() is None, "the ingest finished before it could be killed: use a bigger file"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return n


def held_subjects(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one())


@pytest.fixture
def empty(ws: Workspace, tmp_path: Path) -> tuple[Path, Path]:
    PurposeRegistry(ws).add("billing", "contract", 90)
    root = ws.root
    ws.close()
    return root, write_csv(tmp_path / "big.csv", ROWS)


@pytest.mark.slow
def test_keys_of_a_killed_ingest_are_collected_by_the_next_open(empty: tuple[Path, Path]) -> None:
    root, src = empty
    proc = start_ingest(root, src)
    made = kill_when_keys_exist(proc, root, 10_000)
    assert made >= 10_000 and key_count(root) >= made  # orphans: keys without data
    with Workspace.open(root) as ws:  # the next command
        assert held_subjects(ws) == 0
        assert key_count(root) == 0
        assert ws.keystore.journal.runs() == []


@pytest.mark.slow
def test_a_live_ingest_keeps_the_keys_it_took_over_from_a_killed_one(empty: tuple[Path, Path]) -> None:
    """Ingest A is killed with its keys made; ingest B of the same subjects starts and finds
    those keys (made, not yet used). While B runs, other commands open the workspace and try
    to collect A's orphans: none of A's keys that B commits data under may go."""
    root, src = empty
    a = start_ingest(root, src)
    kill_when_keys_exist(a, root, 10_000)
    b = start_ingest(root, src)
    raced = 0  # opens made while B's run was registered and live
    while b.poll() is None:
        with Workspace.open(root) as ws:  # recovery runs here, racing B
            registered = any(r.pid == b.pid for r in ws.keystore.journal.runs())
            if raced and b.poll() is None:  # B is live: its run is never collected
                assert registered or held_subjects(ws) == ROWS
            raced += registered
        time.sleep(0.1)
    assert b.returncode == 0
    assert raced >= 1, "no open ran while B was live: make the file bigger"
    with Workspace.open(root) as ws:
        assert held_subjects(ws) == ROWS
        assert key_count(root) == ROWS  # one key per subject: A's unused orphans went, none B uses
        assert ws.keystore.journal.runs() == []
        for person in list(generate_patients(ROWS))[:: ROWS // 25]:
            export = export_subject(ws, person.patient_id)
            assert export.status == "active"
            assert export.datasets["patients"][0]["email"] == person.email  # still decrypts


def test_liveness_of_registered_runs(ws: Workspace) -> None:
    journal = ws.keystore.journal
    journal.start_run("live00000000")
    (live,) = journal.runs()
    assert live.pid == os.getpid() and live.alive() is True
    script = "import os; print(os.getpid())"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    dead_pid = int(done.stdout)
    dead = IngestRun("dead", live.host, dead_pid, None, live.started_at, "running")
    reused = IngestRun("reused", live.host, os.getpid(), "another-boot:1", live.started_at, "running")
    foreign = IngestRun("foreign", "elsewhere", os.getpid(), None, live.started_at, "running")
    ended = IngestRun("ended", live.host, os.getpid(), live.proc_start, live.started_at, "ended")
    assert dead.alive() is False
    if live.proc_start is not None:  # Linux: a pid reused by another process is not the run
        assert reused.alive() is False
    assert foreign.alive() is None and ended.alive() is False
    # A live run's keys are never collected, even with nothing in the data store.
    keys, _ = ws.keystore.get_or_create(["a" * 32], origin="live00000000")
    assert collect_orphan_keys(ws, wait_s=0.1) == {}
    assert ws.keystore.get("a" * 32) is not None
    journal.end_run("live00000000", committed=False)  # failed: now it is collected
    assert collect_orphan_keys(ws, wait_s=0.1) == {"live00000000": 1}
    assert ws.keystore.get("a" * 32) is None and journal.runs() == []
    assert keys
