"""Retention as a job: what ``veil retention enforce`` does (see veil.rights.retention), its
result without the erased subjects' pseudonyms.

An erasure is not all-or-nothing: keys go first, then each store forgets the subjects, and
what a kill interrupts the next ``Workspace.open`` finishes. So an interrupted retention job
says so rather than "nothing was applied".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from veil.errors import InputError
from veil.jobs.kind import JobKind, Progress
from veil.jobs.kinds.params import ParamReader

if TYPE_CHECKING:
    from datetime import datetime

    from veil.workspace import Workspace

__all__ = ["RETENTION", "RetentionParams"]


@dataclass(frozen=True, slots=True)
class RetentionParams:
    """``dry_run``, ``as_of`` (ISO-8601; default now), ``grace_days``."""

    dry_run: bool = False
    as_of: str | None = None
    grace_days: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> RetentionParams:
        r = ParamReader("retention", params)
        p = cls(
            dry_run=r.flag("dry_run", False),
            as_of=r.text("as_of", None),
            grace_days=r.integer("grace_days", None, low=0),
        )
        r.done()
        p.when()
        return p

    def when(self) -> datetime | None:
        from veil import clock

        try:
            return clock.parse_ts(self.as_of) if self.as_of else None
        except ValueError:
            raise InputError(
                "parameter 'as_of' of a retention job must be an ISO-8601 date or time"
            ) from None


def _run(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from veil.rights.retention import DEFAULT_GRACE_DAYS, enforce_retention

    p = RetentionParams.parse(params)
    progress(0, 1)  # the one point where a cancellation stops it: before anything ran
    grace = DEFAULT_GRACE_DAYS if p.grace_days is None else p.grace_days
    result = enforce_retention(ws, dry_run=p.dry_run, as_of=p.when(), grace_days=grace).to_dict()
    # The erased subjects' pseudonyms stay out of the job's record (which no erasure purges and the
    # API shows): their count is the result, as in the audit log.
    del result["expired_pseudonyms"]
    return result


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    p = RetentionParams.parse(params)
    return {
        k: v
        for k, v in {"dry_run": p.dry_run, "as_of": p.as_of, "grace_days": p.grace_days}.items()
        if v is not None
    }


RETENTION = JobKind(
    "retention",
    _run,
    interrupted=(
        "interrupted by a server restart; subjects whose erasure it had recorded are erased (their keys "
        "are destroyed and the next open finishes removing their data), nothing else was applied"
    ),
    check=_check,
)
