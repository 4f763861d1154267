"""Storage limitation (GDPR Art. 5(1)(e)): erase data no purpose still justifies.

A purpose covers a subject's data until ``last_seen + retention_days``, where
``last_seen`` is when the subject's data was last ingested, provided its lawful
basis holds: for basis ``consent`` a grant not later withdrawn; for other bases,
always. Data that no purpose covers is kept for a grace period after collection
(``grace_days``, default 30: time to obtain consent) and then erased. A subject
is erased when the latest of those dates has passed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from veil import clock
from veil.consent.ledger import consenting_subjects
from veil.consent.purpose import PurposeRegistry
from veil.errors import ConfigError
from veil.rights.erasure import erase_pseudonyms
from veil.schema import subjects

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["RetentionResult", "enforce_retention"]

DEFAULT_GRACE_DAYS = 30


@dataclass(frozen=True, slots=True)
class RetentionResult:
    as_of: str
    dry_run: bool
    subjects_checked: int
    expired: int
    erased: int
    rows_deleted: dict[str, int] = field(default_factory=dict)
    expired_pseudonyms: list[str] = field(default_factory=list)
    #: "pending" when the erasure's keys are gone but a store was busy (see veil.rights.erasure)
    status: Literal["complete", "pending"] = "complete"
    pending: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def enforce_retention(
    ws: Workspace,
    *,
    dry_run: bool = False,
    as_of: datetime | None = None,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> RetentionResult:
    now = as_of or clock.now()
    purposes = PurposeRegistry(ws).list()
    if not purposes:
        raise ConfigError("no purposes are defined, so no retention period applies; add purposes first")
    with ws.engine.connect() as conn:
        consenting = {
            p.name: {r[0] for r in conn.execute(consenting_subjects(p.name))}
            for p in purposes
            if p.needs_consent
        }
        expired: list[str] = []
        checked = 0
        for pseudonym, last_seen in conn.execute(sa.select(subjects.c.pseudonym, subjects.c.last_seen_at)):
            checked += 1
            seen = clock.parse_ts(last_seen)
            until = seen + timedelta(days=grace_days)
            for p in purposes:
                if not p.needs_consent or pseudonym in consenting[p.name]:
                    until = max(until, seen + timedelta(days=p.retention_days))
            if until <= now:
                expired.append(pseudonym)
    expired.sort()
    rows: dict[str, int] = {}
    pending: dict[str, str] = {}
    if expired and not dry_run:
        report = erase_pseudonyms(
            ws,
            expired,
            reason="retention_expired",
            action="retention.enforce",
            details={"as_of": clock.format_ts(now), "grace_days": grace_days},
        )
        rows, pending = report.rows_deleted, report.pending
    return RetentionResult(
        as_of=clock.format_ts(now),
        dry_run=dry_run,
        subjects_checked=checked,
        expired=len(expired),
        erased=0 if dry_run else len(expired),
        rows_deleted=rows,
        expired_pseudonyms=expired,
        status="pending" if pending else "complete",
        pending=pending,
    )
