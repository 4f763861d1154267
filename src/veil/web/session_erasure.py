"""The pages' sessions as an erasure participant (see :mod:`veil.rights.participants`).

A data subject's portal session names their pseudonym (``web_sessions.subject``); an
erasure deletes every such session at once, so the erased subject is signed out and nothing
in the table names them after it (the step runs after the data store's, as the table is in
that store). Staff sessions name no subject. Registered as the entry
point ``web_sessions`` of ``veil.erasure_participants`` (pyproject.toml); it needs only the
data store's schema, so erasing never loads the web stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from veil.schema import web_sessions

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["WebSessionsParticipant"]


class WebSessionsParticipant:
    name = "web_sessions"
    #: the sessions are rows of the data store: when it is busy they wait for its step
    after: tuple[str, ...] = ("data",)
    holds: tuple[str, ...] = ("web_sessions",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        pseudonyms = list(job.pseudonyms)
        if not pseudonyms:
            return {"sessions_deleted": 0}
        with self.ws.transaction() as conn:
            result = conn.execute(web_sessions.delete().where(web_sessions.c.subject.in_(pseudonyms)))
        return {"sessions_deleted": int(result.rowcount or 0)}
