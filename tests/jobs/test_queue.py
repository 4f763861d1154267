"""JobQueue: durable records, parameter checks before queueing, listing, ownership, cancel, spool."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from veil.errors import ConflictError, InputError, NotFoundError
from veil.jobs import JobQueue, JobState, kinds, register, unregister
from veil.schema import audit_log, jobs
from veil.workspace import Workspace


@pytest.fixture
def queue(ws: Workspace) -> JobQueue:
    return JobQueue(ws)


def test_builtin_kinds_are_listed() -> None:
    assert kinds()[:4] == ["ingest", "training", "synthesis", "retention"]


def test_submit_stores_a_queued_record_with_checked_params(queue: JobQueue, patients_csv: Path) -> None:
    rec = queue.submit("ingest", {"file": str(patients_csv), "dataset": "patients"}, "key-1")
    assert rec.state is JobState.QUEUED
    assert len(rec.id) == 32 and rec.actor == "key-1"
    # defaults are filled in, so the record says exactly what will run
    assert rec.params == {
        "file": str(patients_csv),
        "dataset": "patients",
        "batch_rows": 10_000,
        "pii_scan": True,
    }
    assert (rec.progress_done, rec.progress_total, rec.result, rec.error_code) == (0, None, None, None)
    assert rec.started_at is None and rec.worker is None and not rec.cancel_requested
    assert queue.get(rec.id) == rec
    with queue.ws.engine.connect() as conn:
        actions = conn.execute(sa.select(audit_log.c.action, audit_log.c.details)).all()
    assert any(a == "job.submit" and rec.id in d for a, d in actions)


TRAIN = {"dataset": "d", "purpose": "p", "target": "t"}
SYNTH = {"dataset": "d", "purpose": "p", "epsilon": 1.0}


@pytest.mark.parametrize(
    ("kind", "params", "fragment"),
    [
        ("ingest", {"dataset": "x"}, "needs the parameter 'file'"),
        ("ingest", {"file": "/nonexistent.csv", "dataset": "x"}, "no such file"),
        ("ingest", {"file": __file__, "dataset": "x", "role": "admin"}, "unknown parameter(s)"),
        ("ingest", {"file": __file__, "dataset": "x", "batch_rows": 5}, "at least 100"),
        ("ingest", {"file": __file__, "dataset": 3}, "non-empty string"),
        ("training", {"dataset": "d", "purpose": "p", "target": "t"}, "give epsilon and delta"),
        (
            "training",
            {"dataset": "d", "purpose": "p", "target": "t", "no_dp": True, "epsilon": 1.0},
            "exclude",
        ),
        ("training", {"dataset": "d", "purpose": "p", "target": "t", "no_dp": True, "model": "svm"}, "svm"),
        ("synthesis", {"dataset": "d", "purpose": "p", "epsilon": 1.0, "out": "rel.parquet"}, "absolute"),
        (
            "synthesis",
            {"dataset": "d", "purpose": "p", "epsilon": float("nan"), "out": "/x.parquet"},
            "finite",
        ),
        ("retention", {"as_of": "yesterday"}, "ISO-8601"),
        ("retention", {"grace_days": True}, "integer"),
    ],
)
def test_bad_params_are_refused_before_queueing(
    queue: JobQueue, kind: str, params: dict[str, object], fragment: str
) -> None:
    with pytest.raises(InputError, match=None) as info:
        queue.submit(kind, params, "key-1")
    assert fragment in info.value.message
    assert queue.list().items == []


def test_unknown_kind_is_not_found_with_a_suggestion(queue: JobQueue) -> None:
    with pytest.raises(NotFoundError, match="Did you mean 'ingest'"):
        queue.submit("ingset", {}, "key-1")


def test_params_must_be_small_json(queue: JobQueue) -> None:
    @register("test.echo")
    def echo(ws: Workspace, params: object, progress: object) -> dict[str, object]:
        return {}

    try:
        with pytest.raises(InputError, match="at most"):
            queue.submit("test.echo", {"blob": "x" * 20_000}, "key-1")
        with pytest.raises(InputError, match="JSON"):
            queue.submit("test.echo", {"path": Path("/x")}, "key-1")
        with pytest.raises(InputError, match="actor id"):
            queue.submit("test.echo", {}, "")
        with pytest.raises(ConflictError):
            register("test.echo")(echo)
        with pytest.raises(ConflictError):
            register("ingest")(echo)
    finally:
        unregister("test.echo")


def test_list_pages_newest_first_and_filters(queue: JobQueue) -> None:
    ids = [queue.submit("retention", {"dry_run": True}, "a" if i % 2 else "b").id for i in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        page = queue.list(limit=3, cursor=cursor)
        seen += [r.id for r in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == list(reversed(ids))
    assert [r.id for r in queue.list(actor="a").items] == [i for n, i in enumerate(ids) if n % 2][::-1]
    assert queue.list(state=JobState.SUCCEEDED).items == []
    assert len(queue.list(state=JobState.QUEUED, limit=500).items) == 7
    with pytest.raises(InputError):
        queue.list(limit=501)
    with pytest.raises(InputError):
        queue.list(limit=0)
    with pytest.raises(InputError, match="cursor"):
        queue.list(cursor="not-a-cursor!")


def test_another_actors_job_is_not_found(queue: JobQueue) -> None:
    rec = queue.submit("retention", {}, "alice")
    assert queue.get(rec.id, actor="alice").id == rec.id
    with pytest.raises(NotFoundError):
        queue.get(rec.id, actor="mallory")
    with pytest.raises(NotFoundError):
        queue.cancel(rec.id, actor="mallory")
    assert queue.get(rec.id).state is JobState.QUEUED
    with pytest.raises(NotFoundError):
        queue.get("0" * 32)


def test_cancel_a_queued_job_ends_it_and_deletes_its_file(queue: JobQueue) -> None:
    spooled = queue.spool(".csv")
    spooled.write_text("id,x\n1,2\n")
    rec = queue.submit("ingest", {"file": str(spooled), "dataset": "d"}, "alice", owned_file=spooled)
    done = queue.cancel(rec.id, actor="alice")
    assert done.state is JobState.CANCELLED and done.cancel_requested and done.finished_at
    assert done.error_code == "cancelled" and "nothing of it was applied" in (done.error_message or "")
    assert not spooled.exists()
    with pytest.raises(ConflictError, match="already ended"):
        queue.cancel(rec.id)


def test_spool_files_are_private(queue: JobQueue) -> None:
    path = queue.spool(".parquet")
    assert path.parent == queue.ws.root / "jobs"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(InputError):
        queue.spool("/../../x")


def test_the_jobs_table_holds_no_file_contents(queue: JobQueue, patients_csv: Path) -> None:
    queue.submit("ingest", {"file": str(patients_csv), "dataset": "patients"}, "key-1")
    first_line = patients_csv.read_text().splitlines()[1]
    with queue.ws.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.select(jobs)).all() for v in row)
    assert first_line.split(",")[1] not in stored
