"""Federated rounds as a job: a real Flower run (SuperLink + SuperNodes on loopback) across two
small Adult site workspaces, through the runner — progress per round, cancellation between
rounds, and a ``kill -9`` of the server mid-run followed by a restart (the job fails saying how
many rounds ran, no model file exists, no Flower process of the run is left)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest
from tests.support.adult import ADULT_BOUNDS, ADULT_CATEGORIES, TARGET, load_adult

from veil.consent.purpose import PurposeRegistry
from veil.errors import InputError
from veil.jobs import JobQueue, JobState, Runner
from veil.jobs.kind import Progress
from veil.jobs.kinds.federated import CANCELLED, RUNS_DIR
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

ROWS = 800  # per site: each round is a few ClientApp processes over 640 training rows
CATEGORICAL = ("sex", "marital_status", "relationship")


def _site(root: Path, name: str, first: int) -> Path:
    csv = root / f"{name}.csv"
    pacsv.write_csv(load_adult(2 * ROWS).slice(first, ROWS), csv)
    ws = Workspace.init(root / name)
    try:
        Ingestor(ws).run(csv, "adult", "person_id")
        PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    finally:
        ws.close()
    csv.unlink()
    return root / name


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two site workspaces; the first lists the second under [federated] sites."""
    root = tmp_path_factory.mktemp("fed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_ACTOR", "test-actor")
        made = [_site(root, "site-a", 0), _site(root, "site-b", ROWS)]
    config = made[0] / "veil.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"\n[federated]\nsites = [{json.dumps(str(made[1]))}]\n",
        encoding="utf-8",
    )
    return made


@pytest.fixture
def site(sites: list[Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("VEIL_ACTOR", "server")
    with Workspace.open(sites[0]) as ws:
        yield ws


def params(sites: list[Path], out: Path, **extra: Any) -> dict[str, Any]:
    return {
        "sites": [str(s) for s in sites],
        "dataset": "adult",
        "purpose": "research",
        "target": TARGET,
        "features": [*ADULT_BOUNDS, *CATEGORICAL],
        "positive": ">50K",
        "bounds": {k: list(v) for k, v in ADULT_BOUNDS.items()},
        "categories": {c: list(ADULT_CATEGORIES[c]) for c in CATEGORICAL},
        "out": str(out),
        "local_epochs": 2,
        **extra,
    }


def flower_processes(ws: Workspace) -> list[int]:
    """Live processes of any federated run of ``ws`` (they inherit FLWR_HOME under its runs)."""
    prefix = f"FLWR_HOME={(ws.root / RUNS_DIR).resolve()}/".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
            except OSError:
                continue
            if state not in ("Z", "X") and any(v.startswith(prefix) for v in environ.split(b"\0")):
                found.append(int(entry.name))
    return found


class Recording(Runner):
    """A runner that records each progress report, and can cancel its job at round ``cancel_at``."""

    def __init__(self, ws: Workspace, cancel_at: int | None = None) -> None:
        super().__init__(ws, threads=1)
        self.reports: list[tuple[int, int | None]] = []
        self.cancel_at = cancel_at

    def _progress(self, job_id: str) -> Progress:
        report = super()._progress(job_id)

        def progress(done: int, total: int | None) -> None:
            self.reports.append((done, total))
            if done == self.cancel_at:
                self.queue.cancel(job_id)
            report(done, total)

        return progress


@pytest.mark.slow
def test_a_federated_job_reports_each_round_and_writes_the_model_whole(
    site: Workspace, sites: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "model.json"
    queue = JobQueue(site)
    rec = queue.submit("federated", params(sites, out, rounds=2), "steward-1")
    assert len(rec.params["run"]) == 32  # the run's folder token, given at submission
    runner = Recording(site)
    assert runner.run_pending() == 1
    done = queue.get(rec.id)
    assert done.state is JobState.SUCCEEDED, done.to_dict()
    assert runner.reports == [(0, 2), (1, 2), (2, 2)]  # before the run, then after each round
    assert (done.progress_done, done.progress_total) == (2, 2)
    result = done.result or {}
    assert result["sites"] == 2 and result["rows"] == [ROWS, ROWS] and result["engine"] == "deployment"
    assert [r["round"] for r in result["rounds"]] == [1, 2] and result["out"] == str(out)
    assert 0.5 < result["holdout_accuracy"] <= 1.0
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["kind"] == "logistic_regression" and len(model["weight"]) == len(model["columns"])
    assert out.stat().st_mode & 0o777 == 0o600
    assert not (site.root / RUNS_DIR / rec.params["run"]).exists()  # the run's folder is removed
    assert flower_processes(site) == []
    for path in sites:  # each site's reads are audit-logged there, and its log verifies
        with Workspace.open(path) as ws:
            reads = ws.audit.entries(action="ml.federated.read")
            assert {int(e.details["round"]) for e in reads} >= {1, 2, 3}
            assert ws.audit.verify().ok


@pytest.mark.slow
def test_cancelling_between_rounds_stops_flower_and_writes_no_model(
    site: Workspace, sites: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "model.json"
    queue = JobQueue(site)
    rec = queue.submit("federated", params(sites, out, rounds=5), "steward-1")
    runner = Recording(site, cancel_at=1)
    runner.run_pending()
    done = queue.get(rec.id)
    assert done.state is JobState.CANCELLED, done.to_dict()
    assert done.error_message == CANCELLED
    assert runner.reports == [(0, 5), (1, 5)]  # stopped at the first round's report
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
    assert flower_processes(site) == []
    assert not (site.root / RUNS_DIR / rec.params["run"]).exists()


SERVER = """
import sys, time
from pathlib import Path
from veil.jobs import Runner
from veil.workspace import Workspace

root, marker = sys.argv[1:3]


class Stalling(Runner):
    def _progress(self, job_id):
        report = super()._progress(job_id)

        def progress(done, total):
            report(done, total)
            if done == 1:  # round 1 aggregated; the run goes on in Flower's processes
                Path(marker).write_text("round 1")
                time.sleep(600)

        return progress


ws = Workspace.open(Path(root))
runner = Stalling(ws, threads=1, poll_s=0.05, heartbeat_s=0.2)
runner.start()
time.sleep(900)
"""


@pytest.mark.slow
def test_kill_9_mid_run_then_restart_fails_the_job_saying_what_ran(
    site: Workspace, sites: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "model.json"
    queue = JobQueue(site)
    rec = queue.submit("federated", params(sites, out, rounds=3), "steward-1")
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(site.root), str(marker)],
        env={**os.environ, "VEIL_ACTOR": "server"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            if proc.poll() is not None:
                out_, err = proc.communicate()
                raise AssertionError(f"the server ended before round 1: {out_}\n{err}")
            assert time.monotonic() < deadline, "round 1 never finished"
            time.sleep(0.05)
        deadline = time.monotonic() + 10  # the heartbeat thread writes the round's progress
        while queue.get(rec.id).progress_done < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert flower_processes(site)  # the run is under way (positive control for the end)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    running = queue.get(rec.id)
    assert running.state is JobState.RUNNING and running.progress_done == 1

    runner = Runner(site, stale_after_s=1.0)  # the restart
    try:
        assert runner.start() == [rec.id]
    finally:
        runner.stop()
    after = queue.get(rec.id)
    assert after.state is JobState.FAILED and after.error_code == "job_interrupted"
    assert after.error_message is not None
    assert after.error_message.startswith("interrupted by a server restart after 1 of 3 rounds; no model")
    assert not out.exists()  # no model, not even part of one
    assert flower_processes(site) == []  # the dead run's Flower processes were stopped
    assert not (site.root / RUNS_DIR / rec.params["run"]).exists()
    assert site.audit.verify().ok
    assert JobQueue(site).recover(stale_after_s=60) == []


def test_bad_parameters_are_refused_before_queueing(
    site: Workspace, sites: list[Path], tmp_path: Path
) -> None:
    queue = JobQueue(site)
    before = [j.id for j in queue.list().items]  # the site workspace is shared by the module's tests
    out = tmp_path / "m.json"
    bad: list[dict[str, Any]] = [
        params(sites[:1], out),  # one site
        params(sites, Path("relative.json")),
        {**params(sites, out), "bounds": {"age": [90, 17]}},
        {**params(sites, out), "categories": {"sex": "Male"}},
        {**params(sites, out), "dp_noise": 1.0},  # noise without a clipping norm
        {**params(sites, out), "role": "admin"},  # unknown parameter
        {**params(sites, out), "run": "../../etc"},
    ]
    for p in bad:
        with pytest.raises(InputError):
            queue.submit("federated", p, "steward-1")
    assert [j.id for j in queue.list().items] == before


def test_a_site_the_workspace_does_not_list_fails_the_job_before_flower_starts(
    site: Workspace, sites: list[Path], tmp_path: Path
) -> None:
    stranger = Path(tempfile.mkdtemp(dir=tmp_path))
    queue = JobQueue(site)
    rec = queue.submit("federated", params([sites[0], stranger], tmp_path / "m.json"), "steward-1")
    Runner(site).run_pending()
    done = queue.get(rec.id)
    assert done.state is JobState.FAILED and done.error_code == "input_error"
    assert "[federated] sites" in (done.error_message or "")
    assert flower_processes(site) == []
