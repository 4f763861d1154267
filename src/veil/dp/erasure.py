"""The DP analytics mirror as an erasure participant (see :mod:`veil.rights.participants`).

The mirror is rebuilt from the data store, so it forgets after the data store has (a
rebuild in between would copy the rows back). Queries never block it (they read immutable
generations); another process *writing* the mirror (a sync after an ingest) holds the
writers' lock: after ``job.wait_s`` the step raises BusyError having changed nothing, stays
pending and is retried by the next command. A query's own sync drops tombstoned subjects
as well, with the same compaction (see :meth:`veil.dp.mirror.Mirror.forget`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb

from veil.dp.mirror import Mirror
from veil.errors import BusyError

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["MirrorParticipant"]


class MirrorParticipant:
    name = "mirror"
    after: tuple[str, ...] = ("data",)
    holds: tuple[str, ...] = ("analytics/",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        try:
            return {"rows_deleted": Mirror(self.ws).forget(job.pseudonyms, wait=job.wait_s)}
        except duckdb.IOException as exc:  # a DuckDB file lock: nothing was published
            raise BusyError("the DP analytics mirror is busy in another Veil process") from exc
