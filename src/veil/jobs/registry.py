"""The job kinds a queue accepts: Veil's own (:data:`veil.jobs.kinds.BUILTIN`) and those
added with :func:`register`.

Registration is explicit: the built-in kinds are a table, not decorators run by importing
a module, and :func:`register` refuses a name that is taken.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from veil.errors import ConflictError, NotFoundError, did_you_mean
from veil.jobs.kind import DEFAULT_INTERRUPTED, JobFn, JobKind, ParamCheck
from veil.jobs.kinds import BUILTIN

__all__ = ["kinds", "register", "resolve", "unregister"]

_lock = threading.Lock()
_added: dict[str, JobKind] = {}
_builtin: dict[str, JobKind] = {k.name: k for k in BUILTIN}


def register(
    kind: str, *, interrupted: str = DEFAULT_INTERRUPTED, check: ParamCheck | None = None
) -> Callable[[JobFn], JobFn]:
    """Decorator: ``@register("my.kind")`` makes ``fn(ws, params, progress) -> dict`` a job kind.

    ``interrupted`` is what a job of this kind that a dead worker left running is failed
    with; it must be true of ``fn`` (the default says nothing was applied, so ``fn`` must be
    all-or-nothing). A name already registered is refused (ConflictError).
    """

    def add(fn: JobFn) -> JobFn:
        with _lock:
            if kind in _builtin or kind in _added:
                raise ConflictError(f"job kind {kind!r} is already registered")
            _added[kind] = JobKind(kind, fn, interrupted=interrupted, check=check)
        return fn

    return add


def unregister(kind: str) -> None:
    """Remove a kind added with :func:`register` (built-in kinds stay)."""
    with _lock:
        _added.pop(kind, None)


def resolve(kind: str) -> JobKind:
    """The kind named ``kind`` (NotFoundError, with the closest names, when there is none)."""
    with _lock:
        found = _builtin.get(kind) or _added.get(kind)
        known = [*_builtin, *_added]
    if found is None:
        raise NotFoundError(f"no job kind {kind!r}.{did_you_mean(kind, known)}")
    return found


def kinds() -> list[str]:
    """Every kind's name, built-in first."""
    with _lock:
        return [*_builtin, *_added]
