"""What this process knows about the jobs it is running, ahead of the database.

On SQLite a job's own write transaction (an ingest is one) holds the store's only write lock
until it ends, so its progress and a cancellation cannot be written meanwhile: the runner
keeps them here, and :class:`~veil.jobs.queue.JobQueue` in the same process (the server's)
reads them from here. Other processes see what the runner last managed to write.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["LIVE", "LiveJobs"]


@dataclass
class _Live:
    done: int = 0
    total: int | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


class LiveJobs:
    """Thread-safe: progress and cancel flags of the jobs running in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, _Live] = {}
        #: set when a job is submitted in this process, so idle workers look at once
        self.wake = threading.Event()

    def begin(self, job_id: str) -> None:
        with self._lock:
            self._jobs[job_id] = _Live()

    def end(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def running(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._jobs

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._jobs)

    def report(self, job_id: str, done: int, total: int | None) -> None:
        with self._lock:
            live = self._jobs.get(job_id)
            if live is not None:
                live.done, live.total = done, total

    def progress(self, job_id: str) -> tuple[int, int | None] | None:
        with self._lock:
            live = self._jobs.get(job_id)
            return None if live is None else (live.done, live.total)

    def request_cancel(self, job_id: str) -> bool:
        """Flag a job running here for cancellation; False when it does not run in this process."""
        with self._lock:
            live = self._jobs.get(job_id)
        if live is None:
            return False
        live.cancel.set()
        return True

    def cancelled(self, job_id: str) -> bool:
        with self._lock:
            live = self._jobs.get(job_id)
        return live is not None and live.cancel.is_set()


#: The one registry of this process.
LIVE = LiveJobs()
