"""The breach register as an erasure participant (see :mod:`veil.rights.participants`).

``breach_subjects`` names exposed subjects by pseudonym. Erasing a subject deletes their rows
there; the breach keeps its counts (the register itself holds no personal data). Registered as
the entry point ``breach_subjects`` of ``veil.erasure_participants`` (pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from veil.schema import breach_subjects

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["BreachSubjectsParticipant"]


class BreachSubjectsParticipant:
    name = "breach_subjects"
    after: tuple[str, ...] = ("data",)
    holds: tuple[str, ...] = ("breach_subjects",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        pseudonyms = list(job.pseudonyms)
        if not pseudonyms:
            return {"rows_deleted": 0}
        with self.ws.transaction() as conn:
            result = conn.execute(breach_subjects.delete().where(breach_subjects.c.pseudonym.in_(pseudonyms)))
        return {"rows_deleted": int(result.rowcount or 0)}
