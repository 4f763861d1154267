"""A job kind: a function ``fn(ws, params, progress) -> dict`` and what an interruption leaves of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from veil.jobs.record import JobRecord
    from veil.workspace import Workspace

__all__ = [
    "DEFAULT_CANCELLED",
    "DEFAULT_INTERRUPTED",
    "CancelRequested",
    "CommitProbe",
    "JobFn",
    "JobKind",
    "ParamCheck",
    "Progress",
]


class CancelRequested(BaseException):  # a signal, not an error: library code must not catch it
    """Raised by a job's ``progress`` when its cancellation was asked for."""


class Progress(Protocol):
    """``progress(done, total)``: how far the job is (``total`` ``None`` when unknown).

    It raises :class:`CancelRequested` (a ``BaseException``, so library code's ``except
    Exception`` does not swallow it) when the job's cancellation was asked for: the library
    operation then rolls back as on any other error. So a kind reports progress only where
    stopping is safe: before or during its transaction, never after its work committed
    (the runner records completion itself; see :mod:`veil.jobs.kinds.ingest` for a library
    call that reports once more after its commit).
    """

    def __call__(self, done: int, total: int | None) -> None: ...


#: A job function: runs one library operation (which is its own transaction(s)) and returns a
#: JSON-able result. It raises VeilErrors for failures a user can fix.
JobFn = Callable[["Workspace", Mapping[str, Any], Progress], dict[str, Any]]

#: Checks a job's parameters before it is queued (raises InputError); returns them normalised.
ParamCheck = Callable[[Mapping[str, Any]], dict[str, Any]]

#: For a job a dead worker left running: the message to fail it with when its work did commit
#: (found e.g. by its audit entry) before the worker could record the result; None when not.
CommitProbe = Callable[["Workspace", "JobRecord"], str | None]

#: What a job stopped by a cancellation records, unless its kind says more.
DEFAULT_CANCELLED = "cancelled on request at a progress report; nothing of it was applied"

#: What a job left ``running`` by a dead worker is failed with, unless its kind says more.
DEFAULT_INTERRUPTED = "interrupted by a server restart; nothing of it was applied"


@dataclass(frozen=True, slots=True)
class JobKind:
    """A registered kind of job.

    ``interrupted`` is the message a job of this kind gets when its worker died: it must be
    true for the library operation the kind runs (all-or-nothing, or what is left over).
    ``committed`` tells the other case: the work committed but the worker died before it
    recorded the result. ``check`` validates parameters at submission so a bad request
    fails before it is queued.
    """

    name: str
    fn: JobFn
    interrupted: str = DEFAULT_INTERRUPTED
    check: ParamCheck | None = None
    committed: CommitProbe | None = None
    #: what a cancellation at one of its progress reports leaves (true of every report it makes)
    cancelled: str = DEFAULT_CANCELLED
