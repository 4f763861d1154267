"""Did a job's work commit before its worker died? Its audit entries say: every library
operation writes its entry in the transaction that applies it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from veil.schema import audit_log

if TYPE_CHECKING:
    from veil.jobs.record import JobRecord
    from veil.workspace import Workspace

__all__ = ["entry_after", "first_entry", "last_seq"]


def last_seq(ws: Workspace) -> int:
    """The audit log's last entry number (0 when empty)."""
    with ws.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit_log.c.seq), 0))).scalar_one())


def entry_after(ws: Workspace, seq: int, action: str, *, dataset: str) -> int | None:
    """The first committed audit entry ``action`` on ``dataset`` after entry ``seq``, or ``None``."""
    with ws.engine.connect() as conn:
        found = conn.execute(
            sa.select(sa.func.min(audit_log.c.seq)).where(
                audit_log.c.seq > seq, audit_log.c.action == action, audit_log.c.dataset == dataset
            )
        ).scalar_one_or_none()
    return None if found is None else int(found)


def first_entry(ws: Workspace, job: JobRecord, action: str, *, dataset: str | None) -> int | None:
    """The first audit entry ``action`` (a ``%`` pattern allowed) on ``dataset`` written since
    ``job`` started, or ``None``."""
    if job.started_at is None:
        return None
    query = sa.select(sa.func.min(audit_log.c.seq)).where(
        audit_log.c.action.like(action), audit_log.c.ts >= job.started_at
    )
    if dataset is not None:
        query = query.where(audit_log.c.dataset == dataset)
    with ws.engine.connect() as conn:
        seq = conn.execute(query).scalar_one_or_none()
    return None if seq is None else int(seq)
