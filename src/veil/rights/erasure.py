"""Right to erasure (GDPR Art. 17) by crypto-shredding.

Erasing a subject, in this order:

1. the key store destroys the subject's data key and records a tombstone (one
   transaction, ``secure_delete`` on). From here every sealed field of the
   subject, live or in any backup, is unreadable for good;
2. the data store deletes the subject's dataset rows, consent events and vault
   row, and the audit log records the erasure by pseudonym (one transaction);
3. SQLite's WAL is checkpointed and truncated so no old page image remains.

If step 2 fails the tombstone already stands: the subject reads as erased, a
re-run of ``erase`` finishes the deletion, and a restore replays it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil.database import checkpoint
from veil.errors import NotFoundError
from veil.schema import consent_events, subjects
from veil.vault.dataset import PSEUDONYM, DatasetCatalog

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ErasureResult", "erase_pseudonyms", "erase_subject", "purge_rows"]


@dataclass(frozen=True, slots=True)
class ErasureResult:
    pseudonym: str
    already_erased: bool
    key_destroyed: bool
    rows_deleted: dict[str, int] = field(default_factory=dict)
    consent_events_deleted: int = 0
    audit_seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def purge_rows(conn: Connection, ws: Workspace, pseudonyms: Sequence[str]) -> tuple[dict[str, int], int]:
    """Delete every data-store row of ``pseudonyms`` (dataset rows, consent, vault row)."""
    rows: dict[str, int] = {}
    events = 0
    dsets = DatasetCatalog(ws).list()
    for i in range(0, len(pseudonyms), 500):
        chunk = list(pseudonyms[i : i + 500])
        for ds in dsets:
            n = conn.execute(ds.table.delete().where(ds.table.c[PSEUDONYM].in_(chunk))).rowcount or 0
            if n:
                rows[ds.name] = rows.get(ds.name, 0) + n
        events += (
            conn.execute(consent_events.delete().where(consent_events.c.pseudonym.in_(chunk))).rowcount or 0
        )
        conn.execute(subjects.delete().where(subjects.c.pseudonym.in_(chunk)))
    return rows, events


def erase_pseudonyms(
    ws: Workspace,
    pseudonyms: Sequence[str],
    *,
    reason: str,
    action: str = "subject.erase",
    details: dict[str, Any] | None = None,
) -> tuple[dict[str, int], int, int, int]:
    """Shred keys, delete rows, audit once. Returns (rows, events, keys destroyed, audit seq)."""
    destroyed = ws.keystore.destroy_many(pseudonyms, reason)
    with ws.transaction() as conn:
        rows, events = purge_rows(conn, ws, pseudonyms)
        entry = ws.audit.append(
            conn,
            action,
            subjects=list(pseudonyms),
            details={
                "reason": reason,
                "rows_deleted": sum(rows.values()),
                "consent_events_deleted": events,
                "keys_destroyed": destroyed,
                **(details or {}),
            },
        )
    checkpoint(ws.engine)
    return rows, events, destroyed, entry.seq


def erase_subject(ws: Workspace, subject_id: str, *, reason: str = "subject_request") -> ErasureResult:
    pseudonym = ws.pseudonymize(subject_id)
    already = ws.keystore.tombstone(pseudonym) is not None
    if not already:
        with ws.engine.connect() as conn:
            held = conn.execute(
                sa.select(subjects.c.pseudonym).where(subjects.c.pseudonym == pseudonym)
            ).first()
        if held is None and ws.keystore.get(pseudonym) is None:
            raise NotFoundError("Veil holds no data about this subject (check the subject id)")
    rows, events, destroyed, seq = erase_pseudonyms(ws, [pseudonym], reason=reason)
    return ErasureResult(pseudonym, already, bool(destroyed), rows, events, seq)
