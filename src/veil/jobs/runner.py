"""The runner: worker threads inside the serving process that run queued jobs.

:meth:`Runner.start` first fails the jobs that dead workers left ``running`` (see
:meth:`~veil.jobs.queue.JobQueue.recover`), then starts ``threads`` workers and a heartbeat
thread. A worker claims the oldest queued job, runs its kind's function on the workspace
and records the outcome; the function's own writes are the library's transactions, so a
failure, a cancellation or a kill leaves them all-or-nothing (each kind states what an
interruption leaves, :attr:`~veil.jobs.kind.JobKind.interrupted`).

SQLite serves one process: its write lock is held by a job's transaction (an ingest is one)
until it ends, so progress and heartbeats are written by the heartbeat thread with a short
busy timeout, skipped while the store is busy, and kept meanwhile in :data:`~veil.jobs.live.LIVE`
for the server's own reads. On PostgreSQL several processes run runners side by side, and
procrastinate is the queue (:mod:`veil.jobs.pgqueue`): each runner runs a procrastinate
worker instead of polling threads, and procrastinate hands each job to one of them; each
runner also fails jobs whose worker stopped sending heartbeats. :meth:`Runner.run_pending`
(tests, one-off runs) claims queued rows directly on either store.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

from veil.database import is_sqlite, make_engine, writer
from veil.errors import VeilError
from veil.jobs.kind import DEFAULT_CANCELLED, CancelRequested, Progress
from veil.jobs.live import LIVE
from veil.jobs.queue import JobQueue, worker_id
from veil.jobs.record import JobRecord, JobState
from veil.jobs.registry import resolve
from veil.schema import jobs

if TYPE_CHECKING:
    from veil.jobs.pgqueue import PgWorker
    from veil.workspace import Workspace

__all__ = ["DATABASE_MESSAGE", "FAILED_MESSAGE", "CancelRequested", "Runner"]

logger = logging.getLogger(__name__)

#: What a job the data store failed records (its message could quote a statement's values).
DATABASE_MESSAGE = "the data store reported an error (locked, unreachable or full); submit the job again"
#: What a job that failed with anything but a VeilError records (its text could quote personal data).
FAILED_MESSAGE = "the job failed unexpectedly; the cause is not recorded, as it could quote personal data"


class Runner:
    """Runs the queued jobs of ``ws`` in ``threads`` worker threads (default: one on SQLite, whose
    one writer would make a second job wait for the first's lock; two on PostgreSQL)."""

    def __init__(
        self,
        ws: Workspace,
        *,
        threads: int | None = None,
        poll_s: float = 0.5,
        heartbeat_s: float = 2.0,
        stale_after_s: float = 60.0,
    ) -> None:
        if threads is None:  # SQLite has one writer: a second job would only wait for the first's lock
            threads = 1 if is_sqlite(ws.engine) else 2
        if threads < 1:
            raise ValueError("a runner needs at least one thread")
        self.ws = ws
        self.queue = JobQueue(ws)
        self.threads = threads
        self.poll_s = poll_s
        self.heartbeat_s = heartbeat_s
        self.stale_after_s = stale_after_s
        self.worker = worker_id()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._quick: sa.Engine | None = None
        self._pg: PgWorker | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> list[str]:
        """Fail jobs dead workers left running, sweep the spool, start the threads; returns the failed ids."""
        if self._threads:
            raise RuntimeError("the runner is already started")
        failed = self.queue.recover(stale_after_s=self.stale_after_s)
        self.queue.sweep_spool()
        self._stop.clear()
        if is_sqlite(self.ws.engine):
            for i in range(self.threads):
                t = threading.Thread(target=self._work, name=f"veil-job-{i}", daemon=True)
                t.start()
                self._threads.append(t)
        else:  # procrastinate hands this process the jobs it is to run (veil.jobs.pgqueue)
            from veil.jobs.pgqueue import PgWorker

            self._pg = PgWorker(
                self.ws,
                self._run_one,
                concurrency=self.threads,
                name=self.worker,
                stalled_after_s=self.stale_after_s,
            )
            self._pg.start()
            self._redefer()
        beat = threading.Thread(target=self._beat, name="veil-job-heartbeat", daemon=True)
        beat.start()
        self._threads.append(beat)
        return failed

    def stop(self, *, cancel_running: bool = True, timeout: float = 30.0) -> None:
        """Stop taking jobs; ask running ones to stop (``cancel_running``) and wait up to ``timeout``.

        A job still running after that stays ``running`` in the store until the next start
        (of any runner) finds its worker gone and fails it.
        """
        self._stop.set()
        LIVE.wake.set()
        if cancel_running:
            with self._lock:
                running = list(self._running)
            for job_id in running:
                LIVE.request_cancel(job_id)
        deadline = time.monotonic() + timeout
        if self._pg is not None:
            self._pg.stop(timeout)
            if not self._pg.alive():
                self._pg = None
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]
        if not self._threads and self._quick is not None and self._quick is not self.ws.engine:
            self._quick.dispose()
            self._quick = None

    def __enter__(self) -> Runner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def run_pending(self) -> int:
        """Run queued jobs in the calling thread until none is left; returns how many ran."""
        ran = 0
        while (record := self.queue.claim(self.worker, self._quick_engine())) is not None:
            self._execute(record)
            ran += 1
        return ran

    # -- threads ---------------------------------------------------------------------------
    def _quick_engine(self) -> sa.Engine:
        """The engine for the runner's own small writes: on SQLite one that gives up after
        0.25 s when a job's transaction holds the write lock (the write is retried later)."""
        if self._quick is None:
            if is_sqlite(self.ws.engine):
                quick = make_engine(self.ws.config.data_url(self.ws.root))

                @event.listens_for(quick, "connect")
                def _short_wait(dbapi_conn: Any, _record: Any) -> None:
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA busy_timeout=250")
                    cur.close()

                self._quick = quick
            else:
                self._quick = self.ws.engine
        return self._quick

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                record = self.queue.claim(self.worker, self._quick_engine())
            except sa.exc.OperationalError:  # SQLite busy: a job's transaction; look again soon
                record = None
            if record is None:
                if LIVE.wake.wait(self.poll_s):
                    LIVE.wake.clear()
                continue
            self._execute(record)

    def _run_one(self, job_id: str) -> None:
        """Run the job ``job_id`` if it is still queued (procrastinate's task on PostgreSQL)."""
        record = self.queue.claim(self.worker, self._quick_engine(), job_id=job_id)
        if record is not None:
            self._execute(record)

    def _redefer(self) -> None:
        """PostgreSQL: defer again the jobs queued a while ago (a defer that failed after the
        row was written); procrastinate's queueing lock and the claim keep each run single."""
        from veil.jobs.pgqueue import defer

        for job_id in self.queue.queued_before(self.stale_after_s):
            defer(self.ws, job_id)

    def _beat(self) -> None:
        last_sweep = time.monotonic()
        while not self._stop.wait(self.heartbeat_s):
            with self._lock:
                running = list(self._running)
            try:
                with writer(self._quick_engine()).begin() as conn:
                    for job_id in running:
                        live = LIVE.progress(job_id)
                        if live is not None:
                            self.queue.report(conn, job_id, self.worker, live[0], live[1])
                    if running:
                        self.queue.heartbeat(conn, running, self.worker)
            except sa.exc.DBAPIError:
                pass  # busy (SQLite) or unreachable: the next beat writes it
            if time.monotonic() - last_sweep >= self.stale_after_s / 2:
                last_sweep = time.monotonic()
                with contextlib.suppress(sa.exc.DBAPIError, VeilError):  # the next sweep retries
                    self.queue.recover(stale_after_s=self.stale_after_s)
                    if self._pg is not None:
                        self._redefer()

    # -- one job ---------------------------------------------------------------------------
    def _progress(self, job_id: str) -> Progress:
        last_check = [0.0]

        def progress(done: int, total: int | None) -> None:
            LIVE.report(job_id, int(done), None if total is None else int(total))
            cancel = LIVE.cancelled(job_id)
            now = time.monotonic()
            if not cancel and now - last_check[0] >= 1.0:  # another process may have asked
                last_check[0] = now
                with self.ws.engine.connect() as conn:
                    cancel = bool(
                        conn.execute(sa.select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar()
                    )
            if cancel:
                raise CancelRequested

        return progress

    def _execute(self, record: JobRecord) -> None:
        LIVE.begin(record.id)
        with self._lock:
            self._running.add(record.id)
        result: dict[str, Any] | None = None
        error: tuple[str, str] | None = None
        cancelled = DEFAULT_CANCELLED
        try:
            kind = resolve(record.kind)
            cancelled = kind.cancelled
            out = kind.fn(self.ws, record.params, self._progress(record.id))
            if not isinstance(out, Mapping):
                raise TypeError("a job function must return a mapping")
            result, state = dict(out), JobState.SUCCEEDED
        except CancelRequested:
            state, error = JobState.CANCELLED, ("cancelled", cancelled)
        except VeilError as exc:
            state, error = JobState.FAILED, (exc.code, exc.message)
        except sa.exc.DBAPIError as exc:
            logger.error("job %s (%s) failed: %s", record.id, record.kind, type(exc.orig).__name__)
            state, error = JobState.FAILED, ("database_error", DATABASE_MESSAGE)
        except Exception as exc:
            logger.error("job %s (%s) failed: %s", record.id, record.kind, type(exc).__name__)
            state, error = JobState.FAILED, ("internal_error", FAILED_MESSAGE)
        finally:
            live = LIVE.progress(record.id)
            LIVE.end(record.id)
            with self._lock:
                self._running.discard(record.id)
        progress = live
        if state is JobState.SUCCEEDED:
            total = live[1] if live is not None and live[1] is not None else 1
            progress = (total, total)
        try:
            self.queue.finish(record.id, self.worker, state, result=result, error=error, progress=progress)
        except (VeilError, sa.exc.DBAPIError) as exc:  # the store stayed busy or went away
            # The row stays "running": the next start (or another runner's sweep) fails it.
            logger.error("job %s: its outcome was not recorded (%s)", record.id, type(exc).__name__)
