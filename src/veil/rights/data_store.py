"""The data store as an erasure participant: dataset rows, consent events, the vault row.

Its step also writes the erasure's audit entry, in the same transaction as the deletes, and
remembers the erasure in ``erasures_applied`` so a run after a crash finds its own entry
instead of writing a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.database import checkpoint
from veil.schema import erasures_applied
from veil.vault.subject import purge_subjects, subject_writer

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["DataStoreParticipant"]


class DataStoreParticipant:
    """The data store: dataset rows, consent events and vault row, plus the audit entry."""

    name = "data"
    after: tuple[str, ...] = ()
    holds: tuple[str, ...] = ("subjects", "ds_*", "consent_events")

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        ws = self.ws
        with subject_writer(ws, wait_s=job.wait_s) as conn:
            seen = conn.execute(
                sa.select(erasures_applied.c.audit_seq).where(erasures_applied.c.erasure_id == job.erasure_id)
            ).first()
            if seen is not None:  # committed by a run that died before the key store heard of it
                return {"rows_deleted": {}, "consent_events_deleted": 0, "audit_seq": int(seen[0])}
            rows, events = purge_subjects(conn, job.pseudonyms)
            tokens = job.results.get("pii_tokens", {}).get("forgotten")
            entry = ws.audit.append(
                conn,
                job.action,
                subjects=list(job.pseudonyms),
                details={
                    "reason": job.reason,
                    "rows_deleted": sum(rows.values()),
                    "consent_events_deleted": events,
                    "keys_destroyed": job.keys_destroyed,
                    "pii_tokens_forgotten": tokens,
                    **({"resumed": True} if job.resumed else {}),
                    **dict(job.details),
                },
            )
            conn.execute(
                erasures_applied.insert().values(
                    erasure_id=job.erasure_id, audit_seq=entry.seq, applied_at=clock.now_iso()
                )
            )
        checkpoint(ws.engine)  # no page image of the deleted rows stays in SQLite's WAL
        return {"rows_deleted": rows, "consent_events_deleted": events, "audit_seq": entry.seq}
