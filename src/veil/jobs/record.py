"""A job's durable record: :class:`JobState`, :class:`JobRecord` and a page of them."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["TERMINAL", "JobPage", "JobRecord", "JobState"]


class JobState(enum.StrEnum):
    """``queued → running → succeeded | failed | cancelled`` (a queued job may go straight to cancelled)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: States a job never leaves.
TERMINAL = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One job as stored in the ``jobs`` table (plain data; ``params`` and ``result`` are JSON objects).

    ``error_code`` is a code of :data:`veil.errors.CODES`; ``error_message`` is the
    VeilError's message or, for anything else, a fixed sentence (never a stack trace or an
    exception's text, which could quote personal data).
    """

    id: str
    kind: str
    params: dict[str, Any]
    state: JobState
    progress_done: int
    progress_total: int | None
    result: dict[str, Any] | None
    error_code: str | None
    error_message: str | None
    actor: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    worker: str | None
    heartbeat_at: str | None
    cancel_requested: bool

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> JobRecord:
        return cls(
            id=row["id"],
            kind=row["kind"],
            params=json.loads(row["params"]),
            state=JobState(row["state"]),
            progress_done=int(row["progress_done"]),
            progress_total=None if row["progress_total"] is None else int(row["progress_total"]),
            result=None if row["result"] is None else json.loads(row["result"]),
            error_code=row["error_code"],
            error_message=row["error_message"],
            actor=row["actor"],
            created_at=row["created_at"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            worker=row["worker"],
            heartbeat_at=row["heartbeat_at"],
            cancel_requested=bool(row["cancel_requested"]),
        )

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-able data (what ``veil job show --json`` and the API answer)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "state": self.state.value,
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "result": self.result,
            "error": None
            if self.error_code is None
            else {"code": self.error_code, "message": self.error_message or ""},
            "actor": self.actor,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "worker": self.worker,
            "heartbeat_at": self.heartbeat_at,
            "cancel_requested": self.cancel_requested,
        }


@dataclass(frozen=True, slots=True)
class JobPage:
    """One page of a listing, newest first; ``next_cursor`` is ``None`` on the last page."""

    items: list[JobRecord]
    next_cursor: str | None
