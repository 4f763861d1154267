"""The DP analytics mirror as an erasure participant (see :mod:`veil.rights.participants`).

The mirror is rebuilt from the data store, so it forgets after the data store has (a
rebuild in between would copy the rows back). A mirror held open by another process (a
running ``veil query``) is busy: the step stays pending and is retried by the next
command; that query's own sync drops tombstoned subjects as well.
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

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        try:
            return {"rows_deleted": Mirror(self.ws).forget(job.pseudonyms)}
        except duckdb.IOException as exc:  # another process holds the mirror file's lock
            raise BusyError("the DP analytics mirror is open in another Veil process") from exc
