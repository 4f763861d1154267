"""Durable background jobs: long work (ingest, training, synthesis, retention) run by the server.

A job is a row of the workspace's ``jobs`` table (:class:`JobRecord`): its kind, its
parameters (JSON that names files, datasets and purposes — never personal data), its state
``queued → running → succeeded | failed | cancelled``, progress (``done``/``total``), its
result (JSON) or error (a stable code of :data:`veil.errors.CODES` and the VeilError's
message; anything else gets one fixed message, never a stack trace), the actor who asked,
times, and the worker (``host:pid``) with its heartbeat.

How a route hands long work to a job (the same library function the CLI calls runs in it)::

    from veil.jobs import JobQueue

    @router.post("/training", status_code=202)
    def train(body: TrainBody, actor: Actor = Depends(require("training:write")),
              ws: Workspace = Depends(workspace)) -> JobOut:
        actor.check_purpose(body.purpose)
        record = JobQueue(ws).submit("training", body.model_dump(exclude_none=True), actor.label)
        return JobOut.of(record)          # veil.api.routes.jobs.JobOut; 202: poll GET /v1/jobs/{id}

``submit`` checks the parameters against the kind before queueing (InputError → 422/400), so a
bad request never becomes a failed job. An uploaded file goes to the job's spool, not into
the parameters::

    queue = JobQueue(ws)
    path = queue.spool(".csv")           # 0600, in <workspace>/jobs (0700)
    ...stream the upload into path...     # on an error before submit: path.unlink()
    queue.submit("ingest", {"file": str(path), "dataset": name, "subject_column": col},
                 actor.label, owned_file=path)             # deleted when the job ends, however it ends

Kinds (:mod:`veil.jobs.kinds`): ``ingest`` (IngestParams), ``training`` (TrainingParams),
``synthesis`` (SynthesisParams; ``out`` is an absolute server path the route chooses),
``retention`` (RetentionParams) and ``key_rotation`` (no parameters). More kinds:
``@register("name")`` on ``fn(ws, params, progress) -> dict``; ``fn`` reports
``progress(done, total)``, which raises :class:`CancelRequested` (a BaseException) when a
cancellation was asked for, so report only where stopping is safe (never after the work
committed); ``interrupted=`` says what a kill leaves of its work.

The server runs :class:`Runner` (worker threads in its process) from ``Runner(ws).start()``
— which first fails jobs dead workers left ``running``, with their kind's message ("interrupted
by a server restart; nothing of it was applied" for all-or-nothing work) — to ``stop()``.
On PostgreSQL procrastinate is the queue (:mod:`veil.jobs.pgqueue`; its schema comes with
the data store's revision d0004): each server process's runner is a procrastinate worker,
and a job's row is claimed ``queued → running`` under its lock, so several workers never
run a job twice.

The actor id is the caller's ``Actor.label`` (``api_key:<id>``, ``oidc:<sub>``): ``/v1/jobs``
shows a caller the jobs submitted under its label. Reading: ``JobQueue(ws).get(id, actor=...)``
(another actor's job is "not found"),
``.list(state=, actor=, limit=, cursor=)`` newest first, ``.cancel(id, actor=...)``.
"""

from __future__ import annotations

from veil.jobs.kind import CancelRequested, JobFn, JobKind, Progress
from veil.jobs.queue import JobQueue
from veil.jobs.record import JobPage, JobRecord, JobState
from veil.jobs.registry import kinds, register, resolve, unregister
from veil.jobs.runner import Runner

__all__ = [
    "CancelRequested",
    "JobFn",
    "JobKind",
    "JobPage",
    "JobQueue",
    "JobRecord",
    "JobState",
    "Progress",
    "Runner",
    "kinds",
    "register",
    "resolve",
    "unregister",
]
