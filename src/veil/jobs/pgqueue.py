"""PostgreSQL: procrastinate carries the queue; Veil's ``jobs`` table stays the record.

On a PostgreSQL data store, :meth:`~veil.jobs.queue.JobQueue.submit` writes the job's row
and then defers one procrastinate job for it (task ``veil.run_job`` on queue ``veil``,
with the Veil job's id as its only argument and as its queueing lock). Each server
process's :class:`~veil.jobs.runner.Runner` runs a procrastinate worker (its own thread and
event loop; procrastinate runs the synchronous task in threads, ``concurrency`` at a
time), which claims the Veil row (``queued → running``, under its row lock) and runs the
kind. Procrastinate decides which process runs a job (its fetch locks the job row, ``FOR
UPDATE SKIP LOCKED``); state, progress, result and error live in Veil's row, which is
what the API reads. A Veil job cancelled while queued is skipped when its procrastinate
job comes up, and the claim refuses a row that is no longer queued, so a job never runs
twice even if it were deferred twice.

Procrastinate's schema (its tables, types and functions; ``SchemaManager.get_schema()``
of the installed procrastinate) is applied by the data store's revision ``d0004``, in the
same transaction as Veil's ``jobs`` table; a later procrastinate schema change needs a new
Veil revision running its migration scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil.errors import MissingDependencyError

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["QUEUE", "TASK_NAME", "PgWorker", "conninfo", "defer"]

TASK_NAME = "veil.run_job"
QUEUE = "veil"


def _procrastinate() -> Any:
    try:
        import procrastinate
    except ModuleNotFoundError as exc:  # pragma: no cover - the postgres extra installs it
        raise MissingDependencyError(
            "jobs on a PostgreSQL data store need procrastinate: pip install 'veil[postgres]'"
        ) from exc
    return procrastinate


def conninfo(ws: Workspace) -> str:
    """The data store's URL as libpq takes it (procrastinate connects with psycopg itself)."""
    url = sa.make_url(ws.config.data_url(ws.root))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def defer(ws: Workspace, job_id: str) -> None:
    """Queue the Veil job ``job_id`` in procrastinate (a short-lived connection of its own)."""
    procrastinate = _procrastinate()
    app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=conninfo(ws)))
    app.open()
    try:
        with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):  # deferred already
            app.configure_task(TASK_NAME, queue=QUEUE, queueing_lock=job_id).defer(job_id=job_id)
    finally:
        app.close()


class PgWorker:
    """A procrastinate worker in a thread of its own that hands each job id to ``run``."""

    def __init__(
        self,
        ws: Workspace,
        run: Callable[[str], None],
        *,
        concurrency: int,
        name: str,
        stalled_after_s: float,
    ) -> None:
        procrastinate = _procrastinate()
        self.failed_status = procrastinate.jobs.Status.FAILED
        self.stalled_after_s = stalled_after_s
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(ws)))
        self.app.task(name=TASK_NAME, queue=QUEUE, pass_context=False)(run)
        self.concurrency = concurrency
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="veil-job-procrastinate", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(30)

    def stop(self, timeout: float) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            loop.call_soon_threadsafe(task.cancel)  # procrastinate stops gracefully on cancel
        self._thread.join(timeout)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._task = loop.create_task(self._run())
            self._ready.set()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(self._task)
        finally:
            self._ready.set()
            loop.close()

    async def _run(self) -> None:
        async with self.app.open_async():
            # procrastinate jobs whose worker died (its heartbeat stopped) stay "doing": end them.
            # Their Veil rows are failed by the runner's recovery with what the kill left.
            manager = self.app.job_manager
            for job in await manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=self.stalled_after_s
            ):
                await manager.finish_job(job, self.failed_status, delete_job=True)
            await self.app.run_worker_async(
                queues=[QUEUE],
                concurrency=self.concurrency,
                name=self.name,
                install_signal_handlers=False,
                listen_notify=True,
                fetch_job_polling_interval=2.0,
                delete_jobs="successful",
                shutdown_graceful_timeout=30.0,
            )
