"""A data subject's own API keys as an erasure participant (see :mod:`veil.rights.participants`).

A key of role ``subject`` (the portal's) names its subject by pseudonym. Once the subject is
erased the key has nothing left to show and must not authenticate anyone as that person
again, so the subject's keys are deleted (not only revoked: the row itself links a key id to
the pseudonym). Veil-issued access tokens die with the key: every request reads the key's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from veil.schema import api_keys

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["SubjectKeysParticipant"]

#: Pseudonyms per DELETE ... IN (...) statement.
CHUNK = 500


class SubjectKeysParticipant:
    name = "api_keys"
    after: tuple[str, ...] = ()
    holds: tuple[str, ...] = ("api_keys",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        deleted = 0
        with self.ws.transaction() as conn:
            for i in range(0, len(job.pseudonyms), CHUNK):
                chunk = list(job.pseudonyms[i : i + CHUNK])
                deleted += conn.execute(api_keys.delete().where(api_keys.c.subject.in_(chunk))).rowcount or 0
        return {"keys_deleted": deleted}
