"""The pages' sessions as an erasure participant (see :mod:`veil.rights.participants`).

A data subject's portal session names their pseudonym (``web_sessions.subject``); an
erasure deletes every such session at once, so the erased subject is signed out and nothing
in the table names them after it (the step runs after the data store's, as the table is in
that store). Staff sessions name no subject. Registered as the entry
point ``web_sessions`` of ``veil.erasure_participants`` (pyproject.toml); it needs only the
data store's schema, so erasing never loads the web stack.
"""

from __future__ import annotations

from veil.rights.participants import RowsParticipant
from veil.schema import web_sessions

__all__ = ["WebSessionsParticipant"]


class WebSessionsParticipant(RowsParticipant):
    name = "web_sessions"
    table = web_sessions
    column = "subject"
    result = "sessions_deleted"
