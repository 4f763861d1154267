"""The job queue: durable job records in the workspace's data store (table ``jobs``).

:class:`JobQueue` is what routes and commands use: submit, get, list, cancel, and a spool
for uploaded files a job owns. The worker side (claim, report, finish, recover) is used by
:class:`~veil.jobs.runner.Runner`. On PostgreSQL a submitted job is also deferred to
procrastinate (:mod:`veil.jobs.pgqueue`), which picks the process that runs it. A claim
moves a row from ``queued`` to ``running`` under its row lock (``FOR UPDATE [SKIP LOCKED]``;
SQLite's write lock serialises them) and takes only a queued row, so no job runs twice.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import contextlib
import json
import os
import secrets
import socket
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.database import is_sqlite, writer
from veil.errors import BusyError, ConflictError, InputError, JobInterruptedError, NotFoundError
from veil.jobs.live import LIVE
from veil.jobs.record import JobPage, JobRecord, JobState
from veil.jobs.registry import resolve
from veil.schema import jobs

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["MAX_LIMIT", "MAX_PARAMS_BYTES", "JobQueue", "remove_owned", "worker_id"]


#: The most jobs one page lists.
MAX_LIMIT = 500
#: The most bytes a job's parameters take as JSON (they name things; they carry no data).
MAX_PARAMS_BYTES = 16_384
#: Spool files no queued or running job owns are removed once this old (seconds).
SPOOL_GRACE_S = 3600.0


def worker_id() -> str:
    """This process as a worker: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _encode_cursor(record: JobRecord) -> str:
    raw = json.dumps([record.created_at, record.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, job_id = json.loads(raw)
    except (ValueError, binascii.Error, TypeError):
        raise InputError("the cursor is not one a job listing returned") from None
    if not (isinstance(created, str) and isinstance(job_id, str)):
        raise InputError("the cursor is not one a job listing returned")
    return created, job_id


class JobQueue:
    """Durable jobs of one workspace (see the package docstring for how routes use it)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- what routes and commands use ------------------------------------------------------
    def submit(
        self, kind: str, params: Mapping[str, Any], actor_id: str, *, owned_file: Path | None = None
    ) -> JobRecord:
        """Queue a job of ``kind`` for ``actor_id``; its parameters are checked first (InputError).

        ``owned_file`` (from :meth:`spool`) is deleted when the job ends, whatever the end.
        """
        job_kind = resolve(kind)
        checked = job_kind.check(params) if job_kind.check is not None else dict(params)
        try:
            text = json.dumps(checked, sort_keys=True, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            raise InputError(
                "job parameters must be JSON (strings, numbers, booleans, lists, objects)"
            ) from None
        if len(text.encode()) > MAX_PARAMS_BYTES:
            raise InputError(f"job parameters take at most {MAX_PARAMS_BYTES} bytes as JSON")
        if not actor_id or len(actor_id) > 128:
            raise InputError("a job's actor id must be 1 to 128 characters")
        job_id = secrets.token_hex(16)
        with self.ws.transaction() as conn:
            conn.execute(
                jobs.insert().values(
                    id=job_id,
                    kind=kind,
                    params=text,
                    state=JobState.QUEUED.value,
                    progress_done=0,
                    progress_total=None,
                    actor=actor_id,
                    created_at=clock.now_iso(),
                    cancel_requested=False,
                    owned_file=str(owned_file) if owned_file is not None else None,
                )
            )
            self.ws.audit.append(conn, "job.submit", details={"job": job_id, "kind": kind, "actor": actor_id})
        if not is_sqlite(self.ws.engine):
            from veil.jobs.pgqueue import defer  # procrastinate carries the queue on PostgreSQL

            defer(self.ws, job_id)  # if this fails, a runner's sweep defers the queued row again
        LIVE.wake.set()
        return self.get(job_id)

    def get(self, job_id: str, *, actor: str | None = None) -> JobRecord:
        """The job ``job_id``; with ``actor``, only that actor's (another's is "not found")."""
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
        if row is None or (actor is not None and row["actor"] != actor):
            raise NotFoundError(f"no job {job_id!r}")
        return self._overlay(JobRecord.from_row(row))

    def list(
        self,
        *,
        state: JobState | None = None,
        actor: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        """Jobs newest first, ``limit`` (1..500) a page; ``actor`` keeps only that actor's."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be between 1 and {MAX_LIMIT}")
        query = sa.select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id.desc()).limit(limit + 1)
        if state is not None:
            query = query.where(jobs.c.state == JobState(state).value)
        if actor is not None:
            query = query.where(jobs.c.actor == actor)
        if cursor:
            created, job_id = _decode_cursor(cursor)
            query = query.where(
                sa.or_(jobs.c.created_at < created, sa.and_(jobs.c.created_at == created, jobs.c.id < job_id))
            )
        with self.ws.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        items = [self._overlay(JobRecord.from_row(r)) for r in rows[:limit]]
        return JobPage(items, _encode_cursor(items[-1]) if len(rows) > limit else None)

    def cancel(self, job_id: str, *, actor: str | None = None, by: str | None = None) -> JobRecord:
        """Cancel a queued job now, or ask a running one to stop at its next progress report.

        A running job that reports no more progress (or has finished its work) ends as it
        would have; its record then shows ``cancel_requested``. A finished job: ConflictError.
        ``actor`` limits it to that actor's jobs; ``by`` is who asked (audit log).
        """
        record = self.get(job_id, actor=actor)
        if record.finished:
            raise ConflictError(f"job {job_id} has already ended ({record.state.value})")
        if LIVE.request_cancel(job_id):
            # Running in this process: the worker stops at its next report and records it.
            return replace(record, cancel_requested=True)
        owned: str | None = None
        with self.ws.transaction() as conn:
            row = conn.execute(
                sa.select(jobs.c.state, jobs.c.owned_file).where(jobs.c.id == job_id).with_for_update()
            ).first()
            if row is None:
                raise NotFoundError(f"no job {job_id!r}")
            state = JobState(row.state)
            if state is JobState.QUEUED:
                conn.execute(
                    jobs.update()
                    .where(jobs.c.id == job_id, jobs.c.state == JobState.QUEUED.value)
                    .values(
                        state=JobState.CANCELLED.value,
                        cancel_requested=True,
                        finished_at=clock.now_iso(),
                        error_code="cancelled",
                        error_message="cancelled before it started; nothing of it was applied",
                        owned_file=None,
                    )
                )
                owned = row.owned_file
            elif state is JobState.RUNNING:
                conn.execute(jobs.update().where(jobs.c.id == job_id).values(cancel_requested=True))
            else:
                raise ConflictError(f"job {job_id} has already ended ({state.value})")
            self.ws.audit.append(
                conn, "job.cancel", details={"job": job_id, "state": state.value, "by": by or self.ws.actor}
            )
        if owned:
            remove_owned(owned)
        return self.get(job_id)

    def spool(self, suffix: str = "") -> Path:
        """A new empty 0600 file in the workspace's job spool (0700), for an upload a job will own.

        Write the upload into it, then :meth:`submit` with ``owned_file=`` the path; the job
        deletes it when it ends. A route that does not submit must delete it itself (a runner
        also removes spool files no job owns after an hour).
        """
        directory = self.spool_dir()
        if suffix and (not suffix.startswith(".") or len(suffix) > 16 or not suffix[1:].isalnum()):
            raise InputError("a spool file's suffix is a dot and up to 15 letters or digits")
        fd, name = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=directory)
        os.close(fd)
        return Path(name)

    def spool_dir(self) -> Path:
        directory = self.ws.root / "jobs"
        directory.mkdir(mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
        return directory

    # -- the worker side -------------------------------------------------------------------
    def claim(
        self, worker: str, conn_source: sa.Engine | None = None, *, job_id: str | None = None
    ) -> JobRecord | None:
        """Take the oldest queued job (or the job ``job_id``, if still queued) for ``worker``
        (now ``running``), or ``None``.

        ``conn_source`` is the engine to write with (the runner's quick one on SQLite).
        """
        if job_id is not None:
            # Wait for a lock on it (a cancel in progress) rather than skip it: no one else takes it.
            return self._take(
                worker, conn_source, sa.select(jobs.c.id).where(jobs.c.id == job_id), skip=False
            )
        with self.ws.engine.connect() as conn:  # a cheap read first: no write lock when idle
            if (
                conn.execute(
                    sa.select(jobs.c.id).where(jobs.c.state == JobState.QUEUED.value).limit(1)
                ).first()
                is None
            ):
                return None
        oldest = sa.select(jobs.c.id).order_by(jobs.c.created_at, jobs.c.id)
        return self._take(worker, conn_source, oldest, skip=True)

    def _take(
        self, worker: str, conn_source: sa.Engine | None, query: sa.Select[Any], *, skip: bool
    ) -> JobRecord | None:
        now = clock.now_iso()
        with writer(conn_source or self.ws.engine).begin() as conn:
            job_id = conn.execute(
                query.where(jobs.c.state == JobState.QUEUED.value).limit(1).with_for_update(skip_locked=skip)
            ).scalar_one_or_none()
            if job_id is None:
                return None
            taken = conn.execute(
                jobs.update()
                .where(jobs.c.id == job_id, jobs.c.state == JobState.QUEUED.value)
                .values(state=JobState.RUNNING.value, worker=worker, started_at=now, heartbeat_at=now)
            ).rowcount
            if taken != 1:
                return None
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().one()
        return JobRecord.from_row(row)

    def report(self, conn: Connection, job_id: str, worker: str, done: int, total: int | None) -> bool:
        """Write progress and heartbeat; True when the job's cancellation was asked for."""
        conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.worker == worker, jobs.c.state == JobState.RUNNING.value)
            .values(progress_done=done, progress_total=total, heartbeat_at=clock.now_iso())
        )
        return bool(conn.execute(sa.select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar())

    def heartbeat(self, conn: Connection, job_ids: builtins.list[str], worker: str) -> None:
        conn.execute(
            jobs.update()
            .where(jobs.c.id.in_(job_ids), jobs.c.worker == worker, jobs.c.state == JobState.RUNNING.value)
            .values(heartbeat_at=clock.now_iso())
        )

    def finish(
        self,
        job_id: str,
        worker: str,
        state: JobState,
        *,
        result: dict[str, Any] | None = None,
        error: tuple[str, str] | None = None,
        progress: tuple[int, int | None] | None = None,
    ) -> None:
        """Record how a job this worker ran ended (nothing, if it is no longer this worker's)."""
        values: dict[str, Any] = {"state": state.value, "finished_at": clock.now_iso(), "owned_file": None}
        if result is not None:
            values["result"] = json.dumps(result, sort_keys=True, default=str)
        if error is not None:
            values["error_code"], values["error_message"] = error
        if progress is not None:
            values["progress_done"], values["progress_total"] = progress
        owned: str | None = None
        for attempt in _retries():
            with attempt, writer(self.ws.engine).begin() as conn:
                owned = conn.execute(
                    sa.select(jobs.c.owned_file).where(jobs.c.id == job_id)
                ).scalar_one_or_none()
                conn.execute(
                    jobs.update()
                    .where(
                        jobs.c.id == job_id, jobs.c.worker == worker, jobs.c.state == JobState.RUNNING.value
                    )
                    .values(**values)
                )
        if owned:
            remove_owned(owned)

    def recover(self, *, stale_after_s: float) -> builtins.list[str]:
        """Fail the jobs left ``running`` by dead workers; return their ids.

        A worker is dead when it ran on this host and its process is gone (or is this process,
        which does not run the job), or when its heartbeat is older than ``stale_after_s``.
        Each is failed with its kind's message (what an interruption means for that work).
        """
        here = socket.gethostname()
        cutoff = clock.format_ts(clock.now() - timedelta(seconds=stale_after_s))
        with self.ws.engine.connect() as conn:
            rows = (
                conn.execute(sa.select(jobs).where(jobs.c.state == JobState.RUNNING.value)).mappings().all()
            )
        dead: builtins.list[tuple[JobRecord, str | None]] = []
        for row in rows:
            record = JobRecord.from_row(row)
            host, _, pid = (record.worker or "").rpartition(":")
            if host == here and pid.isdigit():
                alive = (int(pid) == os.getpid() and LIVE.running(record.id)) or (
                    int(pid) != os.getpid() and _pid_alive(int(pid))
                )
            else:
                alive = (record.heartbeat_at or "") >= cutoff
            if not alive:
                dead.append((record, row["owned_file"]))
        failed: builtins.list[str] = []
        for record, owned in dead:
            message = _interrupted_message(self.ws, record)
            with self.ws.transaction() as conn:
                done = conn.execute(
                    jobs.update()
                    .where(
                        jobs.c.id == record.id,
                        jobs.c.state == JobState.RUNNING.value,
                        jobs.c.worker == record.worker,
                    )
                    .values(
                        state=JobState.FAILED.value,
                        finished_at=clock.now_iso(),
                        error_code=JobInterruptedError.code,
                        error_message=message,
                        owned_file=None,
                    )
                ).rowcount
                if done:
                    self.ws.audit.append(
                        conn,
                        "job.interrupted",
                        details={"job": record.id, "kind": record.kind, "worker": record.worker},
                    )
            if done:
                failed.append(record.id)
                if owned:
                    remove_owned(owned)
        return failed

    def queued_before(self, seconds: float) -> builtins.list[str]:
        """Ids of jobs still queued that were submitted more than ``seconds`` ago."""
        cutoff = clock.format_ts(clock.now() - timedelta(seconds=seconds))
        with self.ws.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(jobs.c.id).where(
                        jobs.c.state == JobState.QUEUED.value, jobs.c.created_at < cutoff
                    )
                ).scalars()
            )

    def sweep_spool(self) -> builtins.list[Path]:
        """Remove spool files that no queued or running job owns and that are over an hour old."""
        directory = self.ws.root / "jobs"
        if not directory.is_dir():
            return []
        with self.ws.engine.connect() as conn:
            owned = set(
                conn.execute(
                    sa.select(jobs.c.owned_file).where(
                        jobs.c.owned_file.is_not(None),
                        jobs.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]),
                    )
                ).scalars()
            )
        removed: builtins.list[Path] = []
        for path in directory.iterdir():
            with contextlib.suppress(OSError):
                if str(path) not in owned and time.time() - path.stat().st_mtime > SPOOL_GRACE_S:
                    path.unlink()
                    removed.append(path)
        return removed

    @staticmethod
    def _overlay(record: JobRecord) -> JobRecord:
        live = LIVE.progress(record.id)
        if live is None or record.state is not JobState.RUNNING:
            return record
        return replace(
            record,
            progress_done=live[0],
            progress_total=live[1],
            cancel_requested=record.cancel_requested or LIVE.cancelled(record.id),
        )


def _interrupted_message(ws: Workspace, record: JobRecord) -> str:
    from veil.jobs.kind import DEFAULT_INTERRUPTED

    try:
        kind = resolve(record.kind)
    except NotFoundError:
        return DEFAULT_INTERRUPTED
    if kind.committed is not None:
        committed = kind.committed(ws, record)
        if committed is not None:
            return committed
    return kind.interrupted


def remove_owned(path: str) -> None:
    """Delete a job's spool file (already gone is fine)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class _Attempt(contextlib.AbstractContextManager["_Attempt"]):
    """One try of a write that SQLite may refuse as busy (another job's transaction)."""

    def __init__(self) -> None:
        self.ok = False

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is None:
            self.ok = True
            return False
        return exc_type is not None and issubclass(exc_type, sa.exc.OperationalError)


def _retries(tries: int = 30) -> Iterator[_Attempt]:
    for i in range(tries):
        attempt = _Attempt()
        yield attempt
        if attempt.ok:
            return
        if i == tries - 1:
            raise BusyError("the job's outcome could not be recorded: the data store stayed busy")
        time.sleep(min(5.0, 0.2 * (i + 1)))
